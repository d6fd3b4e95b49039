import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { forTerminal } from '../src/cli/terminal.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { tempDir } from './helpers/tmp.js';

/**
 * `ibp-bot knelpunten export` to a terminal (issue 16): a user's text may hold escape
 * sequences (recolour, retitle the window, move the cursor); a terminal must never get
 * them raw. A file or a pipe gets the data exactly as stored.
 */
const ESC = '\u001b';
const HOSTILE = `Echt probleem ${ESC}]0;gehackt\u0007${ESC}[31mrood${ESC}[0m, 8-bit CSI \u009b2J, overschreven\rXX en \u202Eomgekeerd\u202C, del\u007f.`;

describe('forTerminal (pure)', () => {
  it('shows control characters as symbols; keeps text, tabs and line ends', () => {
    expect(forTerminal(`a${ESC}[31mb`)).toBe('a\u241B[31mb');
    expect(forTerminal('bel\u0007 nul\u0000 del\u007f')).toBe('bel\u2407 nul\u2400 del\u2421');
    expect(forTerminal('csi\u009b osc\u009d')).toBe('csi\uFFFD osc\uFFFD');
    expect(forTerminal('a\rb')).toBe('a\u240Db');
    expect(forTerminal('\u202Erechts\u2066')).toBe('\uFFFDrechts\uFFFD');
    const plain = 'Café; één\tkolom\r\nregel twee\nregel drie — “citaat” 😀';
    expect(forTerminal(plain)).toBe(plain);
  });
});

describe('knelpunten export: terminal, pipe, file', () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' };
  async function exportTo(terminal: boolean, args: string[]): Promise<string> {
    let out = '';
    const code = await runCli(['knelpunten', 'export', ...args], env, { out: (s) => (out += `${s}\n`), err: () => undefined, terminal });
    expect(code).toBe(0);
    return out;
  }
  const seeded = (async () => {
    const s = await LowdbStore.open({ dataDir });
    await s.knelpunten.create({ opgave: 'anders', beschrijving: HOSTILE, overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'k', new Date('2026-03-01T09:00:00Z'));
    await s.close();
  })();

  it('to a terminal: no escape, C1 control, lone CR or bidi override reaches it, in CSV or JSON', async () => {
    await seeded;
    for (const format of ['csv', 'json']) {
      const out = await exportTo(true, ['--format', format]);
      expect(out).toContain('Echt probleem');
      // eslint-disable-next-line no-control-regex -- looking for control characters
      expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E]|\r(?!\n)/);
      // CSV shows the symbol; JSON had escaped ESC already (\u001b), but not the C1 CSI
      expect(out).toContain(format === 'csv' ? '\u241B[31mrood' : '\\u001b[31mrood');
    }
  });

  it('to a pipe or a file: the data exactly as stored', async () => {
    await seeded;
    const piped = await exportTo(false, ['--format', 'json']);
    expect((JSON.parse(piped) as { beschrijving: string }[])[0]!.beschrijving).toBe(HOSTILE);
    expect(await exportTo(false, ['--format', 'csv'])).toContain(`${ESC}[31mrood`);
    const file = path.join(tempDir(), 'export.csv');
    await exportTo(true, ['--format', 'csv', '--out', file]);
    expect(readFileSync(file, 'utf8')).toContain(HOSTILE.replace(/"/g, '""'));
  });
});

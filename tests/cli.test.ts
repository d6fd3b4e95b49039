import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cpSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { tempDir } from './helpers/tmp.js';

const exec = promisify(execFile);
const env = { KNOWLEDGE_DIR: path.resolve('knowledge'), DATA_DIR: tempDir(), NODE_ENV: 'test' };

async function cli(args: string[], e: Record<string, string> = env): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, e, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

describe('ibp-bot CLI', () => {
  it('validate: OK on the shipped knowledge base', async () => {
    const r = await cli(['validate']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/OK: \d+ knowledge entries/);
  });

  it('validate: lists every error and exits non-zero', async () => {
    const dir = tempDir();
    cpSync(path.resolve('knowledge'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'ibp.md'), '---\nid: ibp\ntype: nope\n---\nbody');
    const r = await cli(['validate'], { ...env, KNOWLEDGE_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ibp\.md \[type\]: must be one of/);
    expect(r.err).toMatch(/ibp\.md \[title\]: required field is missing/);
  });

  it('ask prints the answer; ask --json prints the ranked entries', async () => {
    const r = await cli(['ask', 'Wat is de zevende zekerheid?']);
    expect(r.out).toMatch(/== Er gaan altijd dingen mis, blijf leren! ==/);
    const j = await cli(['ask', '--json', 'Wat is de zevende zekerheid?']);
    const parsed = JSON.parse(j.out) as { q: string; answers: { id: string; title: string; score: number }[] };
    expect(parsed.q).toBe('Wat is de zevende zekerheid?');
    expect(parsed.answers[0]).toMatchObject({ id: 'zekerheid-7', title: 'Er gaan altijd dingen mis, blijf leren!' });
    const scores = parsed.answers.map((a) => a.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(JSON.parse((await cli(['ask', '--json', 'recept voor appeltaart'])).out)).toEqual({ q: 'recept voor appeltaart', answers: [] });
  });

  it('ask --lang en answers in English', async () => {
    const r = await cli(['ask', '--lang', 'en', 'zekerheid 7']);
    expect(r.out).toMatch(/keep learning/i);
  });

  it('bad arguments give usage and exit 2', async () => {
    expect((await cli(['ask', '--lang', 'fr', 'x'])).code).toBe(2);
    expect((await cli(['ask'])).code).toBe(2);
    expect((await cli(['frobnicate'])).err).toMatch(/Unknown command/);
    expect((await cli(['validate'], { ...env, PORT: 'x' })).err).toMatch(/PORT="x"/);
  });

  it('npx ibp-bot ask --json reads one question per stdin line (real process)', async () => {
    const child = spawn(process.execPath, ['bin/ibp-bot.js', 'ask', '--json'], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('Wat is het IBP?\n\nhoe laat is het\nWelke opgaven zijn er\n');
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { q: string; answers: { id: string }[] });
    expect(lines.map((l) => l.q)).toEqual(['Wat is het IBP?', 'hoe laat is het', 'Welke opgaven zijn er']);
    expect(lines[0]!.answers[0]?.id).toBe('ibp');
    expect(lines[1]!.answers).toEqual([]);
    expect(lines[2]!.answers[0]?.id).toBe('opgaven');
  }, 30_000);

  it('npm run cli -- validate works as a real process', async () => {
    const { stdout } = await exec('npm', ['run', '--silent', 'cli', '--', 'validate'], { env: { ...process.env, ...env } });
    expect(stdout).toMatch(/OK/);
  }, 30_000);
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('architecture boundaries', () => {
  it('the core imports nothing from adapters and no platform SDK', () => {
    for (const f of files('src/core')) {
      for (const spec of importsOf(f)) {
        expect(spec, `${f} imports ${spec}`).not.toMatch(/adapters\/|botbuilder|botframework|@slack\//);
      }
    }
  });

  it('botbuilder is imported only inside adapters/teams, Slack SDKs only inside adapters/slack', () => {
    for (const f of [...files('src'), ...files('adapters')]) {
      for (const spec of importsOf(f)) {
        if (/botbuilder|botframework/.test(spec)) expect(f, `${f} imports ${spec}`).toMatch(/^adapters\/teams\//);
        if (/^@slack\//.test(spec)) expect(f, `${f} imports ${spec}`).toMatch(/^adapters\/slack\//);
      }
    }
  });

  it('user-facing strings live in src/i18n: no Dutch sentences in core routes', () => {
    for (const f of files('src/core')) {
      const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(src, f).not.toMatch(/['"`][^'"`]*\b(je|jouw|niet|het|een|wij|graag)\b[^'"`]*\b(je|niet|het|een)\b[^'"`]*['"`]/i);
    }
  });
});

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

/** The top-level part a file belongs to: `src/<dir>`, `src/<file>` or `adapters/<platform>`. */
function partOf(file: string): string {
  const [top, second = ''] = file.split(path.sep);
  if (top === 'adapters') return `adapters/${second}`;
  return `src/${second.replace(/\.ts$/, '')}`;
}

/** Every import between two parts: `from -> to` with the files that cause it. */
function partGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const f of [...files('src'), ...files('adapters')]) {
    for (const spec of importsOf(f)) {
      if (!spec.startsWith('.')) continue;
      const target = path.normalize(path.join(path.dirname(f), spec)).replace(/\.js$/, '.ts');
      const [a, b] = [partOf(f), partOf(target)];
      if (a === b) continue;
      const edges = graph.get(a) ?? new Map<string, string[]>();
      graph.set(a, edges);
      edges.set(b, [...(edges.get(b) ?? []), `${f} -> ${target}`]);
    }
  }
  return graph;
}

/** Strongly connected components with more than one part (Tarjan): every import cycle between parts. */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('architecture boundaries', () => {
  const graph = partGraph();
  const edge = (from: string, to: string): string[] => graph.get(from)?.get(to) ?? [];

  it('no import cycle between top-level parts (src/<part>, adapters/<platform>)', () => {
    const found = cycles(graph).map((scc) => {
      const examples = scc.flatMap((a) => scc.flatMap((b) => edge(a, b).slice(0, 1)));
      return `${scc.join(' <-> ')}\n    ${examples.join('\n    ')}`;
    });
    expect(found, found.join('\n')).toEqual([]);
  });

  it('the domain is a leaf: it imports nothing else of ours', () => {
    expect([...(graph.get('src/domain')?.keys() ?? [])]).toEqual([]);
  });

  it('directions that must never exist', () => {
    const forbidden: [string, (to: string) => boolean, string][] = [
      ['src/core', (to) => to === 'src/server' || to.startsWith('adapters/') || to === 'src/dashboard' || to === 'src/scheduler', 'the core knows no server, adapter, dashboard or scheduler'],
      ['src/store', (to) => to === 'src/core' || to === 'src/knowledge' || to === 'src/scheduler', 'the store knows no core, knowledge or scheduler'],
      ['src/knowledge', (to) => to === 'src/core' || to === 'src/store', 'knowledge knows no core or store'],
      ['src/i18n', (to) => to !== 'src/domain', 'the message catalogue needs only the domain'],
    ];
    const adapters = [...graph.keys()].filter((p) => p.startsWith('adapters/'));
    for (const a of adapters) forbidden.push([a, (to) => to.startsWith('adapters/') || to === 'src/server', 'an adapter knows no other adapter and no server (only the contract in src/platform)']);
    const bad: string[] = [];
    for (const [from, isBad, why] of forbidden) {
      for (const [to, because] of graph.get(from) ?? []) if (isBad(to)) bad.push(`${from} -> ${to} (${why}): ${because[0]}`);
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('the core reaches the store only through its interfaces (src/store/types.ts), never an implementation', () => {
    const bad = edge('src/core', 'src/store').filter((e) => !/-> src\/store\/types\.ts$/.test(e));
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('the core imports nothing from adapters and no platform SDK', () => {
    for (const f of files('src/core')) {
      for (const spec of importsOf(f)) {
        expect(spec, `${f} imports ${spec}`).not.toMatch(/adapters\/|botbuilder|botframework|@slack\/|@microsoft\/agents/);
      }
    }
  });

  it('a Teams SDK is imported only by its transport (adapters/teams/transport/{botbuilder,agents}.ts), Slack SDKs only inside adapters/slack', () => {
    for (const f of [...files('src'), ...files('adapters')]) {
      for (const spec of importsOf(f)) {
        // Within the Teams adapter, only the transport files import an SDK: everything above them is shared.
        if (/botbuilder|botframework|@microsoft\/agents/.test(spec)) expect(f, `${f} imports ${spec}`).toMatch(/^adapters\/teams\/transport\/(botbuilder|agents)\.ts$/);
        if (/^@slack\//.test(spec)) expect(f, `${f} imports ${spec}`).toMatch(/^adapters\/slack\//);
      }
    }
  });

  it('every record kind lives in its own folder under src/store/kinds, and the registry lists each once', () => {
    const kinds = readdirSync('src/store/kinds');
    const registry = readFileSync('src/store/registry.ts', 'utf8');
    for (const k of kinds) {
      expect(readdirSync(path.join('src/store/kinds', k)).sort(), k).toEqual(expect.arrayContaining(['index.ts', 'lowdb.ts', 'postgres.ts']));
      expect(registry.match(new RegExp(`from './kinds/${k}/index.js'`, 'g')) ?? [], k).toHaveLength(1);
    }
  });

  it('user-facing strings live in src/i18n: no Dutch sentences in core routes', () => {
    for (const f of files('src/core')) {
      // Comments, and lines holding an anchored pattern (the words commands are recognised by: input, not output).
      const src = readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
        .replace(/^\s*(?:const \w+ = )?\/\^.*\/[a-z]*[,;]?$/gm, '');
      expect(src, f).not.toMatch(/['"`][^'"`]*\b(je|jouw|niet|het|een|wij|graag)\b[^'"`]*\b(je|niet|het|een)\b[^'"`]*['"`]/i);
    }
  });
});

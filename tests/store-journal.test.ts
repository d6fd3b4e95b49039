import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalFile, SNAPSHOT_FILE, type TableSpec, type Tables } from '../src/store/lowdb/journal.js';
import { StoreUnusableError } from '../src/store/types.js';
import { tempDir } from './helpers/tmp.js';

interface Item { id: string; n: number; text?: string }
const item: TableSpec = {
  name: 'items',
  key: (r) => (r as Item).id,
  check: (r) => (typeof (r as Item).id === 'string' && typeof (r as Item).n === 'number' ? null : 'id/n: wrong type'),
};
const other: TableSpec = { name: 'other', key: (r) => (r as { k: string }).k, check: () => null };
const SPECS = [item, other];

async function openJournal(dir: string, opts: ConstructorParameters<typeof JournalFile>[2] = {}): Promise<{ j: JournalFile; tables: Tables; warnings: string[] }> {
  const warnings: string[] = [];
  const j = new JournalFile(dir, SPECS, { warn: (m) => warnings.push(m), ...opts });
  const tables = (await j.read()) ?? { items: new Map(), other: new Map() };
  j.tables = () => tables;
  return { j, tables, warnings };
}

/** Applies a change in memory and journals it, as the store does. */
async function put(j: JournalFile, tables: Tables, rec: Item): Promise<void> {
  tables.items!.set(rec.id, rec);
  await j.append([['items', rec.id, rec]]);
}

const journals = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('ibp-bot.journal.')).sort();

describe('lowdb journal adapter', () => {
  it('appends changes, survives a reopen, and deletes records', async () => {
    const dir = tempDir();
    const a = await openJournal(dir);
    expect(await new JournalFile(tempDir(), SPECS, { readOnly: true }).read()).toBeNull(); // no data yet, nothing created
    expect(existsSync(path.join(dir, SNAPSHOT_FILE))).toBe(true); // a new directory starts with an empty snapshot
    for (let i = 0; i < 10; i++) await put(a.j, a.tables, { id: `i${i}`, n: i });
    a.tables.items!.delete('i3');
    await a.j.append([['items', 'i3', null], ['other', 'x', { k: 'x', v: 1 }]]);
    await a.j.close();
    const b = await openJournal(dir);
    expect([...b.tables.items!.keys()]).toEqual(['i0', 'i1', 'i2', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9']);
    expect(b.tables.other!.get('x')).toEqual({ k: 'x', v: 1 });
    await b.j.close();
  });

  it('concurrent changes share writes (group commit) and every one is durable', async () => {
    const dir = tempDir();
    const a = await openJournal(dir);
    await Promise.all(Array.from({ length: 300 }, (_, i) => put(a.j, a.tables, { id: `c${i}`, n: i })));
    await a.j.close();
    const lines = readFileSync(path.join(dir, journals(dir)[0]!), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(300);
    const b = await openJournal(dir);
    expect(b.tables.items!.size).toBe(300);
    await b.j.close();
  });

  it('a torn last line (crash mid-append) is dropped with a warning; appends continue after it', async () => {
    const dir = tempDir();
    const a = await openJournal(dir);
    await put(a.j, a.tables, { id: 'kept', n: 1 });
    await a.j.close();
    const file = path.join(dir, journals(dir)[0]!);
    writeFileSync(file, `${readFileSync(file, 'utf8')}0123456789ab\t[["items","torn",{"id":"to`, { flag: 'w' });
    const b = await openJournal(dir);
    expect([...b.tables.items!.keys()]).toEqual(['kept']);
    expect(b.warnings.join('\n')).toMatch(/dropped a torn last line/);
    await put(b.j, b.tables, { id: 'after', n: 2 });
    await b.j.close();
    const c = await openJournal(dir);
    expect([...c.tables.items!.keys()]).toEqual(['kept', 'after']);
    expect(c.warnings).toEqual([]);
    await c.j.close();
  });

  it('damage anywhere else refuses to open and leaves every file untouched', async () => {
    const cases: [string, (text: string) => string][] = [
      ['a changed byte in a middle line (checksum)', (t) => t.replace('"n":1', '"n":7')],
      ['a middle line that is not JSON', (t) => t.replace(/\n/, '\nnot json at all\n')],
      ['a record that does not fit its table', (t) => { const body = '[["items","bad",{"id":"bad","n":"x"}]]'; return `${t}${cheat(body)}\n${t.split('\n')[0]}\n`; }],
    ];
    for (const [what, damage] of cases) {
      const dir = tempDir();
      const a = await openJournal(dir);
      for (let i = 0; i < 3; i++) await put(a.j, a.tables, { id: `d${i}`, n: i });
      await a.j.close();
      const file = path.join(dir, journals(dir)[0]!);
      writeFileSync(file, damage(readFileSync(file, 'utf8')));
      const before = readFileSync(file);
      await expect(openJournal(dir), what).rejects.toThrow(StoreUnusableError);
      await expect(openJournal(dir), what).rejects.toThrow(/damaged at line|does not fit table/);
      expect(readFileSync(file).equals(before), what).toBe(true);
    }
  });

  it('compaction writes a snapshot in the background and removes the journals it covers; changes made meanwhile are kept', async () => {
    const dir = tempDir();
    const a = await openJournal(dir, { compactMinBytes: 20_000 });
    for (let i = 0; i < 2_000; i++) {
      // Each change replaces a record: the data stays small while the journal grows.
      await put(a.j, a.tables, { id: `r${i % 50}`, n: i, text: 'x'.repeat(100) });
    }
    await a.j.close();
    const snapshot = JSON.parse(readFileSync(path.join(dir, SNAPSHOT_FILE), 'utf8')) as { version: number; journal: number; items: Item[] };
    expect(snapshot.version).toBe(2);
    expect(snapshot.journal).toBeGreaterThan(1);
    expect(journals(dir).length).toBeLessThanOrEqual(1); // covered journals are gone
    const b = await openJournal(dir);
    expect(b.tables.items!.size).toBe(50);
    expect((b.tables.items!.get('r49') as Item).n).toBe(1999);
    await b.j.close();
  });

  it('a crash after the snapshot but before the old journals were deleted: replaying them again changes nothing', async () => {
    const dir = tempDir();
    const a = await openJournal(dir, { compactMinBytes: 5_000 });
    for (let i = 0; i < 20; i++) await put(a.j, a.tables, { id: `k${i}`, n: i, text: 'y'.repeat(100) });
    const keep = journals(dir).map((f) => [f, readFileSync(path.join(dir, f))] as const);
    for (let i = 20; i < 80; i++) await put(a.j, a.tables, { id: `k${i % 30}`, n: i, text: 'y'.repeat(100) });
    await a.j.close();
    const expected = new Map(a.tables.items!);
    // Bring back journals the snapshot already covers, as if the process died before deleting them.
    for (const [f, bytes] of keep) if (!existsSync(path.join(dir, f))) writeFileSync(path.join(dir, f), bytes);
    const b = await openJournal(dir);
    expect(new Map(b.tables.items!)).toEqual(expected);
    await b.j.close();
  });

  it('a snapshot that names a journal that is missing refuses (changes would be lost)', async () => {
    const dir = tempDir();
    const a = await openJournal(dir, { compactMinBytes: 2_000 });
    for (let i = 0; i < 60; i++) await put(a.j, a.tables, { id: `m${i}`, n: i, text: 'z'.repeat(60) });
    await a.j.close();
    const snapshot = JSON.parse(readFileSync(path.join(dir, SNAPSHOT_FILE), 'utf8')) as { journal: number };
    expect(journals(dir)).toEqual([`ibp-bot.journal.${snapshot.journal}`]);
    // The journal right after the snapshot is gone, a later one exists.
    unlinkSync(path.join(dir, `ibp-bot.journal.${snapshot.journal}`));
    writeFileSync(path.join(dir, `ibp-bot.journal.${snapshot.journal + 1}`), '');
    await expect(openJournal(dir)).rejects.toThrow(/is missing/);
  });

  it('a newer format and a file that is not ours are refused, untouched', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SNAPSHOT_FILE), JSON.stringify({ version: 99, journal: 1 }));
    await expect(openJournal(dir)).rejects.toThrow(/schema version 99, newer than this ibp-bot knows/);
    writeFileSync(path.join(dir, SNAPSHOT_FILE), '{"version":2,"journal":1,"items":[{"id":1}]}');
    await expect(openJournal(dir)).rejects.toThrow(/not an ibp-bot data file \(items\.0\.id\/n: wrong type\)/);
    writeFileSync(path.join(dir, SNAPSHOT_FILE), '{"version": 2, "jour');
    await expect(openJournal(dir)).rejects.toThrow(/not valid JSON/);
  });

  it('kill -9 at random moments while changes and compactions run: every acknowledged change is there, and the files always open', async () => {
    const dir = tempDir();
    const acknowledged = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('tests/fixtures/journal-writer.ts'), dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((resolve) => {
        const wait = (): void => {
          if (out.split('\n').length > 40 + round * 20 || child.exitCode !== null) resolve();
          else setTimeout(wait, 5);
        };
        wait();
      });
      await new Promise((r) => setTimeout(r, Math.random() * 50));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(err).not.toMatch(/Error/);
      for (const line of out.split('\n')) if (line.startsWith('ack ')) acknowledged.add(line.slice(4));
      const b = await openJournal(dir);
      const missing = [...acknowledged].filter((id) => !b.tables.items!.has(id));
      expect(missing, `round ${round}`).toEqual([]);
      await b.j.close();
    }
    expect(acknowledged.size).toBeGreaterThan(200);
    // compactions ran too, and were interrupted along the way
    expect((JSON.parse(readFileSync(path.join(dir, SNAPSHOT_FILE), 'utf8')) as { journal: number }).journal).toBeGreaterThan(3);
  }, 120_000);
});

/** A journal line with a valid checksum (the same rule as journal.ts), to test a record that does not fit. */
function cheat(body: string): string {
  return `${createHash('sha256').update(body).digest('hex').slice(0, 12)}\t${body}`;
}

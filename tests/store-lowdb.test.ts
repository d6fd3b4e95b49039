import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { instrumentStore, Metrics } from '../src/metrics.js';
import { DATA_FILE, LOCK_FILE, LowdbStore } from '../src/store/lowdb/store.js';
import { StoreError, StoreUnusableError } from '../src/store/types.js';
import { tempDir } from './helpers/tmp.js';
import { storeContract } from './store-contract.js';
import { hostileStringContract } from './store-hostile.js';

const exec = promisify(execFile);

storeContract('lowdb (file)', () => LowdbStore.open({ dataDir: tempDir() }));
hostileStringContract('lowdb (file)', () => LowdbStore.open({ dataDir: tempDir() }));
storeContract('lowdb (memory)', async () => LowdbStore.openInMemory());
// The metrics wrapper must be transparent: the same contract through it.
storeContract('lowdb (memory, instrumented for metrics)', async () => instrumentStore(LowdbStore.openInMemory(), new Metrics()));

describe('metrics wrapper', () => {
  it('times the overview stats like every other store call', async () => {
    const metrics = new Metrics();
    const s = instrumentStore(LowdbStore.openInMemory(), metrics);
    await Promise.all([s.knelpunten.stats([], 5), s.gaps.stats([], 5), s.reflections.stats([])]);
    const text = await metrics.text();
    for (const repo of ['knelpunten', 'gaps', 'reflections']) {
      expect(text).toContain(`ibp_store_operation_duration_seconds_count{backend="lowdb",repo="${repo}",op="stats"} 1`);
    }
    await s.close();
  });
});

async function openInChild(dir: string, mode = 'rw'): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'tests/fixtures/open-store.ts', dir, mode]);
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

describe('lowdb store on disk', () => {
  const at = '2026-11-23T10:00:00.000Z';

  it('creates the data file with a schema version on first start, and keeps data across restarts', async () => {
    const dir = tempDir();
    const s1 = await LowdbStore.open({ dataDir: path.join(dir, 'nested', 'data') });
    await s1.gaps.add({ text: 'blijft bewaard', locale: 'nl', platform: 'local', at });
    await s1.close();
    const file = path.join(dir, 'nested', 'data', DATA_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(2);
    const s2 = await LowdbStore.open({ dataDir: path.join(dir, 'nested', 'data') });
    expect((await s2.gaps.list()).map((g) => g.text)).toEqual(['blijft bewaard']);
    await s2.close();
  });

  it('writes atomically: no temp files left, and the file is always complete JSON', async () => {
    const dir = tempDir();
    const s = await LowdbStore.open({ dataDir: dir });
    const writes = Array.from({ length: 100 }, (_, i) => s.gaps.add({ text: `v${i}`, locale: 'nl', platform: 'local', at }));
    // read the file while writes are in flight: it must parse every time
    for (let i = 0; i < 20; i++) {
      JSON.parse(readFileSync(path.join(dir, DATA_FILE), 'utf8'));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(writes);
    await s.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await LowdbStore.open({ dataDir: dir });
    expect(await again.gaps.count()).toBe(100);
    await again.close();
  });

  it('refuses a file that is not valid JSON, names it, and leaves it untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, DATA_FILE);
    writeFileSync(file, '{"version": 2, "feedback": [');
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(StoreUnusableError);
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 2, "feedback": [');
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false); // the lock is released on refusal
  });

  it('refuses JSON that is not our schema, and a newer schema version', async () => {
    const dir = tempDir();
    const file = path.join(dir, DATA_FILE);
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(/not an ibp-bot data file/);
    writeFileSync(file, JSON.stringify({ version: 2, journal: 1, gaps: [{ text: 1 }] }));
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(/gaps/);
    writeFileSync(file, JSON.stringify({ version: 99, journal: 1 }));
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(/version 99, newer/);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(99);
  });

  it('a second process on the same DATA_DIR refuses to start; a read-only one may read', async () => {
    const dir = tempDir();
    const s = await LowdbStore.open({ dataDir: dir });
    await s.gaps.add({ text: 'x', locale: 'nl', platform: 'local', at });
    const second = await openInChild(dir);
    expect(second.code).toBe(3);
    expect(second.out).toMatch(/Another ibp-bot process \(pid \d+/);
    const reader = await openInChild(dir, 'ro');
    expect(reader.out.trim()).toBe('opened 1');
    await s.close();
    const after = await openInChild(dir);
    expect(after.out.trim()).toBe('opened 1');
  }, 30_000);

  it('takes over a lock left by a process that died', async () => {
    const dir = tempDir();
    // pid 2^22+1 is beyond Linux's pid_max default range: not alive
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), since: at }));
    const s = await LowdbStore.open({ dataDir: dir });
    expect((await s.health()).ok).toBe(true);
    await s.close();
  });

  it('a read-only store refuses writes', async () => {
    const dir = tempDir();
    await (await LowdbStore.open({ dataDir: dir })).close();
    const ro = await LowdbStore.open({ dataDir: dir, readOnly: true });
    await expect(ro.gaps.add({ text: 'x', locale: 'nl', platform: 'local', at })).rejects.toThrow(StoreError);
    await ro.close();
  });
});

describe('lowdb: knowledge gaps from before outcomes (issue 18)', () => {
  it('load from the snapshot and the journal, read as unknown, and take the new fields after', async () => {
    const dir = tempDir();
    const s1 = await LowdbStore.open({ dataDir: dir });
    await s1.gaps.add({ text: 'nieuw', locale: 'nl', platform: 'local', at: '2026-11-23T10:00:00.000Z', outcome: 'suggested', offered: ['ibp'] });
    await s1.close();
    const file = path.join(dir, DATA_FILE);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { journal: number; gaps: unknown[] };
    // As an ibp-bot of before outcomes wrote them: no outcome, offered or picked.
    snapshot.gaps.unshift({ id: 'oud-1', text: 'oud in de snapshot', locale: 'nl', platform: 'slack', at: '2026-10-01T10:00:00.000Z' });
    writeFileSync(file, JSON.stringify(snapshot));
    const body = JSON.stringify([['gaps', 'oud-2', { id: 'oud-2', text: 'oud in het journaal', locale: 'en', platform: 'teams', at: '2026-10-02T10:00:00.000Z', handledAt: '2026-10-03T10:00:00.000Z', handledBy: 'aad:c' }]]);
    appendFileSync(path.join(dir, `ibp-bot.journal.${snapshot.journal}`), `${createHash('sha256').update(body).digest('hex').slice(0, 12)}\t${body}\n`);
    const s2 = await LowdbStore.open({ dataDir: dir });
    expect((await s2.gaps.list()).map((g) => [g.id === 'oud-1' || g.id === 'oud-2' ? g.id : 'nieuw', g.outcome, g.offered ?? []])).toEqual([
      ['oud-1', 'unknown', []], ['nieuw', 'suggested', ['ibp']], ['oud-2', 'unknown', []],
    ]);
    expect((await s2.gaps.list({ outcome: 'unknown' })).map((g) => g.id)).toEqual(['oud-1', 'oud-2']);
    expect(await s2.gaps.get('oud-2')).toMatchObject({ outcome: 'unknown', handledBy: 'aad:c' });
    expect(await s2.gaps.recordPick('oud-1', 'ibp')).toBe(false);
    await s2.close();
  });
});

describe('lowdb store when writing fails', () => {
  const at = '2026-11-23T10:00:00.000Z';

  it('rejects every write that did not reach disk and restores memory from the last good state', async () => {
    const dir = tempDir();
    let failing = false;
    const s = await LowdbStore.open({
      dataDir: dir,
      beforeWrite: async () => {
        await new Promise((r) => setTimeout(r, 2));
        if (failing) throw new Error('ENOSPC: no space left on device');
      },
    });
    await s.gaps.add({ text: 'eerste', locale: 'nl', platform: 'local', at });
    failing = true;
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((text) => s.gaps.add({ text, locale: 'nl', platform: 'local', at })),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/ENOSPC/);
    // nothing that was reported failed is visible, nothing that was stored is lost
    expect((await s.gaps.list()).map((g) => g.text)).toEqual(['eerste']);
    failing = false;
    await s.gaps.add({ text: 'daarna', locale: 'nl', platform: 'local', at });
    await s.close();
    const reopened = await LowdbStore.open({ dataDir: dir });
    expect((await reopened.gaps.list()).map((g) => g.text)).toEqual(['eerste', 'daarna']);
    await reopened.close();
  });
});

describe('lowdb: a data file from the single-file store (format 1) is converted on first start', () => {
  it('every record of every kind arrives unchanged; the old file is kept beside it; the result opens again', async () => {
    const dir = tempDir();
    const v1Text = readFileSync('tests/fixtures/lowdb-v1/ibp-bot.json', 'utf8');
    const v1 = JSON.parse(v1Text) as Record<string, unknown>;
    writeFileSync(path.join(dir, DATA_FILE), v1Text);
    const s = await LowdbStore.open({ dataDir: dir });
    const dump = await s.exportAll();
    await s.close();
    const values = (x: unknown): unknown[] => (Array.isArray(x) ? x : Object.values(x as object));
    for (const kind of ['feedback', 'gaps', 'conversations', 'knelpunten', 'triageChannels', 'reflections', 'dialogues', 'subscriptions', 'nudges', 'sessions']) {
      // Gaps of then were all unanswered questions: they read with the outcome `unknown` (issue 18).
      const expected = kind === 'gaps' ? values(v1[kind]).map((g) => ({ ...(g as object), outcome: 'unknown' })) : values(v1[kind]);
      expect(dump[kind], kind).toEqual(expected);
      expect(dump[kind]!.length, kind).toBeGreaterThan(0);
    }
    expect(dump.knelpuntCounters).toEqual(Object.entries(v1.knelpuntCounters as object).map(([year, seq]) => ({ year: Number(year), seq })));
    expect(dump.knelpuntSubmissions).toEqual(Object.entries(v1.knelpuntSubmissions as object).map(([key, ref]) => ({ key, ref })));
    expect(readFileSync(path.join(dir, `${DATA_FILE}.v1.bak`), 'utf8')).toBe(v1Text);
    expect(JSON.parse(readFileSync(path.join(dir, DATA_FILE), 'utf8')).version).toBe(2);
    // The converted store works: the counters continue, a repeated submission is still known.
    const again = await LowdbStore.open({ dataDir: dir });
    expect((await again.knelpunten.create({ opgave: 'anders', beschrijving: 'Nog een.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'sub-new', new Date('2026-12-01T00:00:00Z'))).knelpunt.ref).toBe('KP-2026-0003');
    expect((await again.knelpunten.create({ opgave: 'anders', beschrijving: 'Herhaald.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'sub-1', new Date())).created).toBe(false);
    await again.close();
  });
});

describe('knelpunt history on disk', () => {
  it('the name beside the id survives a restart (journal and snapshot are checked on load)', async () => {
    const dir = tempDir();
    const s = await LowdbStore.open({ dataDir: dir });
    const { knelpunt } = await s.knelpunten.create({ opgave: 'anders', beschrijving: 'Tien tekens of meer.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'n1', new Date());
    await s.knelpunten.changeStatus(knelpunt.ref, { at: new Date().toISOString(), by: 'aad:cora', byName: 'Cora Coördinator', from: 'nieuw', to: 'in_behandeling' });
    await s.close();
    const reopened = await LowdbStore.open({ dataDir: dir });
    expect((await reopened.knelpunten.get(knelpunt.ref))?.history[0]).toMatchObject({ by: 'aad:cora', byName: 'Cora Coördinator' });
    await reopened.close();
  });
});

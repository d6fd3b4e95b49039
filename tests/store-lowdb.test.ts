import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { instrumentStore, Metrics } from '../src/metrics.js';
import { emptyData } from '../src/store/lowdb/schema.js';
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
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
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
    expect(JSON.parse(readFileSync(path.join(dir, DATA_FILE), 'utf8')).gaps).toHaveLength(100);
  });

  it('refuses a file that is not valid JSON, names it, and leaves it untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, DATA_FILE);
    writeFileSync(file, '{"version": 1, "feedback": [');
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(StoreUnusableError);
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "feedback": [');
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false); // the lock is released on refusal
  });

  it('refuses JSON that is not our schema, and a newer schema version', async () => {
    const dir = tempDir();
    const file = path.join(dir, DATA_FILE);
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(/not an ibp-bot data file/);
    writeFileSync(file, JSON.stringify({ ...emptyData(), gaps: [{ text: 1 }] }));
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(/gaps/);
    writeFileSync(file, JSON.stringify({ ...emptyData(), version: 99 }));
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

describe('lowdb store when writing fails', () => {
  const at = '2026-11-23T10:00:00.000Z';

  it('rejects every write that did not reach disk and restores memory from the last good state', async () => {
    let disk = JSON.stringify(emptyData());
    let failing = false;
    const s = LowdbStore.onPersistence(
      {
        readText: async () => disk,
        writeText: async (t) => {
          await new Promise((r) => setTimeout(r, 2));
          if (failing) throw new Error('ENOSPC: no space left on device');
          disk = t;
        },
      },
      emptyData(),
      'test',
    );
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
    expect(JSON.parse(disk).gaps.map((g: { text: string }) => g.text)).toEqual(['eerste', 'daarna']);
  });
});

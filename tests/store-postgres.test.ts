import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { memoryRateLimits } from '../src/store/kinds/rate-limits/lowdb.js';
import { startBot } from '../src/server/start.js';
import { Db } from '../src/store/postgres/db.js';
import { migrate } from '../src/store/postgres/migrate.js';
import { LATEST_VERSION, MIGRATIONS } from '../src/store/postgres/migrations/index.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import { KNELPUNT_COLUMNS, knelpuntValues } from '../src/store/kinds/knelpunten/postgres.js';
import { knelpuntStats } from '../src/store/stats.js';
import { StoreError, StoreUnusableError, type KnelpuntRecord } from '../src/store/types.js';
import { LogCapture } from './helpers/core.js';
import { usePostgres } from './helpers/pg.js';
import { tempDir } from './helpers/tmp.js';
import { storeContract } from './store-contract.js';
import { hostileStringContract } from './store-hostile.js';

const server = usePostgres();

// A fresh schema per test: the same contract the lowdb store passes.
storeContract('postgres', async () => PostgresStore.open({ url: await server().freshSchema() }));
hostileStringContract('postgres', async () => PostgresStore.open({ url: await server().freshSchema() }));

const searchPath = (url: string): string => decodeURIComponent(new URL(url).searchParams.get('options') ?? '').replace('-c search_path=', '');

describe('PostgreSQL schema migrations', () => {
  it('five instances starting at once apply each migration once (advisory lock)', async () => {
    const url = await server().freshSchema();
    const stores = await Promise.all(Array.from({ length: 5 }, () => PostgresStore.open({ url })));
    const rows = await server().sql(`SELECT version, name FROM ${searchPath(url)}.schema_migrations ORDER BY version`);
    expect(rows.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    await Promise.all(stores.map((s) => s.close()));
  });

  it('a failing migration rolls back entirely: the schema stays at the old version', async () => {
    const url = await server().freshSchema();
    const db = new Db(new pg.Pool({ connectionString: url }));
    await migrate(db);
    const broken = [...MIGRATIONS, { version: LATEST_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT 1 / 0;' }];
    await expect(migrate(db, broken)).rejects.toThrow(/division by zero/);
    const schema = searchPath(url);
    expect((await server().sql(`SELECT max(version) AS v FROM ${schema}.schema_migrations`)).rows[0].v).toBe(LATEST_VERSION);
    expect((await server().sql(`SELECT to_regclass('${schema}.half_done') AS t`)).rows[0].t).toBeNull();
    await db.close();
  });

  it('start-up refuses a database whose schema is newer than this code, and leaves it untouched', async () => {
    const url = await server().createDatabase('newer');
    await (await PostgresStore.open({ url })).close();
    await server().sql(`INSERT INTO schema_migrations (version, name) VALUES (${LATEST_VERSION + 1}, 'from-the-future')`, [], new URL(url).pathname.slice(1));
    await expect(PostgresStore.open({ url })).rejects.toThrow(StoreUnusableError);
    const start = startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), DATABASE_URL: url, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' },
      { logDestination: new LogCapture(), schedulerIntervalMs: 0 },
    );
    await expect(start).rejects.toThrow(new RegExp(`schema version ${LATEST_VERSION + 1} \\(from-the-future\\), newer than this ibp-bot knows \\(${LATEST_VERSION}\\)`));
    await expect(start).rejects.toBeInstanceOf(StoreUnusableError);
    const versions = await server().sql('SELECT version FROM schema_migrations ORDER BY version', [], new URL(url).pathname.slice(1));
    expect(versions.rows.map((r) => r.version)).toEqual([...MIGRATIONS.map((m) => m.version), LATEST_VERSION + 1]);
  });

  it('read-only use refuses a schema that is not migrated yet, and says what to do', async () => {
    const url = await server().freshSchema();
    await expect(PostgresStore.open({ url, migrate: false })).rejects.toThrow(/older than this ibp-bot needs.*ibp-bot migrate/);
  });

  it('a bot started on DATABASE_URL uses PostgreSQL and says so in /healthz', async () => {
    const url = await server().freshSchema();
    const logs = new LogCapture();
    const bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), DATABASE_URL: url, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info' },
      { logDestination: logs, schedulerIntervalMs: 0 },
    );
    try {
      expect(bot.store.backend).toBe('postgres');
      expect(await (await fetch(`${bot.url}/healthz`)).json()).toMatchObject({ status: 'ok', store: { ok: true, backend: 'postgres' } });
      expect(logs.text).toMatch(/"store":"postgres"/);
      expect(logs.text).not.toContain(new URL(url).password);
    } finally {
      await bot.close();
    }
  });
});

describe('PostgreSQL store semantics', () => {
  it('migration 2 fills triaged_at from the stored histories; the database keeps it for every writer; stats match the reference', async () => {
    const url = await server().freshSchema();
    const db = new Db(new pg.Pool({ connectionString: url }));
    await migrate(db, MIGRATIONS.filter((m) => m.version === 1));
    const at = (days: number): string => new Date(Date.parse('2026-09-01T08:00:00Z') + days * 86_400_000).toISOString();
    const k = (seq: number, history: KnelpuntRecord['history'], status: KnelpuntRecord['status']): KnelpuntRecord => ({
      ref: `KP-2026-000${seq}`, year: 2026, seq, opgave: 'opgave-wonen', beschrijving: 'x', overheden: ['rijk'], urgentie: 'laag', anoniem: true,
      platform: 'local', status, history, createdAt: at(seq), updatedAt: at(seq),
    });
    const by = 'aad:c';
    const records = [
      k(1, [], 'nieuw'),
      k(2, [{ at: at(2.5), by, from: 'nieuw', to: 'in_behandeling' }, { at: at(4), by, from: 'in_behandeling', to: 'geagendeerd' }], 'geagendeerd'),
      k(3, [{ at: at(3.25), by, from: 'nieuw', to: 'niet_opgepakt', toelichting: 'nee' }], 'niet_opgepakt'),
    ];
    // stored by version 1 (the statement is the same today: triaged_at is never written by the code)
    for (const r of records) await db.query(`INSERT INTO knelpunten (${KNELPUNT_COLUMNS}) VALUES (${KNELPUNT_COLUMNS.split(',').map((_, i) => `$${i + 1}`).join(', ')})`, knelpuntValues(r));
    expect(await migrate(db)).toMatchObject({ from: 1, to: LATEST_VERSION });
    const triaged = async (): Promise<(string | null)[]> =>
      (await db.query<{ t: Date | null }>('SELECT triaged_at AS t FROM knelpunten ORDER BY ref')).rows.map((r) => r.t?.toISOString() ?? null);
    expect(await triaged()).toEqual([null, at(2.5), at(3.25)]);

    const bounds = ['2026-09-01T00:00:00.000Z', '2026-09-03T00:00:00.000Z', '2026-10-01T00:00:00.000Z'];
    const migrated = await PostgresStore.open({ url });
    expect(await migrated.knelpunten.stats(bounds, 5)).toMatchObject({ triaged: 2, medianTriageDays: 0.375, perWeek: [1, 2], open: 2 }); // 0.5 and 0.25 days
    // a status change: the trigger sets it, the later change of k2 keeps its first triage
    await migrated.knelpunten.changeStatus('KP-2026-0001', { at: at(2), by, from: 'nieuw', to: 'in_behandeling' });
    await migrated.knelpunten.changeStatus('KP-2026-0002', { at: at(9), by, from: 'geagendeerd', to: 'opgelost' });
    expect(await triaged()).toEqual([at(2), at(2.5), at(3.25)]);
    await db.close();
    // an import (ibp-bot store copy) gets it from the histories too
    const copy = await PostgresStore.open({ url: await server().freshSchema() });
    await copy.importAll(await migrated.exportAll());
    for (const s of [migrated, copy]) {
      const stats = await s.knelpunten.stats(bounds, 5);
      expect(stats).toEqual(knelpuntStats(await s.knelpunten.list(), bounds, 5));
      expect(stats).toMatchObject({ triaged: 3, medianTriageDays: 0.5, open: 1 }); // 1, 0.5 and 0.25 days
    }
    await Promise.all([migrated.close(), copy.close()]);
  });

  it('migration 7: knowledge gaps stored before it read as unknown, and take outcome, offered and picked after', async () => {
    const url = await server().freshSchema();
    const db = new Db(new pg.Pool({ connectionString: url }));
    await migrate(db, MIGRATIONS.filter((m) => m.version < 7));
    await db.query(`INSERT INTO knowledge_gaps (id, text, locale, platform, at, handled_at, handled_by) VALUES
      ('oud-1', 'oud', 'nl', 'slack', '2026-10-01T10:00:00Z', NULL, NULL), ('oud-2', 'afgehandeld', 'en', 'teams', '2026-10-02T10:00:00Z', '2026-10-03T10:00:00Z', 'aad:c')`);
    expect(await migrate(db)).toMatchObject({ to: LATEST_VERSION });
    await db.close();
    const s = await PostgresStore.open({ url });
    expect(await s.gaps.list()).toEqual([
      { id: 'oud-1', text: 'oud', locale: 'nl', platform: 'slack', at: '2026-10-01T10:00:00.000Z', outcome: 'unknown' },
      { id: 'oud-2', text: 'afgehandeld', locale: 'en', platform: 'teams', at: '2026-10-02T10:00:00.000Z', outcome: 'unknown', handledAt: '2026-10-03T10:00:00.000Z', handledBy: 'aad:c' },
    ]);
    expect(await s.gaps.recordPick('oud-1', 'ibp')).toBe(false);
    await expect(s.gaps.add({ text: 'x', locale: 'nl', platform: 'local', at: '2026-10-04T10:00:00Z', outcome: 'bogus' as 'unknown' })).rejects.toThrow();
    await s.close();
  });

  it('rate limits: the SQL arithmetic gives the same answers as takeToken, take for take', async () => {
    const s = await PostgresStore.open({ url: await server().freshSchema() });
    const mem = memoryRateLimits();
    let t = Date.parse('2026-11-23T10:00:00Z');
    let x = 12345;
    const rnd = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 300; i++) {
      t += Math.floor(rnd() * 9000);
      const key = `k${i % 3}`;
      const limit = 1 + (i % 3) * 2;
      const [a, b] = await Promise.all([mem.take(key, limit, 60_000, new Date(t)), s.rateLimits.take(key, limit, 60_000, new Date(t))]);
      expect(b, `take ${i}`).toEqual(a);
    }
    await s.close();
  });

  it('returns records without null for absent fields, whole and equal between get, list and export', async () => {
    const s = await PostgresStore.open({ url: await server().freshSchema() });
    const now = new Date('2026-11-23T10:00:00Z');
    await s.gaps.add({ text: 'vraag', locale: 'nl', platform: 'local', at: now.toISOString() });
    await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'local', at: now.toISOString() });
    await s.conversations.upsert({ key: 'local:c', platform: 'local', conversationId: 'c', kind: 'personal', data: {} }, now);
    const { knelpunt } = await s.knelpunten.create({ opgave: 'anders', beschrijving: 'Tien tekens of meer.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'x', now);
    expect(await s.knelpunten.get(knelpunt.ref)).toEqual(knelpunt);
    expect(await s.knelpunten.list()).toEqual([knelpunt]);
    await s.reflections.add({ goed: 'ja', channelKey: 'local:c', platform: 'local', anonymous: true, locale: 'nl', createdAt: now.toISOString() });
    await s.dialogues.put({ key: 'd', kind: 'stepwise', owner: 'o', step: 1, answers: {}, locale: 'nl', updatedAt: now.toISOString(), expiresAt: '2026-11-24T10:00:00.000Z' });
    await s.sessions.put({ id: 's', csrf: 'c', createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt: '2026-11-24T10:00:00.000Z' });
    const dump = JSON.stringify(await s.exportAll());
    expect(dump).not.toContain('null');
    expect(await s.sessions.get('s', now)).toEqual({ id: 's', csrf: 'c', createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt: '2026-11-24T10:00:00.000Z' });
    await s.close();
  });
});

describe('PostgreSQL connection loss', () => {
  it('every call fails fast with a StoreError while the database is down; health says why; the pool reconnects by itself', async () => {
    const s = await PostgresStore.open({ url: await server().freshSchema() });
    const now = new Date('2026-11-23T10:00:00Z');
    await s.gaps.add({ text: 'voor', locale: 'nl', platform: 'local', at: now.toISOString() });
    await server().stop();
    try {
      const t0 = Date.now();
      const calls = await Promise.allSettled([
        s.gaps.add({ text: 'tijdens', locale: 'nl', platform: 'local', at: now.toISOString() }),
        s.knelpunten.create({ opgave: 'anders', beschrijving: 'Tien tekens of meer.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'down', now),
        s.dedupe.firstSeen('k', now, 1000),
        s.rateLimits.take('k', 1, 1000, now),
        s.nudges.claim([{ subscriptionId: 'x', expectedNextSlotAt: now.toISOString(), nextSlotAt: now.toISOString(), slots: [] }], now),
      ]);
      expect(Date.now() - t0).toBeLessThan(5000);
      for (const c of calls) {
        expect(c.status).toBe('rejected');
        expect((c as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
      }
      const health = await s.health();
      expect(health).toMatchObject({ ok: false, backend: 'postgres' });
      expect(health.detail).toBeTruthy();
    } finally {
      await server().start();
    }
    // The same store, not reopened: the pool makes new connections.
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = (await s.health()).ok;
      if (!ok) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(true);
    await s.gaps.add({ text: 'na', locale: 'nl', platform: 'local', at: now.toISOString() });
    expect((await s.gaps.list()).map((g) => g.text)).toEqual(['voor', 'na']);
    await s.close();
  }, 30_000);
});

describe('PostgreSQL connection broken inside a transaction', () => {
  // pg emits 'error' on a client whose connection breaks; while a transaction holds the
  // client, pg-pool has no listener on it. Without ours this was an uncaught exception
  // that ended the process (vitest fails the run on one).
  const open = async (name: string): Promise<Db> => {
    const pool = new pg.Pool({ connectionString: await server().freshSchema(), application_name: name, max: 2 });
    return new Db(pool);
  };
  const terminate = (name: string) => server().sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);

  it('an idle pooled connection that the server ends: no crash, the next call gets a new connection', async () => {
    const db = await open('idle-ended');
    expect((await db.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    await terminate('idle-ended');
    await new Promise((r) => setTimeout(r, 300)); // the pool emits 'error' for its idle client now
    expect((await db.query('SELECT 2 AS two')).rows[0]).toEqual({ two: 2 });
    await db.close();
  });

  it('between two statements: the next statement fails with a StoreError, nothing commits, the process lives on', async () => {
    const db = await open('tx-between');
    await db.query('CREATE TABLE t (v int)');
    const run = db.tx(async (q) => {
      await q('INSERT INTO t VALUES (1)');
      await terminate('tx-between');
      await new Promise((r) => setTimeout(r, 300)); // the 'error' event arrives while no query runs
      await q('INSERT INTO t VALUES (2)');
    });
    await expect(run).rejects.toBeInstanceOf(StoreError);
    await new Promise((r) => setTimeout(r, 1100)); // past the fail-fast window
    expect((await db.query('SELECT count(*)::int AS n FROM t')).rows[0]).toEqual({ n: 0 });
    await db.close();
  });

  it('during a statement: that statement fails with a StoreError, the broken connection is not reused', async () => {
    const db = await open('tx-during');
    const failure = db.tx(async (q) => {
      await q('SELECT pg_sleep(2)');
    }).then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    await terminate('tx-during');
    expect(await failure).toBeInstanceOf(StoreError);
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 3; i++) expect((await db.tx((q) => q('SELECT 1 AS one'))).rows[0]).toEqual({ one: 1 });
    await db.close();
  });
});

describe('PostgreSQL pool busy', () => {
  it('a busy pool queues a call until a connection is free (no refusal, no fail-fast); only a very long wait fails', async () => {
    const pool = new pg.Pool({ connectionString: await server().freshSchema(), max: 1, connectionTimeoutMillis: 200 });
    const db = new Db(pool, undefined, 2_000);
    const holder = db.tx((q) => q('SELECT pg_sleep(0.5)'));
    await new Promise((r) => setTimeout(r, 50));
    // Longer than pg's connectionTimeoutMillis (200 ms), which used to refuse it: now it waits its turn.
    expect((await db.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    await holder;
    // Busier than the wait allows: that call fails with a StoreError that says so; the next one works at once.
    const long = db.tx((q) => q('SELECT pg_sleep(2.5)'));
    await new Promise((r) => setTimeout(r, 50));
    const waited = await db.query('SELECT 1').then(() => undefined, (e: unknown) => e);
    expect(waited).toBeInstanceOf(StoreError);
    expect(String((waited as Error).message)).toMatch(/every connection stayed busy for 2000 ms/);
    await long;
    expect((await db.query('SELECT 2 AS two')).rows[0]).toEqual({ two: 2 });
    await db.close();
  });
});

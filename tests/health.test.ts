import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { Db, FAIL_FAST_MS } from '../src/store/postgres/db.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import { LogCapture } from './helpers/core.js';
import { usePostgres } from './helpers/pg.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Honest health (issue 16): when the store cannot write, every turn fails, so /readyz must
 * say 503 (with the reason) and recover by itself once writing works again; /healthz stays
 * 200 while the process can read. The tests run as root, where chmod stops no write: the
 * data folder is made immutable (chattr +i, where the filesystem has it) or replaced by a
 * file; PostgreSQL gets a role whose INSERT privilege is revoked.
 */
const server = usePostgres();
const at = new Date('2026-11-23T10:00:00Z');
const running: RunningBot[] = [];
afterEach(async () => {
  for (const b of running.splice(0)) await b.close();
});

async function start(env: Record<string, string>): Promise<RunningBot> {
  const bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', ...env },
    // A short probe interval: recovery must come from the timer, not from the test.
    { logDestination: new LogCapture(), schedulerIntervalMs: 0, housekeeping: { probeIntervalMs: 50 } },
  );
  running.push(bot);
  return bot;
}

let msg = 0;
/** A question the bot cannot answer: the turn writes (dedupe key, knowledge gap). */
async function ask(bot: RunningBot): Promise<number> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    // A new person each time, from their own address: every limit stays at its default.
    headers: { 'content-type': 'application/json', ...forwardedFor(`health-${++msg}`) },
    body: JSON.stringify({ session: `health-session-${msg}`, messageId: `health-msg-${msg}`, input: { kind: 'text', text: 'Hoeveel kost een parkeervergunning in Zwolle?' } }),
  });
  await res.text();
  return res.status;
}
async function get(bot: RunningBot, p: '/readyz' | '/healthz'): Promise<{ status: number; body: { reasons?: string[]; store?: { writable?: boolean } } }> {
  const res = await fetch(`${bot.url}${p}`);
  return { status: res.status, body: (await res.json()) as { reasons?: string[]; store?: { writable?: boolean } } };
}
async function until(bot: RunningBot, status: number): Promise<{ status: number; body: { reasons?: string[] } }> {
  let r = await get(bot, '/readyz');
  for (let i = 0; i < 100 && r.status !== status; i++) {
    await new Promise((res) => setTimeout(res, 50));
    r = await get(bot, '/readyz');
  }
  return r;
}

function chattrWorks(): boolean {
  const dir = tempDir();
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lowdb write health (injected write failure)', () => {
  it('a failed write makes the store not writable, with the reason; a later probe that writes makes it writable again', async () => {
    let failing = false;
    const s = await LowdbStore.open({
      dataDir: tempDir(),
      beforeWrite: () => {
        if (failing) throw new Error('EROFS: read-only file system');
      },
    });
    expect(await s.health()).toMatchObject({ ok: true, writable: true });
    failing = true;
    await expect(s.gaps.add({ text: 'vraag', locale: 'nl', platform: 'local', at: at.toISOString() })).rejects.toThrow(/EROFS/);
    const broken = await s.health();
    expect(broken).toMatchObject({ ok: true, writable: false });
    expect(broken.writeProblem).toMatch(/EROFS/);
    await s.probeWrite(at);
    expect((await s.health()).writable).toBe(false);
    failing = false;
    await s.probeWrite(at);
    expect(await s.health()).toMatchObject({ ok: true, backend: 'lowdb', writable: true });
    expect(await s.gaps.count()).toBe(0); // the failed write is not there
    // while writing works, the probe finds a failure before any user write does
    failing = true;
    await s.probeWrite(at);
    expect((await s.health()).writable).toBe(false);
    failing = false;
    await s.close();
  });

  it('an in-memory store is always writable and its probe writes nothing', async () => {
    const s = LowdbStore.openInMemory();
    await s.probeWrite(at);
    expect(await s.health()).toMatchObject({ ok: true, writable: true });
    await s.close();
  });
});

describe('/readyz and /healthz with the lowdb file (real server)', () => {
  it.skipIf(!chattrWorks())('an immutable data folder and journal (chattr +i, like a read-only disk): turns fail, /readyz 503 with the reason, /healthz 200; writable again: 200 without a restart', async () => {
    const dir = tempDir();
    const bot = await start({ DATA_DIR: dir });
    expect((await get(bot, '/readyz')).status).toBe(200);
    expect(await ask(bot)).toBe(200);
    const immutable = [dir, ...readdirSync(dir).filter((f) => f.startsWith('ibp-bot.journal.')).map((f) => path.join(dir, f))];
    execFileSync('chattr', ['+i', ...immutable]);
    try {
      expect(await ask(bot)).toBe(503);
      const down = await get(bot, '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.reasons?.join(' ')).toMatch(/store cannot write: Could not write .*ibp-bot\.journal\.\d+/);
      const live = await get(bot, '/healthz');
      expect(live.status).toBe(200);
      expect(live.body.store?.writable).toBe(false);
    } finally {
      execFileSync('chattr', ['-i', ...immutable]);
    }
    expect((await until(bot, 200)).status).toBe(200);
    expect((await get(bot, '/healthz')).body.store?.writable).toBe(true);
    expect(await ask(bot)).toBe(200);
  });

  it('the data folder replaced by a file: the probe alone turns /readyz 503; put back: 200 again', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'data');
    mkdirSync(dir);
    const bot = await start({ DATA_DIR: dir });
    expect((await get(bot, '/readyz')).status).toBe(200);
    // No user writes: only the probe can notice.
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a folder');
    try {
      const down = await until(bot, 503);
      expect(down.status).toBe(503);
      expect(down.body.reasons?.join(' ')).toMatch(/store cannot write: .*ENOTDIR/);
      expect((await get(bot, '/healthz')).status).toBe(200);
    } finally {
      rmSync(dir);
      renameSync(`${dir}.away`, dir);
    }
    expect((await until(bot, 200)).status).toBe(200);
    expect(await ask(bot)).toBe(200);
  });
});

describe('PostgreSQL write health without a server', () => {
  it('writes refused while failing fast count as failed, but do not stretch the fail-fast window', async () => {
    let down = true;
    const pool = {
      on: () => undefined,
      query: async () => {
        if (down) throw new Error('Connection terminated unexpectedly');
        return { rows: [], rowCount: 1 };
      },
    } as unknown as pg.Pool;
    const db = new Db(pool);
    await expect(db.query('INSERT INTO t VALUES (1)')).rejects.toThrow(/Connection terminated/);
    expect(db.writes.writable).toBe(false);
    down = false;
    // calls keep coming during the window; it still ends after FAIL_FAST_MS
    const started = Date.now();
    let ok = false;
    while (!ok && Date.now() - started < 3 * FAIL_FAST_MS) {
      ok = await db.query('INSERT INTO t VALUES (2)').then(() => true, () => false);
      if (!ok) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ok).toBe(true);
    expect(db.writes.writable).toBe(true);
  });
});

describe('/readyz with PostgreSQL (real server, a role without INSERT)', () => {
  async function database(): Promise<{ url: string; revoke: () => Promise<unknown>; grant: () => Promise<unknown> }> {
    const role = `ibp_health_${process.pid}_${++msg}`;
    const password = 'health-test-password';
    await server().sql(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await server().sql(`CREATE DATABASE ${role} OWNER ${role}`);
    const sql = (text: string): Promise<unknown> => server().sql(text, [], role);
    return {
      url: `postgres://${role}:${password}@127.0.0.1:${server().port}/${role}`,
      // As superuser, on the owner's behalf: the owner loses the privilege on its own tables.
      revoke: () => sql(`REVOKE INSERT ON ALL TABLES IN SCHEMA public FROM ${role}`),
      grant: () => sql(`GRANT INSERT ON ALL TABLES IN SCHEMA public TO ${role}`),
    };
  }

  it('INSERT revoked: turns fail, /readyz 503 with the reason, /healthz 200; granted again: 200 without a restart', async () => {
    const db = await database();
    const bot = await start({ DATABASE_URL: db.url });
    expect((await get(bot, '/readyz')).status).toBe(200);
    expect(await ask(bot)).toBe(200);
    await db.revoke();
    expect(await ask(bot)).toBe(503);
    const down = await get(bot, '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.reasons?.join(' ')).toMatch(/store cannot write: PostgreSQL: permission denied/);
    expect((await get(bot, '/healthz')).status).toBe(200);
    await db.grant();
    expect((await until(bot, 200)).status).toBe(200);
    expect(await ask(bot)).toBe(200);
  }, 30_000);

  it('the probe finds a revoked privilege while nobody writes, and its recovery', async () => {
    const db = await database();
    const s = await PostgresStore.open({ url: db.url });
    await s.probeWrite(at);
    expect(await s.health()).toMatchObject({ ok: true, writable: true });
    await db.revoke();
    await s.probeWrite(at);
    const h = await s.health();
    expect(h).toMatchObject({ ok: true, writable: false });
    expect(h.writeProblem).toMatch(/permission denied for table store_probe/);
    // reads still work
    expect(await s.gaps.count()).toBe(0);
    await db.grant();
    await s.probeWrite(at);
    expect((await s.health()).writable).toBe(true);
    await s.close();
  });
});

/**
 * The store's cost per turn, and how it grows with the data (issue 17): the time a real
 * turn through the core `Bot` spends in store calls, at 1,000, 10,000 and 100,000 records,
 * on lowdb (a data directory on disk, every change fsynced) and PostgreSQL (embedded, fsync
 * on), side by side. Also the bot's start-up time and memory on a lowdb store of 100,000
 * records. Run alone with `npx tsx bench/store-cost.ts`; `npm run bench` runs it too.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from '../src/core/bot.js';
import { DeliveryQueue } from '../src/core/deliveries.js';
import { Coordinators } from '../src/core/knelpunt/coordinators.js';
import { knelpuntFeature } from '../src/core/knelpunt/feature.js';
import { nullOutbox } from '../src/core/outbox.js';
import { RateLimiter } from '../src/core/ratelimit.js';
import type { Turn } from '../src/domain/turn.js';
import { openKnowledgeBase, type KnowledgeBase } from '../src/knowledge/base.js';
import { createLogger } from '../src/log.js';
import type { StoreDump } from '../src/store/dump.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import type { Store } from '../src/store/types.js';
import { startPostgres } from '../tests/helpers/pg.js';
import { summarise, type Summary } from './stats.js';

export const SIZES = [1_000, 10_000, 100_000] as const;
const SAMPLES = 500;

/** A store whose repositories add the time of every call to `spent` (ms). */
function timed(store: Store): { store: Store; spent: { ms: number } } {
  const spent = { ms: 0 };
  const wrap = <T extends object>(repo: T): T => new Proxy(repo, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          spent.ms += performance.now() - t0;
        }
      };
    },
  });
  const proxied = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      return v && typeof v === 'object' ? wrap(v) : typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxied, spent };
}

/** `n` records of the kinds that grow in a real pilot: questions, conversations, knelpunten, reflections. */
function records(n: number): StoreDump {
  const at = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const gaps = Array.from({ length: Math.round(n * 0.4) }, (_, i) => ({ id: randomUUID(), text: `Een vraag die de bot niet kon beantwoorden, nummer ${i}?`, locale: 'nl', platform: 'local', at: at(i) }));
  const conversations = Array.from({ length: Math.round(n * 0.3) }, (_, i) => ({
    key: `local:web-prefill-${i}`, platform: 'local', conversationId: `web-prefill-${i}`, kind: 'personal', data: { session: `prefill-${i}` }, active: true, updatedAt: at(i),
  }));
  const kp = Math.round(n * 0.2);
  const knelpunten = Array.from({ length: kp }, (_, i) => ({
    ref: `KP-2025-${String(i + 1).padStart(4, '0')}`, year: 2025, seq: i + 1, opgave: 'anders', beschrijving: `Een knelpunt uit de voorraad, nummer ${i}.`,
    overheden: ['gemeente'], urgentie: 'laag', anoniem: true, platform: 'local', status: 'nieuw', history: [], createdAt: at(i), updatedAt: at(i),
  }));
  const reflections = Array.from({ length: n - gaps.length - conversations.length - kp }, (_, i) => ({
    id: randomUUID(), goed: `Wat goed ging ${i}`, channelKey: 'slack:C1', platform: 'slack', anonymous: true, locale: 'nl', createdAt: at(i),
  }));
  return {
    gaps, conversations, knelpunten, reflections,
    knelpuntCounters: kp > 0 ? [{ year: 2025, seq: kp }] : [],
    knelpuntSubmissions: knelpunten.map((k, i) => ({ key: `prefill-${i}`, ref: k.ref })),
  };
}

interface TurnCosts {
  answered: Summary;
  unanswered: Summary;
  knelpunt: Summary;
}

/** Store time per turn through the core, each turn from its own person (every limit at its default). */
async function turnCosts(raw: Store, knowledge: KnowledgeBase): Promise<TurnCosts> {
  const { store, spent } = timed(raw);
  const log = createLogger({ level: 'silent', pretty: false });
  const outbox = nullOutbox('benchmark');
  const limits = new RateLimiter({ turn: { limit: 20, windowMs: 60_000 }, knelpunt: { limit: 5, windowMs: 3_600_000 } }, store.rateLimits);
  const bot = new Bot(
    { knowledge, store, log, defaultLocale: 'nl', now: () => new Date(), outbox, deliveries: new DeliveryQueue(outbox, log), limits },
    [knelpuntFeature({ coordinators: new Coordinators([]) })],
  );
  let n = 0;
  const turn = (input: Turn['input']): Turn => {
    n += 1;
    return { id: `cost-${n}-${randomUUID()}`, platform: 'local', user: { id: `cost-user-${n}` }, conversation: { id: `web-cost-${n}`, kind: 'personal' }, input, receivedAt: new Date() };
  };
  const measure = async (make: () => Turn, expect: string): Promise<Summary> => {
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES + 20; i++) {
      const t = make();
      // The web chat stores the conversation reference before the core runs (adapters/local/http.ts).
      spent.ms = 0;
      if (t.input.kind !== 'form') {
        await store.conversations.upsert({ key: `local:${t.conversation.id}`, platform: 'local', conversationId: t.conversation.id, kind: 'personal', data: { session: t.user.id } }, new Date());
      }
      const res = await bot.handle(t);
      if (res.outcome !== expect) throw new Error(`expected ${expect}, got ${res.outcome}`);
      if (i >= 20) samples.push(spent.ms); // the first 20 warm up
    }
    return summarise(samples);
  };
  return {
    answered: await measure(() => turn({ kind: 'text', text: 'Wat is de zevende zekerheid?' }), 'answered'),
    unanswered: await measure(() => turn({ kind: 'text', text: 'Hoeveel kost een parkeervergunning in Zwolle?' }), 'unknown'),
    knelpunt: await measure(() => turn({ kind: 'form', formId: 'knelpunt', values: { opgave: 'anders', beschrijving: 'Een knelpunt uit de benchmark.', urgentie: 'laag', anoniem: true } }), 'form'),
  };
}

export interface CostRow extends TurnCosts {
  backend: 'lowdb' | 'postgres';
  size: number;
}

export async function storeCosts(sizes: readonly number[] = SIZES): Promise<CostRow[]> {
  const knowledge = await openKnowledgeBase(path.resolve('knowledge'));
  const rows: CostRow[] = [];
  const pg = await startPostgres({ durable: true });
  try {
    // A first round that is thrown away: JIT, the pool and the file system warm up, so the
    // smallest size is not charged for them.
    for (const size of [200, ...sizes]) {
      const dump = records(size);
      const dir = mkdtempSync(path.join(tmpdir(), 'ibp-bench-cost-'));
      try {
        const filled = await LowdbStore.open({ dataDir: dir });
        await filled.importAll(dump);
        await filled.close();
        const lowdb = await LowdbStore.open({ dataDir: dir }); // reopened: the records come from disk
        const costs = await turnCosts(lowdb, knowledge);
        if (size !== 200) rows.push({ backend: 'lowdb', size, ...costs });
        await lowdb.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const postgres = await PostgresStore.open({ url: await pg.createDatabase(`cost${size}`) });
      await postgres.importAll(dump);
      const costs = await turnCosts(postgres, knowledge);
      if (size !== 200) rows.push({ backend: 'postgres', size, ...costs });
      await postgres.close();
    }
  } finally {
    await pg.destroy();
  }
  return rows;
}

/** `npm start` on a lowdb data directory of `size` records: ms to "ready", and the process's resident memory then (MB). */
export async function startupAtSize(size = 100_000): Promise<{ ms: number; rssMb: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ibp-bench-start-'));
  try {
    const s = await LowdbStore.open({ dataDir: dir });
    await s.importAll(records(size));
    await s.close();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dir, NODE_ENV: 'production', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return await new Promise((resolve, reject) => {
      let buf = '';
      let ready: { ms: number; rssMb: number } | null = null;
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (ready || !buf.includes('ibp-bot ready')) return;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        ready = { ms: performance.now() - t0, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
        child.kill('SIGTERM');
      });
      child.once('exit', (code) => (ready ? resolve(ready) : reject(new Error(`bot exited (${code}) before ready:\n${buf}`))));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await storeCosts();
  for (const r of rows) {
    process.stdout.write(`${r.backend.padEnd(8)} ${String(r.size).padStart(7)}  answered p99 ${r.answered.p99.toFixed(2)} ms  unanswered p99 ${r.unanswered.p99.toFixed(2)} ms  knelpunt p99 ${r.knelpunt.p99.toFixed(2)} ms\n`);
  }
  const s = await startupAtSize();
  process.stdout.write(`start-up at 100,000 records: ${s.ms.toFixed(0)} ms, RSS ${s.rssMb.toFixed(0)} MB\n`);
  process.exit(0);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from '../src/core/bot.js';
import { DeliveryQueue } from '../src/core/deliveries.js';
import { Coordinators } from '../src/core/knelpunt/coordinators.js';
import { knelpuntFeature } from '../src/core/knelpunt/feature.js';
import { nullOutbox } from '../src/core/outbox.js';
import { openKnowledgeBase } from '../src/knowledge/base.js';
import { createLogger } from '../src/log.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import type { Store } from '../src/store/types.js';
import { startPostgres, type TestPostgres } from '../tests/helpers/pg.js';
import { schedulerBenchmark } from './scheduler.js';

export interface StoreBench {
  backend: string;
  /** Knelpunt form submissions through the core Bot (dedupe, validation, gapless create, triage look-up), 20 in flight. */
  knelpuntenPerSecond: number;
  submissions: number;
  /** Find + plan + claim 10,000 due subscriptions (NudgeScheduler.claimDue). */
  claimMs: number;
  claimed: number;
}

const CONCURRENCY = 20;

/** `count` knelpunt submissions through `Bot.handle`, `CONCURRENCY` at a time; submissions per second. */
async function knelpuntThroughput(store: Store, count: number): Promise<number> {
  const knowledge = await openKnowledgeBase(path.resolve('knowledge'));
  const log = createLogger({ level: 'silent', pretty: false });
  const outbox = nullOutbox('benchmark');
  const bot = new Bot(
    { knowledge, store, log, defaultLocale: 'nl', now: () => new Date(), outbox, deliveries: new DeliveryQueue(outbox, log) },
    [knelpuntFeature({ coordinators: new Coordinators([]) })],
  );
  let next = 0;
  const submit = async (i: number): Promise<void> => {
    const res = await bot.handle({
      id: `bench-${i}`, platform: 'local', user: { id: `bench-user-${i % 50}` }, conversation: { id: `bench-conv-${i % 50}`, kind: 'personal' },
      input: { kind: 'form', formId: 'knelpunt', values: { opgave: 'anders', beschrijving: `Benchmark knelpunt nummer ${i}.`, urgentie: 'laag', anoniem: i % 2 === 0 } },
      receivedAt: new Date(),
    });
    if (res.outcome === 'error') throw new Error(`submission ${i} failed`);
  };
  for (let i = 0; i < 40; i++) await submit(-1 - i); // warm-up
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await submit(next++);
  }));
  return count / ((performance.now() - t0) / 1000);
}

/**
 * Both backends side by side: lowdb on a real data file (atomic, fsynced writes) and
 * PostgreSQL (embedded, fsync on; or BENCH_DATABASE_URL, whose database must be empty).
 */
export async function storeBenchmarks(submissions = 2000, nudges = 10_000): Promise<StoreBench[]> {
  const out: StoreBench[] = [];
  const dirs: string[] = [];
  const lowdb = async (): Promise<Store> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibp-bench-store-'));
    dirs.push(dir);
    return LowdbStore.open({ dataDir: dir });
  };
  let server: TestPostgres | undefined;
  let n = 0;
  const postgres = async (): Promise<Store> => {
    const external = process.env.BENCH_DATABASE_URL;
    if (external) return PostgresStore.open({ url: external });
    server ??= await startPostgres({ durable: true });
    return PostgresStore.open({ url: await server.createDatabase(`bench${++n}`) });
  };
  try {
    for (const [backend, open] of [['lowdb', lowdb], ['postgres', postgres]] as const) {
      const s = await open();
      let perSecond: number;
      try {
        perSecond = await knelpuntThroughput(s, submissions);
      } finally {
        await s.close();
      }
      const sched = await schedulerBenchmark(nudges, open);
      out.push({ backend, knelpuntenPerSecond: perSecond, submissions, claimMs: sched.findAndClaimMs, claimed: sched.claimed });
    }
  } finally {
    await server?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return out;
}

const invokedDirectly = process.argv[1] && /bench[/\\]store\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  for (const r of await storeBenchmarks()) {
    process.stdout.write(`${r.backend}: ${r.knelpuntenPerSecond.toFixed(0)} knelpunten/s (20 concurrent, ${r.submissions}); find + claim ${r.claimed} due nudges: ${r.claimMs.toFixed(0)} ms\n`);
  }
}

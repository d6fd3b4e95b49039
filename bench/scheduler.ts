import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nullOutbox } from '../src/core/outbox.js';
import { KnowledgeBase } from '../src/knowledge/base.js';
import { openReflectieQuestions } from '../src/knowledge/reflectie.js';
import { createLogger } from '../src/log.js';
import { anchorSchedule, describeSchedule, parseSchedule } from '../src/domain/schedule.js';
import { NudgeScheduler } from '../src/scheduler/scheduler.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { NudgeSubscription, Store } from '../src/store/types.js';

export interface SchedulerBench {
  n: number;
  /** Find the due subscriptions, plan and claim every slot: one atomic, durable store write. */
  findAndClaimMs: number;
  claimed: number;
  /** Size of the data file after the claim (lowdb only). */
  fileBytes?: number;
}

/**
 * Scheduler overhead on lowdb (a real data file, atomic writes): `n` subscriptions all
 * due at once; time `claimDue()` (find + plan + claim). Sending is not included: that
 * is the platforms' rate limits.
 */
export async function schedulerBenchmark(n = 10_000, open?: () => Promise<Store>): Promise<SchedulerBench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ibp-bench-sched-'));
  const store = open ? await open() : await LowdbStore.open({ dataDir: dir });
  try {
    const slot = new Date('2026-11-27T14:00:00Z');
    const texts = ['elke vrijdag 15:00', 'om de week vrijdag 15:00', 'elke werkdag 15:00', 'laatste vrijdag van de maand 15:00'];
    const at = '2026-11-01T00:00:00.000Z';
    // In chunks: a pool waits at most a few seconds for a free connection.
    const subs = Array.from({ length: n }, (_, i) => i);
    for (let c = 0; c < n; c += 500) await Promise.all(
      subs.slice(c, c + 500).map((i) => {
        const parsed = parseSchedule(texts[i % texts.length]!);
        if (!parsed.ok) throw new Error('bad bench schedule');
        const schedule = anchorSchedule(parsed.schedule, new Date('2026-11-26T00:00:00Z'));
        const sub: NudgeSubscription = {
          id: `bench-${i}`, kind: 'nudge', channelKey: `slack:C${i}`, platform: 'slack', conversationId: `C${i}`, schedule, schema: describeSchedule(schedule),
          locale: 'nl', status: 'active', nextSlotAt: slot.toISOString(), questionCursor: i, history: [{ at, by: 'slack:U1', what: 'plan' }], createdAt: at, updatedAt: at,
        };
        return store.subscriptions.create(sub);
      }),
    );
    const scheduler = new NudgeScheduler({
      store, knowledge: new KnowledgeBase([]), questions: await openReflectieQuestions(path.resolve('knowledge')), outbox: nullOutbox('benchmark'),
      log: createLogger({ level: 'silent', pretty: false }), now: () => new Date(slot.getTime() + 60_000), graceMinutes: 120,
    });
    const t0 = performance.now();
    const claimed = await scheduler.claimDue();
    const findAndClaimMs = performance.now() - t0;
    const { statSync } = await import('node:fs');
    return { n, findAndClaimMs, claimed, ...(open ? {} : { fileBytes: statSync(path.join(dir, 'ibp-bot.json')).size }) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

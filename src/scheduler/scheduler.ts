import { recipientLocale } from '../core/conversation-language.js';
import { digestCard, nudgeCard } from '../core/reflectie/cards.js';
import type { Outbox, ProactiveResult } from '../core/outbox.js';
import type { Reply } from '../core/reply.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import type { ReflectieQuestions } from '../knowledge/reflectie.js';
import { refHash, requestIdFrom, withRequestId, type Logger } from '../log.js';
import type { NudgeRecord, NudgeResult, NudgeSubscription, Store } from '../store/types.js';
import { planClaims } from './claims.js';
import { localDateTime, zonedInstant } from '../domain/time.js';

export interface SchedulerDeps {
  store: Store;
  knowledge: KnowledgeBase;
  questions: ReflectieQuestions;
  outbox: Outbox;
  log: Logger;
  now: () => Date;
  /** A slot missed (server down) is still sent when at most this late (NUDGE_GRACE_MINUTES). */
  graceMinutes: number;
  /**
   * Sends in flight at once (default 8). They are marked `sending` durably, in one write,
   * before they go out; after a crash at most this many are unconfirmed.
   */
  concurrency?: number;
}

export interface TickReport {
  claimed: number;
  sent: number;
  failed: number;
  gone: number;
  skipped: number;
}

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_CONCURRENCY = 8;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/**
 * On a shared store (several instances), a `sending` nudge older than this belongs to a
 * sender that died: it is recorded as unconfirmed. A live sender finishes a nudge in
 * seconds (bounded 429 retries), far inside the lease.
 */
export const SENDING_LEASE_MS = 5 * 60 * 1000;

/**
 * Sends reflection nudges and monthly digests, at most once per (subscription, slot):
 * every slot is claimed in the store before anything is sent; a nudge is marked
 * `sending` (durably) right before it goes to the outbox, so after a crash it is
 * found as `unconfirmed` and never sent again. Claimed nudges that were never
 * started are sent by the next run (within the grace period).
 */
export class NudgeScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickReport> | null = null;
  private stopping = false;
  private recovered = false;
  private lastPrune = 0;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Runs every `intervalMs` (first run at once); the timer does not keep the process alive. */
  start(intervalMs = DEFAULT_INTERVAL_MS): void {
    if (this.timer) return;
    this.stopping = false;
    const run = (): void => {
      if (this.running || this.stopping) return;
      this.tick().catch((err: unknown) => this.deps.log.error({ err }, 'nudge scheduler run failed'));
    };
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    run();
  }

  /** Finishes the nudges being sent, claims and starts no new ones. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run: (at first) record interrupted sends, claim due slots, send what is queued. */
  tick(): Promise<TickReport> {
    // Each run gets its own request id: its log lines and outgoing calls can be followed together.
    this.running ??= withRequestId(requestIdFrom(undefined), () => this.run()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<TickReport> {
    const { store, log } = this.deps;
    const report: TickReport = { claimed: 0, sent: 0, failed: 0, gone: 0, skipped: 0 };
    // One instance (lowdb): at start-up every `sending` nudge was this process's before a
    // restart. Shared store: only stale ones, on every run (another instance may be sending).
    if (!this.recovered || store.shared) {
      const lost = await store.nudges.markUnconfirmed(this.deps.now(), store.shared ? (store.sendingLeaseMs ?? SENDING_LEASE_MS) : 0);
      this.recovered = true;
      if (lost.length > 0) log.warn({ count: lost.length }, 'nudges were being sent when the server stopped: recorded as unconfirmed, not sent again');
    }
    if (this.stopping) return report;
    report.claimed = await this.claimDue();
    await this.fanOut(report);
    const now = this.deps.now().getTime();
    if (now - this.lastPrune > PRUNE_EVERY_MS && !this.stopping) {
      this.lastPrune = now;
      await store.dialogues.prune(this.deps.now());
    }
    if (report.claimed + report.sent + report.failed + report.gone > 0) log.info({ ...report }, 'nudge scheduler run');
    return report;
  }

  /** Finds due subscriptions and claims their slots in one atomic store step; returns how many slots. */
  async claimDue(): Promise<number> {
    const now = this.deps.now();
    const due = await this.deps.store.subscriptions.listDue(now);
    if (due.length === 0) return 0;
    const claims = planClaims(due, now, this.deps.graceMinutes * 60_000, this.deps.questions);
    return (await this.deps.store.nudges.claim(claims, now)).length;
  }

  /**
   * Sends what is queued, `concurrency` at a time: a window is marked `sending` in one
   * durable write, sent in parallel (different channels), and its results recorded in
   * one write. `stop()` lets the current window finish and starts no new one.
   */
  private async fanOut(report: TickReport): Promise<void> {
    const { store } = this.deps;
    const queued = await store.nudges.listQueued();
    if (queued.length === 0) return;
    const subs = new Map((await store.subscriptions.list()).map((s) => [s.id, s]));
    const size = Math.max(1, this.deps.concurrency ?? DEFAULT_CONCURRENCY);
    for (let i = 0; i < queued.length && !this.stopping; i += size) {
      await this.window(queued.slice(i, i + size), subs, report);
    }
  }

  private async window(batch: NudgeRecord[], subs: Map<string, NudgeSubscription>, report: TickReport): Promise<void> {
    const { store, outbox, log } = this.deps;
    const now = this.deps.now();
    const results: NudgeResult[] = [];
    const ready: { n: NudgeRecord; card: Reply }[] = [];
    for (const n of batch) {
      const key = { subscriptionId: n.subscriptionId, slot: n.slot };
      const sub = subs.get(n.subscriptionId);
      if (now.getTime() - new Date(n.slot).getTime() > this.deps.graceMinutes * 60_000) {
        results.push({ ...key, status: 'skipped-late', detail: 'later than the grace period' });
      } else if (!sub || sub.status !== 'active') {
        results.push({ ...key, status: 'skipped-inactive', detail: 'subscription paused or stopped after the claim' });
      } else {
        const card = await this.card(n, sub);
        if (card) ready.push({ n, card });
        else results.push({ ...key, status: 'skipped-empty', detail: 'no reflections shared in that month' });
      }
    }
    report.skipped += results.length;
    const started = ready.length > 0 ? await store.nudges.startSending(ready.map(({ n }) => ({ subscriptionId: n.subscriptionId, slot: n.slot })), now) : [];
    const sent = await Promise.all(
      ready
        .filter((_, k) => started[k]) // not started: someone else has it
        .map(async ({ n, card }): Promise<[NudgeRecord, ProactiveResult]> => {
          try {
            return [n, await outbox.send(n.channelKey, card)];
          } catch (e) {
            return [n, { ok: false, gone: false, reason: (e as Error).message }];
          }
        }),
    );
    const goneChannels = new Map<string, string>();
    for (const [n, res] of sent) {
      const key = { subscriptionId: n.subscriptionId, slot: n.slot };
      if (res.ok) {
        results.push({ ...key, status: 'sent' });
        report.sent++;
      } else if (res.gone) {
        results.push({ ...key, status: 'gone', detail: res.reason });
        goneChannels.set(n.channelKey, res.reason);
        report.gone++;
      } else {
        results.push({ ...key, status: 'failed', detail: res.reason });
        report.failed++;
        log.warn({ channel: refHash(n.channelKey), reason: res.reason }, 'nudge could not be sent');
      }
    }
    const at = this.deps.now();
    if (results.length > 0) await store.nudges.finish(results, at);
    // The bot was removed or the channel is gone: pause, never retry forever.
    for (const [channelKey, reason] of goneChannels) {
      for (const s of await store.subscriptions.list({ channelKey, status: ['active'] })) {
        await store.subscriptions.update(s.id, { status: 'paused', pausedReason: reason }, { at: at.toISOString(), by: 'system', what: `paused: channel unreachable (${reason})` });
        const cached = subs.get(s.id);
        if (cached) cached.status = 'paused';
      }
      log.warn({ channel: refHash(channelKey), reason }, 'nudge channel unreachable: subscriptions paused');
    }
  }

  private async card(n: NudgeRecord, sub: NudgeSubscription): Promise<Reply | undefined> {
    const { knowledge, questions, store, log } = this.deps;
    // The channel's language as it is now (remembered, or set with `taal`); else the language it was planned in.
    const locale = await recipientLocale(store, { conversation: n.channelKey }, sub.locale, log);
    if (n.kind === 'nudge') {
      const q = (n.questionId ? questions.get(n.questionId) : undefined) ?? questions.pick(sub.questionCursor)?.question;
      return q ? nudgeCard(knowledge, q, n.channelKey, locale) : undefined;
    }
    const { since, until, label } = previousMonth(new Date(n.slot), sub.schedule.timeZone, locale);
    const list = await store.reflections.list({ channelKey: n.channelKey, since, until });
    return list.length > 0 ? digestCard(knowledge, list, label, locale) : undefined;
  }
}

/** The calendar month before `slot` in `tz`: ISO bounds and a label (`oktober 2026`). */
export function previousMonth(slot: Date, tz: string, locale: 'nl' | 'en'): { since: string; until: string; label: string } {
  const l = localDateTime(slot, tz);
  const py = l.m === 1 ? l.y - 1 : l.y;
  const pm = l.m === 1 ? 12 : l.m - 1;
  const since = zonedInstant({ y: py, m: pm, d: 1, h: 0, mi: 0 }, tz);
  const until = zonedInstant({ y: l.y, m: l.m, d: 1, h: 0, mi: 0 }, tz);
  const label = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { month: 'long', year: 'numeric', timeZone: tz }).format(new Date(since.getTime() + 15 * 86_400_000));
  return { since: since.toISOString(), until: until.toISOString(), label };
}

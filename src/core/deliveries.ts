import type { Logger } from '../log.js';
import type { Outbox, ProactiveResult, UserAddress } from './outbox.js';
import type { Reply } from './reply.js';

/** Where a delivery goes: a stored conversation (by reference key), or one person privately. */
export type Recipient = { conversation: string } | { user: UserAddress };

/** What a delivery is, for the log: a name and bounded fields (a knelpunt reference), never who. */
export interface DeliveryLabel {
  what: string;
  [field: string]: string | number | boolean;
}

/** What the sender wants to hear back: where the message landed (to update it later), or that its conversation is gone. */
export interface DeliveryHooks {
  /** After the send went through, with the platform's id of the message (when it tells one). */
  onSent?: (sent: { messageId?: string }) => Promise<void>;
  /** The conversation (or, for an update, the message) is gone: not retried. */
  onGone?: (reason: string) => Promise<void>;
}

/**
 * What to send: a Reply, or a function that makes it when each attempt is sent (a card
 * that shows the current state, also on a late retry); undefined: nothing to send any more.
 */
export type DeliveryContent = Reply | (() => Promise<Reply | undefined>);

/** Proactive messages a turn does not wait for. */
export interface Deliveries {
  /** Queues a send and returns at once; never throws (a failing hook is logged). */
  deliver(to: Recipient, reply: DeliveryContent, label: DeliveryLabel, hooks?: DeliveryHooks): void;
}

/** Waits before the retries: a send is tried at most 1 + this many times, over about 20 minutes. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [15_000, 60_000, 5 * 60_000, 15 * 60_000];

interface Job {
  to: Recipient;
  reply: DeliveryContent;
  label: DeliveryLabel;
  hooks?: DeliveryHooks;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * Triage posts and reporter updates: a turn (the reporter's confirmation, the
 * coordinator's answer) never waits for them. Each send starts at once, beside the reply,
 * through the outbox, whose adapters already retry 429s and 5xx for up to about 30 s and
 * mark a conversation that is gone (channel_not_found, 403, 404) inactive. What still fails
 * for a passing reason is tried again after each of `retryDelaysMs`; what is gone, or still
 * failing after the last retry, is logged and dropped.
 *
 * In memory, on purpose: a restart drops the sends still waiting for a retry (the log says
 * how many at shutdown). The knelpunt itself is stored before anything is sent, and the
 * dashboard shows every new one.
 */
export class DeliveryQueue implements Deliveries {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retries = new Map<NodeJS.Timeout, Job>();
  private readonly delays: readonly number[];
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly log: Logger,
    opts: { retryDelaysMs?: readonly number[] } = {},
  ) {
    this.delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  deliver(to: Recipient, reply: DeliveryContent, label: DeliveryLabel, hooks?: DeliveryHooks): void {
    if (this.stopped) {
      this.log.warn({ ...label }, 'delivery not sent: shutting down');
      return;
    }
    this.start({ to, reply, label, attempt: 1, ...(hooks ? { hooks } : {}) });
  }

  /** Resolves once nothing is being sent and no retry is waiting. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.retries.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.retries.size > 0) await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Shutdown: no new sends and no more retries; sends already in flight may finish for at
   * most `timeoutMs`. Logs how many were dropped.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    const dropped = [...this.retries.values()];
    for (const t of this.retries.keys()) clearTimeout(t);
    this.retries.clear();
    if (dropped.length > 0) {
      this.log.warn({ count: dropped.length, what: [...new Set(dropped.map((j) => j.label.what))] }, 'deliveries waiting for a retry dropped at shutdown');
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.all([...this.inFlight]), late]);
    clearTimeout(timer);
  }

  private start(job: Job): void {
    const run = this.attempt(job).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** A hook's failure (a store error while remembering the message) is logged; the send itself stands. */
  private async hook(job: Job, name: string, run: () => Promise<void> | undefined): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.log.error({ err, ...job.label, hook: name }, 'delivery sent, but what follows it failed');
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { log } = this;
    let res: ProactiveResult;
    try {
      const reply = typeof job.reply === 'function' ? await job.reply() : job.reply;
      if (!reply) return; // nothing left to send (what it showed is gone)
      // Adapters report failures as results; a throw is a bug or a store error (the reference could not be read).
      res = 'conversation' in job.to ? await this.outbox.send(job.to.conversation, reply) : await this.outbox.sendToUser(job.to.user, reply);
    } catch (err) {
      res = { ok: false, gone: false, reason: err instanceof Error ? err.message : String(err) };
    }
    const fields = { ...job.label, attempt: job.attempt };
    if (res.ok) {
      if (job.attempt > 1) log.info(fields, 'delivery sent after a retry');
      await this.hook(job, 'onSent', () => job.hooks?.onSent?.(res.messageId ? { messageId: res.messageId } : {}));
      return;
    }
    if (res.gone) {
      log.warn({ ...fields, reason: res.reason }, 'delivery not sent: the conversation is gone (marked inactive); not retried');
      await this.hook(job, 'onGone', () => job.hooks?.onGone?.(res.reason));
      return;
    }
    const delay = this.delays[job.attempt - 1];
    if (delay === undefined || this.stopped) {
      log.error({ ...fields, reason: res.reason }, 'delivery failed; giving up');
      return;
    }
    log.warn({ ...fields, reason: res.reason, retryInMs: delay }, 'delivery failed; will retry');
    const t = setTimeout(() => {
      this.retries.delete(t);
      this.start({ ...job, attempt: job.attempt + 1 });
    }, delay);
    t.unref();
    this.retries.set(t, job);
  }
}

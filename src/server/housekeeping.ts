import type { Config } from '../config.js';
import { conversationLanguageKey, personLanguageKey } from '../core/conversation-language.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

/** How often the store's write probe runs (StoreHealth.writable, /readyz). */
export const PROBE_INTERVAL_MS = 20_000;
/** How often expired records are removed, and how long after the start the first time. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
export const FIRST_PRUNE_AFTER_MS = 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HousekeepingDeps {
  store: Store;
  log: Logger;
  now: () => Date;
  /** KNOWLEDGE_GAP_RETENTION_DAYS and WEB_CHAT_SESSION_RETENTION_DAYS. */
  retention: Config['retention'];
}

export interface HousekeepingTimers {
  /** The write probe; 0 starts no timer (tests call `probe()`). */
  probeIntervalMs?: number;
  /** Removing expired records; 0 starts no timer (tests call `prune()`). */
  pruneIntervalMs?: number;
}

/** What one `prune()` removed. */
export interface PruneReport {
  dedupeKeys: number;
  webChatSessions: number;
  /** Web chat conversations (history and name) unused for WEB_CHAT_SESSION_RETENTION_DAYS. */
  webChatHistories: number;
  /** Remembered languages of web-chat sessions whose conversation reference is gone. */
  webChatLanguages: number;
  knowledgeGaps: number;
  /** Questions of feedback older than KNOWLEDGE_GAP_RETENTION_DAYS (the votes stay). */
  feedbackQuestions: number;
}

/**
 * The server's own upkeep of its store, on timers that do not keep the process alive:
 *
 * - a small write every 20 s, so readiness turns 503 when writing stops working (and 200
 *   again by itself);
 * - every hour, what must not be kept: redelivery keys past their expiry, web-chat
 *   conversation references and conversations (history, name) unused for
 *   WEB_CHAT_SESSION_RETENTION_DAYS (and the remembered languages of the sessions whose
 *   reference is gone), knowledge gaps and the questions stored with feedback
 *   older than KNOWLEDGE_GAP_RETENTION_DAYS.
 *
 * Started by startBot, stopped at shutdown before the store closes.
 */
export class Housekeeping {
  private timers: NodeJS.Timeout[] = [];
  private probing: Promise<void> | null = null;
  private pruning: Promise<PruneReport> | null = null;
  private writable = true;

  constructor(private readonly deps: HousekeepingDeps) {}

  start(opts: HousekeepingTimers = {}): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      if (ms <= 0) return;
      const t = setInterval(() => void fn(), ms);
      t.unref();
      this.timers.push(t);
    };
    every(opts.probeIntervalMs ?? PROBE_INTERVAL_MS, () => this.probe());
    const pruneEvery = opts.pruneIntervalMs ?? PRUNE_INTERVAL_MS;
    if (pruneEvery > 0) {
      const first = setTimeout(() => {
        void this.prune();
        every(pruneEvery, () => this.prune());
      }, Math.min(FIRST_PRUNE_AFTER_MS, pruneEvery));
      first.unref();
      this.timers.push(first);
    }
  }

  /** Stops the timers and waits for a probe or prune that is running. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await Promise.all([this.probing, this.pruning]);
  }

  /**
   * Removes what has expired. Each kind on its own: one failing (the store is down) does
   * not keep the others; the next run tries again. Never throws.
   */
  prune(): Promise<PruneReport> {
    this.pruning ??= (async () => {
      const { store, log, retention } = this.deps;
      const now = this.deps.now();
      const report: PruneReport = { dedupeKeys: 0, webChatSessions: 0, webChatHistories: 0, webChatLanguages: 0, knowledgeGaps: 0, feedbackQuestions: 0 };
      const gapCutoff = new Date(now.getTime() - retention.knowledgeGapDays * DAY_MS);
      const webChatCutoff = new Date(now.getTime() - retention.webChatSessionDays * DAY_MS);
      const steps: [keyof PruneReport, () => Promise<number>][] = [
        ['dedupeKeys', () => store.dedupe.prune(now)],
        ['webChatSessions', () => store.conversations.pruneInactive('local', webChatCutoff)],
        ['webChatHistories', () => store.webChatHistory.prune(webChatCutoff)],
        ['webChatLanguages', () => this.pruneWebChatLanguages(now)],
        ['knowledgeGaps', () => store.gaps.prune(gapCutoff)],
        ['feedbackQuestions', () => store.feedback.forgetQuestions(gapCutoff)],
      ];
      for (const [what, step] of steps) {
        try {
          report[what] = await step();
        } catch (err) {
          log.error({ err, what }, 'housekeeping: removing expired records failed; trying again at the next run');
        }
      }
      if (Object.values(report).some((n) => n > 0)) log.info({ ...report }, 'housekeeping: expired records removed');
      return report;
    })().finally(() => {
      this.pruning = null;
    });
    return this.pruning;
  }

  /**
   * The remembered languages of web-chat sessions go with their conversation references
   * (pruned just before): a session's conversation and its person (the session id, kept in
   * the reference's data) stay exactly as long as the reference, however long ago the
   * language last changed. Those written since `now` stay too (a session starting meanwhile).
   */
  private async pruneWebChatLanguages(now: Date): Promise<number> {
    const { store } = this.deps;
    const keep = (await store.conversations.list()).filter((c) => c.platform === 'local').flatMap((c) => {
      const session = typeof c.data.session === 'string' ? c.data.session : c.conversationId.startsWith('web-') ? c.conversationId.slice(4) : undefined;
      return [conversationLanguageKey(c.key), ...(session !== undefined ? [personLanguageKey('local', session)] : [])];
    });
    return store.languages.pruneExcept([conversationLanguageKey('local:'), personLanguageKey('local', '')], keep, now);
  }

  /** One probe write; logs when writing stops or starts working again. Never throws. */
  probe(): Promise<void> {
    this.probing ??= (async () => {
      const { store, log } = this.deps;
      try {
        await store.probeWrite(this.deps.now());
        const h = await store.health();
        if (h.writable !== this.writable) {
          this.writable = h.writable;
          if (h.writable) log.info({ backend: h.backend }, 'store: writing works again; ready');
          else log.error({ backend: h.backend, problem: h.writeProblem }, 'store: writing fails; /readyz answers 503 until it works again');
        }
      } catch (err) {
        log.error({ err }, 'store: write probe failed unexpectedly');
      } finally {
        this.probing = null;
      }
    })();
    return this.probing;
  }
}

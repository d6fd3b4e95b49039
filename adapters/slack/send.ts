import type { webApi } from '@slack/bolt';
import type { ProactiveResult } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import { refHash, type Logger } from '../../src/log.js';
import type { ConversationRefRecord, Store } from '../../src/store/types.js';
import { SlackApiError, toSlackApiError, GONE_ERRORS, MESSAGE_GONE_ERRORS } from './errors.js';
import { renderBlocks, type RenderOptions } from './render.js';

export type WebClient = webApi.WebClient;

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Longest wait we accept from a Retry-After header; longer and we give up (the caller has a user waiting). */
  maxWaitSeconds: number;
  sleep: (ms: number) => Promise<void>;
  /** Told before each wait, for the log. */
  onRateLimited?: (waitSeconds: number, attempt: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 3,
  maxWaitSeconds: 30,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs a Web API call; on 429 waits what Slack's Retry-After asks and tries again.
 * Everything else, and a 429 after the last attempt, is thrown as SlackApiError.
 * (The WebClient's own retries are off: it would wait up to 30 minutes, silently.)
 */
export async function withRateLimitRetry<T>(op: () => Promise<T>, opts: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op();
    } catch (e) {
      const err = toSlackApiError(e);
      const wait = err.retryAfterSeconds ?? 1;
      if (err.kind !== 'rate_limit' || attempt >= opts.maxAttempts || wait > opts.maxWaitSeconds) throw err;
      opts.onRateLimited?.(wait, attempt);
      await opts.sleep(wait * 1000);
    }
  }
}

/**
 * POST to a `response_url` (slash commands, message buttons): private answers without
 * channel membership. Same error family and 429 handling as the Web API.
 */
export async function postToResponseUrl(url: string, body: Record<string, unknown>, fetchFn: typeof fetch, opts: RetryOptions = DEFAULT_RETRY): Promise<void> {
  await withRateLimitRetry(async () => {
    let res: Response;
    try {
      res = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body), redirect: 'error' });
    } catch (e) {
      throw new SlackApiError('network', 'network', undefined, { cause: e });
    }
    const text = await res.text();
    if (res.status === 429) throw new SlackApiError('rate_limit', 'ratelimited', Number(res.headers.get('retry-after')) || 1);
    if (!res.ok) throw new SlackApiError(res.status === 404 ? 'gone' : 'network', `http_${res.status}`);
    // Slack answers `ok` or {"ok":false,"error":"expired_url"}
    if (text.startsWith('{')) {
      const json = JSON.parse(text) as { ok?: boolean; error?: string };
      if (json.ok === false) throw toSlackApiError({ code: 'slack_webapi_platform_error', data: { error: json.error ?? 'unknown_error' } });
    }
  }, opts);
}

export interface ProactiveDeps {
  client: WebClient;
  log: Logger;
  retry?: RetryOptions;
  render?: RenderOptions;
  /** Called when Slack says the conversation is gone for good; marks the reference inactive. */
  markGone: (reason: string) => Promise<void>;
}

export interface ProactiveTarget {
  /** A channel id, or a user id for the bot's DM with that user. */
  channel: string;
  threadTs?: string;
  /** The reference key (in the log only as `refHash`: it may name a person's DM). */
  key: string;
}

/**
 * Sends a Reply without a turn (triage posts, nudges, status updates). Never throws:
 * a sender's loop goes on for the other recipients. A conversation that is gone for
 * good is marked inactive so nobody tries it again.
 */
export async function postProactive(deps: ProactiveDeps, target: ProactiveTarget, reply: Reply): Promise<ProactiveResult> {
  const msg = renderBlocks(reply, deps.render);
  const update = reply.replacesMessage;
  try {
    if (update) {
      // An earlier message replaced in place (a triage card after a status change).
      await withRateLimitRetry(() => deps.client.chat.update({ channel: target.channel, ts: update, text: msg.text, blocks: msg.blocks }), deps.retry);
      return { ok: true, messageId: update };
    }
    const res = await withRateLimitRetry(
      () => deps.client.chat.postMessage({ channel: target.channel, text: msg.text, blocks: msg.blocks, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) }),
      deps.retry,
    );
    return { ok: true, ...(res.ts ? { messageId: res.ts } : {}) };
  } catch (e) {
    const err = toSlackApiError(e);
    if (update && (MESSAGE_GONE_ERRORS as readonly string[]).includes(err.code)) {
      // The message was deleted: nothing to update there; the conversation itself is fine.
      deps.log.info({ ref: refHash(target.key), reason: err.code }, 'slack: message to update is gone');
      return { ok: false, gone: true, reason: err.code };
    }
    if (err.kind === 'gone' && (GONE_ERRORS as readonly string[]).includes(err.code)) {
      try {
        await deps.markGone(err.code);
      } catch (storeErr) {
        deps.log.error({ err: storeErr, ref: refHash(target.key) }, 'slack: could not mark conversation inactive');
        return { ok: false, gone: false, reason: `${err.code} (not marked inactive: store error)` };
      }
      deps.log.info({ ref: refHash(target.key), reason: err.code }, 'slack: conversation gone');
      return { ok: false, gone: true, reason: err.code };
    }
    deps.log.warn({ ref: refHash(target.key), kind: err.kind, code: err.code }, 'slack: proactive send failed');
    return { ok: false, gone: false, reason: err.code };
  }
}

/** A stored conversation reference as a proactive target; gone -> `store.conversations.markInactive`. */
export function sendProactive(
  deps: Omit<ProactiveDeps, 'markGone'> & { store: Store; now: () => Date },
  ref: ConversationRefRecord,
  reply: Reply,
): Promise<ProactiveResult> {
  return postProactive(
    { ...deps, markGone: (reason) => deps.store.conversations.markInactive(ref.key, reason, deps.now()) },
    { channel: ref.conversationId, key: ref.key, ...(ref.threadId ? { threadTs: ref.threadId } : {}) },
    reply,
  );
}

import type { ProactiveResult } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import type { Logger } from '../../src/log.js';
import type { ConversationRefRecord, Store } from '../../src/store/types.js';
import { adaptiveCardAttachment, readReference, type ConversationReference, type OutgoingActivity } from './activity.js';
import { renderCard, type RenderOptions } from './render.js';
import type { TeamsTransport } from './transport/index.js';

/**
 * Sending to Teams: Reply -> message activity, and proactive sends with our own
 * retry policy. Failures come back as a ProactiveResult, never as an exception,
 * so a loop over many recipients goes on.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Longest total time spent waiting between attempts; a longer Retry-After ends the send. */
  maxTotalWaitMs: number;
  /** Backoff without Retry-After: base * 2^(attempt-1), with jitter. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, maxTotalWaitMs: 30_000, baseDelayMs: 500 };

export interface SendDeps {
  transport: TeamsTransport;
  store: Store;
  log: Logger;
  now: () => Date;
  render: RenderOptions;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** A Reply as a Teams message: one Adaptive Card, with a plain-text summary for notifications. */
export function replyActivity(reply: Reply, render: RenderOptions): OutgoingActivity {
  return {
    type: 'message',
    attachments: [adaptiveCardAttachment(renderCard(reply, render))],
    ...(reply.fallbackText ? { summary: reply.fallbackText.slice(0, 250) } : {}),
  };
}

/**
 * The stored reference of a conversation: what a proactive send needs, without the user's
 * display name. Plain Activity-protocol JSON, the same whichever SDK carries Teams.
 */
export function storedReference(ref: Partial<ConversationReference>, tenantId: string | undefined): Record<string, unknown> {
  const { activityId: _activityId, user, conversation, ...rest } = ref;
  return {
    ...rest,
    ...(user ? { user: { id: user.id, ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}), ...(user.role ? { role: user.role } : {}) } } : {}),
    ...(conversation ? { conversation: { ...conversation, ...(tenantId && !conversation.tenantId ? { tenantId } : {}) } } : {}),
  };
}

export interface HttpFailure {
  status?: number;
  code?: string;
  retryAfterMs?: number;
}

/**
 * What went wrong in a connector call, from either SDK's error: botbuilder's RestError
 * (`statusCode`, `response.headers.get`), the Agents SDK's HttpError (`status`,
 * `response.status`, fetch `Headers`), or a network error (no status).
 */
export function describeFailure(e: unknown, now: Date): HttpFailure {
  const err = e as { statusCode?: number; status?: number; code?: string; response?: { status?: number; headers?: unknown } };
  const status = err.statusCode ?? err.response?.status ?? (typeof err.status === 'number' ? err.status : undefined);
  const headers = err.response?.headers as { get?: (n: string) => string | undefined | null } | Record<string, string> | undefined;
  const raw = headers && typeof headers.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof raw === 'string' ? raw : undefined, now);
  return {
    ...(status !== undefined ? { status } : {}),
    ...(typeof err.code === 'string' ? { code: err.code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : undefined;
}

/**
 * Sends a Reply to a stored conversation: 429/5xx retried (Retry-After honoured, total
 * wait capped), 403/404 mark the reference inactive. A reply that replaces an earlier
 * message (`replacesMessage`) updates that activity in place (PUT …/activities/{id});
 * then a 404 says the message is gone, not the conversation. The reference may have been
 * stored under either SDK: it is plain Activity-protocol JSON.
 */
export async function sendProactive(deps: SendDeps, ref: ConversationRefRecord, reply: Reply): Promise<ProactiveResult> {
  const reference = readReference(ref.data);
  if (!reference) return { ok: false, gone: false, reason: 'invalid_reference' };
  const activity = replyActivity(reply, deps.render);
  const update = reply.replacesMessage;
  if (update) {
    return withRetries(deps, undefined, async () => {
      await deps.transport.update(reference, update, activity);
      return update;
    });
  }
  return withRetries(deps, ref.key, () => deps.transport.sendNew(reference, activity));
}

/**
 * A 1:1 message to a user, in a new (or the existing) personal conversation, created
 * from a reference of a conversation the user is in (its service URL and tenant).
 */
export async function sendToUser(deps: SendDeps, userId: string, via: ConversationRefRecord | undefined, reply: Reply): Promise<ProactiveResult> {
  return sendToUserVia(deps, userId, via?.data, reply);
}

/** The same, from a conversation reference at hand (the current turn's). */
export async function sendToUserVia(deps: SendDeps, userId: string, data: unknown, reply: Reply): Promise<ProactiveResult> {
  const reference = readReference(data);
  if (!reference?.bot) return { ok: false, gone: false, reason: 'no_reference_for_user' };
  const activity = replyActivity(reply, deps.render);
  return withRetries(deps, undefined, async () => (await deps.transport.createConversation(reference, userId, activity)).messageId);
}

async function withRetries(deps: SendDeps, refKey: string | undefined, attempt: () => Promise<string | undefined>): Promise<ProactiveResult> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let waited = 0;
  for (let n = 1; ; n++) {
    try {
      const messageId = await attempt();
      return { ok: true, ...(messageId ? { messageId } : {}) };
    } catch (e) {
      const f = describeFailure(e, deps.now());
      const reason = `teams_${f.status ?? 'network'}${f.code ? `_${f.code}` : ''}`;
      if (f.status === 403 || f.status === 404) {
        // Bot removed, user blocked the bot, conversation deleted: stop sending there.
        if (refKey) {
          await deps.store.conversations
            .markInactive(refKey, reason, deps.now())
            .catch((err: unknown) => deps.log.error({ err, platform: 'teams' }, 'teams: could not mark conversation inactive'));
        }
        deps.log.warn({ platform: 'teams', status: f.status, code: f.code }, 'teams: conversation gone');
        return { ok: false, gone: true, reason };
      }
      const retryable = f.status === undefined || f.status === 429 || f.status >= 500;
      const delay = f.retryAfterMs ?? Math.round(policy.baseDelayMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5));
      if (!retryable || n >= policy.maxAttempts || waited + delay > policy.maxTotalWaitMs) {
        deps.log.warn({ platform: 'teams', status: f.status, code: f.code, attempts: n }, 'teams: proactive send failed');
        return { ok: false, gone: false, reason: f.status === 429 ? 'rate_limited' : reason };
      }
      waited += delay;
      await sleep(delay);
    }
  }
}

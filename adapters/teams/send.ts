import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { CardFactory, type Activity } from 'botbuilder';
import type { ProactiveResult } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import type { Logger } from '../../src/log.js';
import type { ConversationRefRecord, Store } from '../../src/store/types.js';
import { renderCard, type RenderOptions } from './render.js';

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
  adapter: CloudAdapter;
  /** Empty in anonymous (local) mode. */
  appId: string;
  store: Store;
  log: Logger;
  now: () => Date;
  render: RenderOptions;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** A Reply as a Teams message: one Adaptive Card, with a plain-text summary for notifications. */
export function replyActivity(reply: Reply, render: RenderOptions): Partial<Activity> {
  return {
    type: 'message',
    attachments: [CardFactory.adaptiveCard(renderCard(reply, render))],
    ...(reply.fallbackText ? { summary: reply.fallbackText.slice(0, 250) } : {}),
  };
}

/** The stored reference of a conversation: what `continueConversationAsync` needs, without the user's display name. */
export function storedReference(ref: Partial<ConversationReference>, tenantId: string | undefined): Record<string, unknown> {
  const { activityId: _activityId, user, conversation, ...rest } = ref;
  return {
    ...rest,
    ...(user ? { user: { id: user.id, ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}), ...(user.role ? { role: user.role } : {}) } } : {}),
    ...(conversation ? { conversation: { ...conversation, ...(tenantId && !conversation.tenantId ? { tenantId } : {}) } } : {}),
  };
}

/** botbuilder uses the channel's default OAuth scope when no audience is given (an empty string would be used as is). */
const CHANNEL_AUDIENCE = undefined as unknown as string;

export interface HttpFailure {
  status?: number;
  code?: string;
  retryAfterMs?: number;
}

/** What went wrong in a connector call, from a botbuilder/azure RestError or a network error. */
export function describeFailure(e: unknown, now: Date): HttpFailure {
  const err = e as { statusCode?: number; code?: string; response?: { status?: number; headers?: unknown } };
  const status = err.statusCode ?? err.response?.status;
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
 * The connector client retries 429s itself, waiting for any Retry-After without
 * a limit, and CloudAdapter offers no option to change that. For proactive sends
 * we retry ourselves (with a cap), so the client's own retry policy is removed
 * from this one client (each continueConversation gets a new one).
 */
function useOwnRetries(ctx: TurnContext, adapter: CloudAdapter, log: Logger): void {
  const client = ctx.turnState.get(adapter.ConnectorClientKey) as { client?: { pipeline?: { removePolicy(o: { name: string }): unknown } } } | undefined;
  const pipeline = client?.client?.pipeline;
  if (pipeline) pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  else log.warn('teams: connector client has no pipeline to adjust; its own retries stay on');
}

/**
 * Sends a Reply to a stored conversation: 429/5xx retried (Retry-After honoured, total
 * wait capped), 403/404 mark the reference inactive. A reply that replaces an earlier
 * message (`replacesMessage`) updates that activity in place (PUT …/activities/{id});
 * then a 404 says the message is gone, not the conversation.
 */
export async function sendProactive(deps: SendDeps, ref: ConversationRefRecord, reply: Reply): Promise<ProactiveResult> {
  const reference = ref.data as Partial<ConversationReference>;
  if (!reference.serviceUrl || !reference.conversation?.id) return { ok: false, gone: false, reason: 'invalid_reference' };
  const activity = replyActivity(reply, deps.render);
  const update = reply.replacesMessage;
  return withRetries(deps, update ? undefined : ref.key, async () => {
    const sent = capture();
    await deps.adapter.continueConversationAsync(deps.appId, reference, sent.logic(deps, activity, update));
    return sent.result();
  });
}

/**
 * A 1:1 message to a user, in a new (or the existing) personal conversation, created
 * from a reference of a conversation the user is in (its service URL and tenant).
 */
export async function sendToUser(deps: SendDeps, userId: string, via: ConversationRefRecord | undefined, reply: Reply): Promise<ProactiveResult> {
  return sendToUserVia(deps, userId, via?.data as Partial<ConversationReference> | undefined, reply);
}

/** The same, from a conversation reference at hand (the current turn's). */
export async function sendToUserVia(deps: SendDeps, userId: string, reference: Partial<ConversationReference> | undefined, reply: Reply): Promise<ProactiveResult> {
  if (!reference?.serviceUrl || !reference.bot) return { ok: false, gone: false, reason: 'no_reference_for_user' };
  const tenantId = reference.conversation?.tenantId;
  const activity = replyActivity(reply, deps.render);
  return withRetries(deps, undefined, async () => {
    const sent = capture();
    await deps.adapter.createConversationAsync(
      deps.appId,
      'msteams',
      reference.serviceUrl!,
      CHANNEL_AUDIENCE,
      {
        isGroup: false,
        bot: reference.bot!,
        members: [{ id: userId, name: '' }],
        ...(tenantId ? { tenantId } : {}),
        channelData: tenantId ? { tenant: { id: tenantId } } : {},
      },
      sent.logic(deps, activity),
    );
    return sent.result();
  });
}

/**
 * The send inside a turn. CloudAdapter hands errors thrown in a turn to
 * `onTurnError` (which logs them) instead of to the caller, so the error is kept
 * here and rethrown outside the turn, where the retry policy sees it.
 */
function capture(): { logic: (deps: SendDeps, activity: Partial<Activity>, update?: string) => (ctx: TurnContext) => Promise<void>; result: () => string | undefined } {
  let messageId: string | undefined;
  let failure: { error: unknown } | undefined;
  return {
    logic: (deps, activity, update) => async (ctx) => {
      try {
        useOwnRetries(ctx, deps.adapter, deps.log);
        if (update) {
          await ctx.updateActivity({ ...activity, id: update });
          messageId = update;
          return;
        }
        // A proactive message is a new message, not a reply to the made-up id of the continuation activity.
        ctx.onSendActivities(async (_ctx, activities, next) => {
          for (const a of activities) delete a.replyToId;
          return next();
        });
        messageId = (await ctx.sendActivity(activity))?.id;
      } catch (error) {
        failure = { error };
      }
    },
    result: () => {
      if (failure) throw failure.error;
      return messageId;
    },
  };
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

import { createHash, randomBytes } from 'node:crypto';
import { messages } from '../i18n/index.js';
import type { Store } from '../store/types.js';
import { simpleReply } from './answer.js';
import type { RouteResult, TurnContext } from './context.js';
import type { Block, Form, Reply } from './reply.js';

/**
 * Every form submits once, on every platform. A form gets a one-time id when the core
 * renders it, carried in its opaque `state` (which Slack's private_metadata, the Teams
 * card's submit data and the web chat all return untouched). The first submission of that
 * id claims it in the store; once accepted, the claim keeps what it produced (a receipt).
 * A second submission of the same form (a double click, a resubmitted old card, a resent
 * modal) files nothing new and is answered from the receipt ("al ontvangen als
 * KP-2026-0004"). A submission that is not accepted (field errors, a limit, a failure)
 * releases the claim, so the corrected form can be sent.
 */

/** How long a form's first submission is remembered. */
export const FORM_ONCE_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
/** A claim still pending after this long belongs to a handler that died: a new submission may take it over. */
export const FORM_PENDING_STALE_MS = 2 * 60 * 1000;
/** How long a second submission waits for the first to finish, before it says the form is being handled. */
const WAIT_FOR_FIRST_MS = 5000;
const WAIT_STEP_MS = 100;
/** Expired submissions are removed at most this often (by whichever turn comes first). */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** `f1:<one-time id>:<the form's own state>`: a version tag, 22 base64url characters, then the rest untouched. */
const STAMP = /^f1:([A-Za-z0-9_-]{22}):([\s\S]*)$/;

export function newFormOnce(): string {
  return randomBytes(16).toString('base64url');
}

/** The form with a new one-time id; its own state is kept (a form that already had an id gets a new one). */
export function stampForm(form: Form, once: string = newFormOnce()): Form {
  const { inner } = openFormState(form.state);
  return { ...form, state: `f1:${once}:${inner ?? ''}` };
}

/** Stamps every form in the replies (the core does this for every turn's replies). */
export function stampReplies(replies: Reply[]): Reply[] {
  if (!replies.some((r) => r.blocks.some((b) => b.kind === 'form'))) return replies;
  return replies.map((r) => (r.blocks.some((b) => b.kind === 'form')
    ? { ...r, blocks: r.blocks.map((b): Block => (b.kind === 'form' ? { kind: 'form', form: stampForm(b.form) } : b)) }
    : r));
}

/** A submitted state: the one-time id (absent for forms rendered before forms had one) and the form's own state. */
export function openFormState(state: string | undefined): { once?: string; inner?: string } {
  if (state === undefined) return {};
  const m = STAMP.exec(state);
  if (!m) return { inner: state };
  return { once: m[1]!, ...(m[2] ? { inner: m[2] } : {}) };
}

/** The store key of a form's submission: a hash (nothing in it says who). */
export function submissionKey(formId: string, once: string): string {
  return createHash('sha256').update(`form:${formId}:${once}`).digest('base64url').slice(0, 32);
}

const lastPrune = new WeakMap<Store, number>();

async function pruneNowAndThen(ctx: TurnContext): Promise<void> {
  const { store, now, log } = ctx.deps;
  const t = now().getTime();
  if (t - (lastPrune.get(store) ?? 0) < PRUNE_EVERY_MS) return;
  lastPrune.set(store, t);
  try {
    const n = await store.formSubmissions.prune(now());
    if (n > 0) log.info({ count: n }, 'form submissions past their keep removed');
  } catch (err) {
    log.warn({ err }, 'could not remove expired form submissions; trying again later');
  }
}

/**
 * Runs a form's handler for the first submission of `once` only. Later submissions get
 * `repeat(receipt)` of the accepted one; while the first is still being handled, they
 * wait for it (a double click), up to a few seconds.
 */
export async function submitOnce(
  ctx: TurnContext,
  formId: string,
  once: string,
  run: () => Promise<RouteResult>,
  repeat: (receipt: string) => Promise<RouteResult>,
): Promise<RouteResult> {
  const { store, now } = ctx.deps;
  await pruneNowAndThen(ctx);
  const key = submissionKey(formId, once);
  const waitUntil = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const at = now();
    const claim = await store.formSubmissions.claim(key, at, new Date(at.getTime() + FORM_ONCE_KEEP_MS), new Date(at.getTime() - FORM_PENDING_STALE_MS));
    if (claim.claimed) break;
    if (claim.record.status === 'done') return { ...(await repeat(claim.record.receipt ?? '')), outcome: 'repeated' };
    if (Date.now() >= waitUntil) {
      const t = messages(ctx.locale);
      return { replies: [simpleReply(ctx.locale, t.formBusy, { private: true })], outcome: 'repeated' };
    }
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
  let result: RouteResult;
  try {
    result = await run();
  } catch (e) {
    await store.formSubmissions.release(key).catch(() => undefined); // the error is logged by the Bot; the form may be sent again
    throw e;
  }
  if (result.receipt !== undefined) {
    const at = now();
    await store.formSubmissions.complete(key, result.receipt, at, new Date(at.getTime() + FORM_ONCE_KEEP_MS));
  } else {
    await store.formSubmissions.release(key);
  }
  return result;
}

/** The answer to a repeated form whose feature has nothing better to say. */
export function alreadySent(ctx: TurnContext): RouteResult {
  return { replies: [simpleReply(ctx.locale, messages(ctx.locale).formAlreadySent, { private: true })], outcome: 'repeated' };
}

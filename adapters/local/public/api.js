// POST /api/chat, as described in adapters/local/protocol.ts. One request per input;
// every failure becomes a friendly Dutch message, never an exception.

const API_URL = 'api/chat';
const REQUEST_TIMEOUT_MS = 30_000;
const GENERIC_ERROR = 'Er ging iets mis. Probeer het zo nog eens.';

/** A random id for sessions and messages (fits the protocol's 8-64 chars of [A-Za-z0-9_-]). */
export function randomId() {
  // randomUUID needs a secure context (https or localhost); fall back for plain http.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sends one input; resolves to `{ ok: true, replies }` or `{ ok: false, message }`. */
export async function postChat({ session, locale, input }) {
  try {
    const res = await fetch(API_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ session, messageId: randomId(), locale, input }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await res.json().catch(() => null);
    // Same messageId seen before: the first delivery already got its answer.
    if (res.status === 409) return { ok: true, replies: [] };
    if (!res.ok) return { ok: false, message: errorMessage(body) };
    const replies = body && Array.isArray(body.replies) ? body.replies : [];
    // Private messages that waited for this session (e.g. a knelpunt status update) come after the answer.
    const notifications = body && Array.isArray(body.notifications) ? body.notifications : [];
    return { ok: true, replies: [...replies, ...notifications] };
  } catch {
    return { ok: false, message: GENERIC_ERROR };
  }
}

/** The friendly text of a failed response: `{ error }`, or the core's own error Reply, or ours. */
function errorMessage(body) {
  if (body && typeof body.error === 'string' && body.error.trim()) return body.error;
  const fromReplies = Array.isArray(body?.replies)
    ? body.replies.map((r) => (typeof r?.fallbackText === 'string' ? r.fallbackText.trim() : '')).filter(Boolean).join(' ')
    : '';
  return fromReplies || GENERIC_ERROR;
}

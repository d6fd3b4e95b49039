// The web chat's wire protocol (adapters/local/protocol.ts): POST /api/chat for what the
// person says, GET /api/chat/history for the conversation so far, and GET
// /api/chat/events for what the bot sends by itself (server-sent events, read with fetch
// so the session id goes in a header, never in a URL). Every failure becomes a friendly
// message, never an exception.

import { t } from './texts.js';

const REQUEST_TIMEOUT_MS = 30_000;

/** A random id for sessions and messages (fits the protocol's 8-64 chars of [A-Za-z0-9_-]). */
export function randomId() {
  // randomUUID needs a secure context (https or localhost); fall back for plain http.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sends one input; resolves to `{ ok: true, messages }` or `{ ok: false, message }`. */
export async function postChat({ session, messageId, locale, input, source, name }) {
  try {
    const res = await fetch('api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ session, messageId, locale, input, ...(source ? { source } : {}), ...(name ? { name } : {}) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await res.json().catch(() => null);
    // Same messageId seen before: the first delivery already got its answer.
    if (res.status === 409) return { ok: true, messages: [] };
    if (!res.ok) return { ok: false, message: errorMessage(body) };
    return { ok: true, messages: body && Array.isArray(body.messages) ? body.messages : [] };
  } catch {
    return { ok: false, message: t('genericError') };
  }
}

/** The conversation so far: `{ messages, rev, name?, signedIn? }`, or null. */
export async function getHistory(session) {
  try {
    const res = await fetch('api/chat/history', { headers: { 'x-chat-session': session, accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return null;
    const body = await res.json();
    return body && Array.isArray(body.messages) ? body : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the event stream open: (re)connects with `lastEventId()` (null: none), so nothing
 * sent meanwhile is missed. `onMessage(msg)` per message,
 * `onReset()` when the server knows less than the page (reload the history),
 * `onConnected(bool)` when the connection comes or goes.
 */
export function openEvents({ session, lastEventId, onMessage, onReset, onConnected }) {
  let retryMs = 3000;
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      let connected = false;
      try {
        const last = lastEventId();
        const res = await fetch('api/chat/events', {
          headers: { 'x-chat-session': session, accept: 'text/event-stream', ...(Number.isInteger(last) && last >= 0 ? { 'last-event-id': String(last) } : {}) },
          credentials: 'same-origin',
          cache: 'no-store',
        });
        if (res.status === 401 || res.status === 404) return; // signed out, or the web chat is off: a reload tells why
        if (res.ok && res.body) {
          connected = true;
          onConnected(true);
          await read(res.body, (field, value) => {
            if (field === 'retry' && /^\d+$/.test(value)) retryMs = Math.min(Number(value), 60_000);
          }, (event, data) => {
            if (event === 'reset') onReset();
            else if (data) {
              try {
                onMessage(JSON.parse(data));
              } catch {
                // not ours: skip it
              }
            }
          });
        }
      } catch {
        // network trouble: try again below
      }
      if (stopped) return;
      onConnected(false, connected);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();
  return () => {
    stopped = true;
  };
}

/** Reads a text/event-stream body: `onField` for every field, `onEvent(event, data)` per event. */
async function read(body, onField, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = '';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (event || data.length > 0) onEvent(event, data.join('\n'));
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // heartbeat
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(v);
      else if (field === 'event') event = v;
      else onField(field, v);
    }
  }
}

/** The friendly text of a failed response: `{ error }`, or the core's own error Reply, or ours. */
function errorMessage(body) {
  if (body && typeof body.error === 'string' && body.error.trim()) return body.error;
  const fromReplies = Array.isArray(body?.replies)
    ? body.replies.map((r) => (typeof r?.fallbackText === 'string' ? r.fallbackText.trim() : '')).filter(Boolean).join(' ')
    : '';
  return fromReplies || t('genericError');
}

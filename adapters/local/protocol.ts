/**
 * The web chat's wire protocol (POST /api/chat). The browser sends one input per
 * request and gets the core's Replies back as JSON; `adapters/local/public/render.js`
 * renders every Reply block type from this JSON with DOM APIs (never innerHTML).
 *
 * Request body:
 *   {
 *     "session": "<random id the browser keeps in localStorage, 8-64 chars [A-Za-z0-9_-]>",
 *     "messageId": "<unique id per message, 8-64 chars; a resend with the same id is answered once>",
 *     "locale": "nl" | "en" (optional; the browser's language),
 *     "input": { "kind": "text", "text": "..." }
 *            | { "kind": "action", "action": "...", "value": "..." }
 *            | { "kind": "form", "formId": "...", "values": { "<field>": "..." | ["..."] | true },
 *                "state": "<the form's `state`, returned untouched, if it had one>" }
 *   }
 * Response 200: { "replies": Reply[], "notifications"?: Reply[] }  (see src/core/reply.ts; notifications
 *   are private messages that waited for this session, e.g. a knelpunt status update)
 * Response 400: { "error": "<friendly Dutch message>", "code": "bad_request" | "too_long" }
 * Response 409: { "replies": [], "duplicate": true }  (same messageId seen before)
 * Response 503: { "replies": Reply[] }  (store or core trouble: the replies hold a friendly "try again" message)
 * By WEB_CHAT (README, "Web chat"), each with a friendly Dutch `error`:
 * Response 401: { "error", "code": "signin" }  (signin: no session; the page shows it, and a reload leads to the sign-in)
 * Response 403: { "error", "code": "forbidden" }  (signin: not sent from the chat page itself)
 * Response 404: { "error", "code": "off" }  (off)
 * Response 429: { "error", "code": "rate_limited" }  (open: too many new sessions from this client address)
 * With signin, `session` is ignored: the user is the signed-in person.
 */
import type { TurnInput } from '../../src/domain/turn.js';

export interface ChatRequest {
  session: string;
  messageId: string;
  locale?: 'nl' | 'en';
  input: TurnInput;
}

/** Longest text a user may send in one message (characters). Longer is refused with a friendly error. */
export const MAX_TEXT_LENGTH = 4000;
/** Longest button label the page sends with a press (shown as what the person said). */
export const MAX_LABEL_LENGTH = 200;
/** Longest name the page sends (a named report in the open web chat). */
export const MAX_NAME_LENGTH = 100;

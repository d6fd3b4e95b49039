import type { Logger } from '../../src/log.js';
import type { Activity } from './activity.js';
import type { HttpRequestLike, HttpResult, TeamsTransport, TurnIO } from './transport/index.js';

/**
 * The HTTP boundary as one function, `{ body, headers } -> { status, body }` (as in the
 * Teams SDK), around the transport's authentication and turn pipeline. Authentication
 * is a step of its own: whatever goes wrong there (a forged, malformed or expired token,
 * keys that cannot be fetched) is a 401 with a warning that names no token, never a 500
 * with a stack. The same for both SDKs.
 */
export type { HttpRequestLike, HttpResult };

/** A reason to refuse the request before the SDK sees it, or undefined to go on. */
export type RequestScreen = (activity: Activity, authHeader: string) => string | undefined;

export const UNAUTHORIZED: HttpResult = { status: 401, body: { error: 'unauthorized' } };

export async function handleRequest(
  transport: TeamsTransport,
  req: HttpRequestLike,
  logic: (turn: TurnIO) => Promise<void>,
  log: Logger,
  screen?: RequestScreen,
): Promise<HttpResult> {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
    return { status: 400, body: { error: 'malformed activity' } };
  }
  const header = req.headers.authorization;
  const refused = screen?.(body as Activity, typeof header === 'string' ? header : '');
  if (refused) return refuse(log, refused);
  const outcome = await transport.process(req, logic);
  // Expected for scanners and forged requests: a warning, never the token, never a stack trace.
  return 'refused' in outcome ? refuse(log, outcome.refused) : outcome;
}

/** A 401 and one warning line with the reason (never the token). */
export function refuse(log: Logger, reason: string): HttpResult {
  log.warn({ platform: 'teams', status: 401, reason }, 'teams: request refused');
  return UNAUTHORIZED;
}

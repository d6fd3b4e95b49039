import { CloudAdapter, StatusCodes, type Activity, type TurnContext } from 'botbuilder';
import type { Logger } from '../../src/log.js';

/**
 * The HTTP boundary as one function, `{ body, headers } -> { status, body }`
 * (as in the Teams SDK), around CloudAdapter's own authentication and turn
 * pipeline. Unlike `CloudAdapter.process`, authentication is a step of its own:
 * whatever goes wrong there (a forged, malformed or expired token, keys that cannot
 * be fetched) is a 401 with a warning that names no token, never a 500 with a stack.
 */
export interface HttpRequestLike {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}
export interface HttpResult {
  status: number;
  body?: unknown;
}

/** A reason to refuse the request before botbuilder sees it, or undefined to go on. */
export type RequestScreen = (activity: Activity, authHeader: string) => string | undefined;

export const UNAUTHORIZED: HttpResult = { status: StatusCodes.UNAUTHORIZED, body: { error: 'unauthorized' } };

export class TeamsCloudAdapter extends CloudAdapter {
  async handleRequest(req: HttpRequestLike, logic: (ctx: TurnContext) => Promise<void>, log: Logger, screen?: RequestScreen): Promise<HttpResult> {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      return { status: StatusCodes.BAD_REQUEST, body: { error: 'malformed activity' } };
    }
    const activity = withDates(body as Record<string, unknown>);
    const header = req.headers.authorization;
    const authHeader = typeof header === 'string' ? header : '';
    const refused = screen?.(activity, authHeader);
    if (refused) return refuse(log, refused);
    const auth = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader).then(
      (result) => ({ ok: true as const, result }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    // Expected for scanners and forged requests: a warning, never the token, never a stack trace.
    if (!auth.ok) return refuse(log, reasonOf(auth.err));
    try {
      const invoke = await this.processActivity(auth.result, activity, logic);
      return { status: invoke?.status ?? StatusCodes.OK, ...(invoke?.body !== undefined ? { body: invoke.body } : {}) };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === StatusCodes.BAD_REQUEST) {
        log.warn({ platform: 'teams', status: StatusCodes.BAD_REQUEST, reason: reasonOf(err) }, 'teams: request refused');
        return { status: StatusCodes.BAD_REQUEST, body: { error: 'bad request' } };
      }
      log.error({ err, platform: 'teams' }, 'teams: request failed');
      return { status: StatusCodes.INTERNAL_SERVER_ERROR, body: { error: 'internal error' } };
    }
  }
}

/** A 401 and one warning line with the reason (never the token). */
export function refuse(log: Logger, reason: string): HttpResult {
  log.warn({ platform: 'teams', status: StatusCodes.UNAUTHORIZED, reason }, 'teams: request refused');
  return UNAUTHORIZED;
}

/** The message of an authentication failure, short; botbuilder's messages name no token. */
function reasonOf(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return `${name}: ${message}`.slice(0, 200);
}

/** What botbuilder's own request handling does to an activity body: ISO timestamps become Dates (raw copies kept). */
function withDates(body: Record<string, unknown>): Activity {
  const a: Record<string, unknown> = { ...body };
  for (const [key, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    if (typeof a[key] === 'string') {
      a[raw] = a[key];
      a[key] = new Date(a[key] as string);
    }
  }
  return a as unknown as Activity;
}

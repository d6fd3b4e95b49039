import { CloudAdapter, StatusCodes, type Activity, type TurnContext } from 'botbuilder';
import type { Logger } from '../../src/log.js';

/**
 * The HTTP boundary as one function, `{ body, headers } -> { status, body }`
 * (as in the Teams SDK), around CloudAdapter's own authentication and turn
 * pipeline. Unlike `CloudAdapter.process`, refusals are logged through our
 * logger (not as stack traces on stderr) and answered without detail.
 */
export interface HttpRequestLike {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}
export interface HttpResult {
  status: number;
  body?: unknown;
}

export class TeamsCloudAdapter extends CloudAdapter {
  async handleRequest(req: HttpRequestLike, logic: (ctx: TurnContext) => Promise<void>, log: Logger): Promise<HttpResult> {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      return { status: StatusCodes.BAD_REQUEST, body: { error: 'malformed activity' } };
    }
    const activity = withDates(body as Record<string, unknown>);
    const header = req.headers.authorization;
    const authHeader = typeof header === 'string' ? header : '';
    try {
      const invoke = await this.processActivity(authHeader, activity, logic);
      return { status: invoke?.status ?? StatusCodes.OK, ...(invoke?.body !== undefined ? { body: invoke.body } : {}) };
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === StatusCodes.UNAUTHORIZED || status === StatusCodes.BAD_REQUEST) {
        // Expected for scanners and misconfigured callers: a warning without the token, never a stack trace.
        log.warn({ platform: 'teams', status, reason: (err as Error).message }, 'teams: request refused');
        return { status, body: { error: status === StatusCodes.UNAUTHORIZED ? 'unauthorized' : 'bad request' } };
      }
      log.error({ err, platform: 'teams' }, 'teams: request failed');
      return { status: StatusCodes.INTERNAL_SERVER_ERROR, body: { error: 'internal error' } };
    }
  }
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

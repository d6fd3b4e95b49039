import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths that are never logged, whatever logs them (our code, Bolt, botbuilder).
 * Redaction is configured here once; tests assert on whole log output.
 */
export const REDACT_PATHS = [
  'token', '*.token', 'accessToken', '*.accessToken', 'access_token', '*.access_token',
  'password', '*.password', 'secret', '*.secret', 'clientSecret', '*.clientSecret',
  'signature', '*.signature',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'headers["x-slack-signature"]', '*.headers["x-slack-signature"]',
  'cookie', '*.cookie', 'headers.cookie', '*.headers.cookie', 'headers["set-cookie"]',
  // identity fields: logs tell users apart by `userHash` only
  'userId', '*.userId', 'user_id', '*.user_id', 'userName', '*.userName', 'email', '*.email',
];

export interface LoggerOptions {
  level: string;
  /** JSON lines (production) or readable lines (development). */
  pretty: boolean;
  /** Where to write; stdout by default. Tests pass a memory stream. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

/** The request a log line belongs to: set per HTTP request, Socket Mode event and scheduler run. */
const requestContext = new AsyncLocalStorage<{ reqId: string }>();

/** An incoming `X-Request-Id` is kept when it looks like an id; anything else gets a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A request id: the given one when it is safe to log, else a new random one. */
export function requestIdFrom(given: string | undefined): string {
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Runs `fn` with a request id that every log line it causes carries as `reqId` (outgoing platform calls included). */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return requestContext.run({ reqId }, fn);
}

/** The request id of the current async context, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.reqId;
}

/**
 * HTTP client errors (axios in the Agents SDK and Bolt) carry the whole request and answer:
 * `config.data` is the outgoing message (a card with a person's name and aad object id),
 * `response` the platform's answer. Logged errors keep their message, code, stack and the
 * answer's status, never those.
 */
const HTTP_ERROR_FIELDS = ['config', 'request', 'response'] as const;

function withoutHttpDetails(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 4) return value;
  const o = value as Record<string, unknown>;
  const status = (o.response as { status?: unknown } | undefined)?.status;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if ((HTTP_ERROR_FIELDS as readonly string[]).includes(k)) continue;
    out[k] = k === 'cause' || k === 'aggregateErrors' ? withoutHttpDetails(v, depth + 1) : v;
  }
  if (typeof status === 'number' && out.status === undefined) out.status = status;
  return out;
}

/** pino's error serializer, without the HTTP request and answer an error may carry. */
export function serializeError(err: unknown): unknown {
  return withoutHttpDetails(pino.stdSerializers.err(err as Error));
}

export function createLogger(opts: LoggerOptions): Logger {
  const base = {
    level: opts.level,
    serializers: { err: serializeError, error: serializeError },
    base: { app: 'ibp-bot' },
    // Every line logged inside a request (ours, Bolt's, botbuilder's) carries its id.
    mixin: (): Record<string, string> => {
      const ctx = requestContext.getStore();
      return ctx ? { reqId: ctx.reqId } : {};
    },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.pretty && !opts.destination) {
    // In-process pretty printing (no worker thread), only for development.
    return pino(base, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' }));
  }
  return pino(base, opts.destination ?? process.stdout);
}

let hashKey = randomBytes(32).toString('hex');

/** Sets the key of `userHash` (LOG_HASH_KEY), so hashes stay stable across restarts. */
export function setUserHashKey(key: string): void {
  hashKey = key;
}

/**
 * A keyed hash to tell users apart in logs without logging who they are. The key
 * is random per process unless LOG_HASH_KEY is set.
 */
export function userHash(qualifiedId: string): string {
  return createHmac('sha256', hashKey).update(qualifiedId).digest('base64url').slice(0, 12);
}

/**
 * A conversation reference key (`slack:D123`, `local:web-<session>`, `teams:a:1…`) as it
 * may appear in a log line: the platform stays readable, the ids become the keyed hash
 * (`slack:Xk3…`). A DM channel, a web-chat session or a Teams personal chat points to one
 * person as surely as a user id does.
 */
export function refHash(key: string): string {
  const i = key.indexOf(':');
  const platform = i > 0 && /^[a-z]+$/.test(key.slice(0, i)) ? key.slice(0, i) : 'ref';
  return `${platform}:${userHash(key)}`;
}

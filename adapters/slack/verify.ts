import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack request signing (v0): HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the
 * app's signing secret. Pure: the clock is passed in, errors are typed. Runs in front
 * of Bolt's own check so that we refuse with our clock and our skew window in both
 * directions (Bolt only refuses timestamps from the past).
 */
export type SignatureProblem = 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';

export class SlackSignatureError extends Error {
  constructor(
    readonly problem: SignatureProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SlackSignatureError';
  }

  /** 400 for a request that is not a Slack request at all, 401 for one that fails authentication. */
  get status(): 400 | 401 {
    return this.problem === 'missing_headers' || this.problem === 'bad_timestamp' ? 400 : 401;
  }
}

export interface VerifyOptions {
  signingSecret: string;
  now: Date;
  /** Slack's advice: five minutes. */
  maxSkewSeconds?: number;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

export const DEFAULT_MAX_SKEW_SECONDS = 5 * 60;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Throws SlackSignatureError; returns normally when the request is Slack's and fresh. */
export function verifySlackSignature(rawBody: string | Buffer, headers: HeaderBag, opts: VerifyOptions): void {
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (!signature || !timestamp) {
    throw new SlackSignatureError('missing_headers', 'X-Slack-Signature or X-Slack-Request-Timestamp is missing');
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new SlackSignatureError('bad_timestamp', 'X-Slack-Request-Timestamp is not a number of seconds');
  }
  const skew = Math.abs(Math.floor(opts.now.getTime() / 1000) - Number(timestamp));
  if (skew > (opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS)) {
    // Refused before the HMAC: an old, validly signed request is a replay.
    throw new SlackSignatureError('stale_timestamp', `request timestamp is ${skew} s away from our clock`);
  }
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = Buffer.from(`v0=${createHmac('sha256', opts.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SlackSignatureError('bad_signature', 'signature does not match');
  }
}

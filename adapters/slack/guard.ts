import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { Logger } from '../../src/log.js';
import { DEFAULT_MAX_SKEW_SECONDS, SlackSignatureError, verifySlackSignature } from './verify.js';

/**
 * Express middleware in front of Bolt's receiver, after `express.raw()`: refuses
 * requests that are not Slack's (400 without headers, 401 for a bad signature or a
 * timestamp outside ±5 minutes of our clock) before anything is parsed or processed.
 * Bolt then reads the same raw body from `req.rawBody` and checks it again.
 */
export function signatureGuard(opts: { signingSecret: string; now: () => Date; log: Logger; maxSkewSeconds?: number }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      verifySlackSignature(raw, req.headers, { signingSecret: opts.signingSecret, now: opts.now(), maxSkewSeconds: opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS });
    } catch (e) {
      if (!(e instanceof SlackSignatureError)) throw e;
      opts.log.warn({ problem: e.problem }, 'slack: request refused');
      res.status(e.status).type('text/plain; charset=utf-8').send(e.status === 400 ? 'Bad request' : 'Unauthorized');
      return;
    }
    // Bolt reads `rawBody` when a body was already consumed (as on Google Cloud).
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    req.body = undefined;
    next();
  };
}

/**
 * Error middleware right after `express.raw()`: a body over the limit is refused with 413
 * and a short text, before any signature check or parsing. (express.raw refuses it from
 * Content-Length without reading it, or stops reading a chunked body at the limit; without
 * this the app's last-resort handler would answer 500.) Other errors go on.
 */
export function bodyTooLarge(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const e = err as { status?: unknown; type?: unknown; limit?: unknown };
    if (e.status !== 413 && e.type !== 'entity.too.large') {
      next(err);
      return;
    }
    log.warn({ problem: 'body_too_large', limit: e.limit }, 'slack: request refused');
    res.status(413).set('connection', 'close').type('text/plain; charset=utf-8').send('Payload too large');
  };
}

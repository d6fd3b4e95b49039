import type { NextFunction, Request, Response } from 'express';
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

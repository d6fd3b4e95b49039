import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { knelpuntenCsv, knelpuntenJson, parseSince } from '../core/knelpunt/export.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

export function sameToken(given: string, expected: string): boolean {
  // Compare digests so the comparison takes the same time whatever the length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The export API for scripts: `GET /admin/knelpunten.csv` and `.json`, with
 * `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN it is not mounted.
 * (The dashboard's web pages use single sign-on, not this token: a correct token on
 * any other /admin path gets 404, a wrong one 401.)
 */
export function adminApiRouter(store: Store, adminToken: string, log: Logger): Router {
  const router = express.Router();
  // The export paths always need the token; any other /admin request that carries a bearer
  // token is checked too (the dashboard hands those over), so a wrong token is a 401 everywhere.
  router.use('/admin', (req: Request, res: Response, next) => {
    const header = req.get('authorization') ?? '';
    if (!/^\/knelpunten\.[^/]+$/.test(req.path) && !/^bearer\s/i.test(header)) {
      next();
      return;
    }
    const m = /^Bearer (.+)$/i.exec(header);
    if (!m || !sameToken(m[1] ?? '', adminToken)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'Een geldig token is nodig (Authorization: Bearer …).' });
      return;
    }
    next();
  });
  router.get('/admin/knelpunten.:format', async (req: Request, res: Response) => {
    const format = req.params.format;
    const since = parseSince(typeof req.query.since === 'string' ? req.query.since : undefined);
    const sep = req.query.separator === ',' ? ',' : ';';
    if ((format !== 'csv' && format !== 'json') || !since.ok) {
      res.status(400).json({ error: 'Gebruik knelpunten.csv of knelpunten.json, en since=JJJJ-MM-DD.' });
      return;
    }
    try {
      const list = await store.knelpunten.list(since.since ? { since: since.since } : {});
      res.set('Cache-Control', 'no-store');
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment('knelpunten.csv').send(knelpuntenCsv(list, sep));
      } else {
        res.type('application/json; charset=utf-8').attachment('knelpunten.json').send(knelpuntenJson(list));
      }
    } catch (err) {
      log.error({ err }, 'knelpunten export failed');
      res.status(503).json({ error: 'De export lukt nu niet. Probeer het zo nog eens.' });
    }
  });
  return router;
}

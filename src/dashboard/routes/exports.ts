import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { userHash } from '../../log.js';
import { coordinatorOf, type DashboardContext } from '../context.js';
import { knelpuntenExport } from '../pages/knelpunten.js';

/**
 * GET /admin/knelpunten/export.csv and .json: the knelpunten with the list's current
 * filter, as the same files as `ibp-bot knelpunten export` and the bearer-token API
 * (coordinator ids included: an export is for the IBP team's own records).
 */
export function exportRoutes({ deps, pages }: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/knelpunten/export.:format', async (req: Request, res: Response, next: NextFunction) => {
    const format = req.params.format;
    if (format !== 'csv' && format !== 'json') {
      next();
      return;
    }
    const file = await knelpuntenExport(pages, req.query, format);
    deps.log.info({ format, by: userHash(coordinatorOf(res).id) }, 'dashboard: knelpunten exported');
    if (format === 'csv') res.type('text/csv; charset=utf-8').attachment('knelpunten.csv').send(file);
    else res.type('application/json; charset=utf-8').attachment('knelpunten.json').send(file);
  });
  return router;
}

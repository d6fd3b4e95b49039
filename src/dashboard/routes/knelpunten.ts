import express, { type Request, type Response, type Router } from 'express';
import { renderPage, type DashboardContext } from '../context.js';
import { knelpuntenListPage } from '../pages/knelpunten.js';

/** GET /admin/knelpunten: the list, filtered, sorted and paged by the query string (a GET form, no script). */
export function knelpuntenRoutes({ pages }: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/knelpunten', async (req: Request, res: Response) => {
    const p = await knelpuntenListPage(pages, req.query);
    renderPage(res, 200, { ...p, section: 'knelpunten' });
  });
  return router;
}

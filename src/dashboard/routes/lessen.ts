import express, { type Request, type Response, type Router } from 'express';
import { renderPage, type DashboardContext } from '../context.js';
import { lessenPage } from '../pages/lessen.js';

/** GET /admin/lessen: shared reflections in a period, and the next monthly digest as it will be sent. */
export function lessenRoutes({ pages }: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/lessen', async (req: Request, res: Response) => {
    const p = await lessenPage(pages, req.query);
    renderPage(res, 200, { ...p, section: 'lessen' });
  });
  return router;
}

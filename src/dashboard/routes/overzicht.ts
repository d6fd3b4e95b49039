import express, { type Request, type Response, type Router } from 'express';
import { renderPage, type DashboardContext } from '../context.js';
import { overviewPage } from '../pages/overview.js';

/** GET /admin/overzicht: the key figures (computed by the store), and /admin itself. */
export function overzichtRoutes({ pages }: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin', (_req: Request, res: Response) => res.redirect(303, '/admin/overzicht'));
  router.get('/admin/overzicht', async (_req: Request, res: Response) => {
    const { title, body } = await overviewPage(pages);
    renderPage(res, 200, { title, section: 'overzicht', body });
  });
  return router;
}

import express, { type Request, type Response, type Router } from 'express';
import { renderPage, type DashboardContext } from '../context.js';
import { planningPage } from '../pages/planning.js';

/** GET /admin/planning: every reflection nudge and monthly digest, per channel. */
export function planningRoutes({ pages }: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/planning', async (req: Request, res: Response) => {
    const p = await planningPage(pages, req.query);
    renderPage(res, 200, { ...p, section: 'planning' });
  });
  return router;
}

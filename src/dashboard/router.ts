import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { dashboardContext, type DashboardDeps } from './context.js';
import { ASSETS } from './layout.js';
import { sameOriginWithCsrf } from './middleware/csrf.js';
import { errorPage, notFound } from './middleware/errors.js';
import { bearerToExportApi, privatePageHeaders } from './middleware/headers.js';
import { loadSession } from './middleware/load-session.js';
import { coordinatorsOnly } from './middleware/role.js';
import { signInRoutes, signOut } from './middleware/sign-in.js';
import { exportRoutes } from './routes/exports.js';
import { kennisvragenRoutes } from './routes/kennisvragen.js';
import { knelpuntRoutes } from './routes/knelpunt.js';
import { knelpuntenRoutes } from './routes/knelpunten.js';
import { lessenRoutes } from './routes/lessen.js';
import { overzichtRoutes } from './routes/overzicht.js';
import { planningRoutes } from './routes/planning.js';

export type { DashboardDeps } from './context.js';
export { safeReturnTo, WEB_CHAT_PAGE } from './middleware/sign-in.js';

/** The stylesheet, next to this file (`npm run build` copies it into `dist/`). */
const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/**
 * The IBP team dashboard under /admin: OpenID Connect sign-in, then server-rendered
 * pages for coordinators. The router only puts the steps in order; each step is a small
 * named middleware (middleware/) and each page one route module (routes/):
 *
 *   bearer token → export API | private headers → sign-in, callback → session → same
 *   origin + CSRF (forms) → sign-out → coordinators only → pages → 404 → error page
 *
 * How it shares /admin with the bearer-token export API: a request with
 * `Authorization: Bearer` leaves this router at once (401 there for a wrong token);
 * every other request under /admin without a session is redirected to the sign-in page.
 */
export function dashboardRouter(deps: DashboardDeps): Router {
  const ctx = dashboardContext(deps);
  const router = express.Router();
  router.use(ASSETS, express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  router.use('/admin', bearerToExportApi, privatePageHeaders);
  router.use(signInRoutes(ctx));
  router.use('/admin', loadSession(ctx));
  router.use('/admin', sameOriginWithCsrf(ctx));
  router.post('/admin/logout', signOut(ctx));
  router.use('/admin', coordinatorsOnly);
  router.use(
    overzichtRoutes(ctx),
    knelpuntenRoutes(ctx),
    exportRoutes(ctx), // before the detail page: `export.csv` is not a reference
    knelpuntRoutes(ctx),
    kennisvragenRoutes(ctx),
    lessenRoutes(ctx),
    planningRoutes(ctx),
  );
  router.use('/admin', notFound);
  router.use('/admin', errorPage(ctx));
  return router;
}

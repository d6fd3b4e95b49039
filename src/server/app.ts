import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from 'helmet';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { LocalAdapter } from '../../adapters/local/index.js';
import type { Bot } from '../core/bot.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import { requestIdFrom, withRequestId, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Store, StoreHealth } from '../store/types.js';
import { adminApiRouter } from './admin.js';
import { metricsRouter } from './metrics.js';
import type { PlatformAdapter } from '../platform/contract.js';

/** Static files every web page shares (base.css): served at /assets. */
const SHARED_ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

export interface AppDeps {
  bot: Bot;
  store: Store;
  knowledge: KnowledgeBase;
  log: Logger;
  adapters: PlatformAdapter[];
  adminToken?: string;
  /** Served at /metrics behind METRICS_TOKEN (with METRICS_PORT they are served elsewhere). */
  metrics?: { metrics: Metrics; token: string };
  /** The IBP team dashboard (/admin, single sign-on); absent when OIDC_ISSUER is not set. */
  dashboard?: RequestHandler;
  /** The web chat adapter (open, behind the dashboard's sign-in, or off: WEB_CHAT), mounted last. */
  webChat: LocalAdapter;
  /** Readiness beyond store and knowledge: starting, or shutting down. */
  lifecycle: () => 'starting' | 'ready' | 'stopping';
}

/**
 * One express app for everything: web chat, health, and (in later issues) the Slack
 * and Teams endpoints. No global body parser: Bolt needs the raw body to check
 * signatures, so each route parses its own body.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // One request id per request, on every log line it causes (and back in the response).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const reqId = requestIdFrom(req.get('x-request-id'));
    res.set('X-Request-Id', reqId);
    withRequestId(reqId, next);
  });
  // Security headers on every response; the web chat runs under a CSP without inline script or style.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
        },
      },
    }),
  );

  const storeHealth = (): Promise<StoreHealth> =>
    deps.store.health().catch((e: unknown) => ({ ok: false, backend: '?', detail: String(e), writable: false }));

  // Liveness: 200 while the process runs and can read its store and knowledge. A store that
  // cannot write shows here (`writable: false`) but is /readyz's business: restarting the
  // process does not make a read-only disk or a revoked privilege writable.
  app.get('/healthz', async (_req: Request, res: Response) => {
    const store = await storeHealth();
    const ok = store.ok && deps.knowledge.size > 0;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      store: { ok: store.ok, backend: store.backend, writable: store.writable },
      knowledge: { entries: deps.knowledge.size },
    });
  });

  // Readiness, for load balancers: ready only when the store answers and can write (the last
  // write or probe went through), the knowledge base is loaded, every adapter started (they
  // start before the port opens) and no shutdown began.
  app.get('/readyz', async (_req: Request, res: Response) => {
    const reasons: string[] = [];
    const state = deps.lifecycle();
    if (state !== 'ready') reasons.push(state === 'stopping' ? 'shutting down' : 'starting');
    const store = await storeHealth();
    if (!store.ok) reasons.push(`store: ${store.detail ?? 'unavailable'}`);
    else if (!store.writable) reasons.push(`store cannot write: ${store.writeProblem ?? 'the last write failed'}`);
    if (deps.knowledge.size === 0) reasons.push('knowledge base not loaded');
    res.status(reasons.length === 0 ? 200 : 503).json(reasons.length === 0 ? { status: 'ready' } : { status: 'not ready', reasons });
  });

  app.use('/assets', express.static(SHARED_ASSETS, { index: false, maxAge: '1h' }));
  // Platform adapters first: their routes read raw bodies (signature checks).
  for (const adapter of deps.adapters) if (adapter !== deps.webChat) adapter.mount(app);
  if (deps.metrics) app.use(metricsRouter(deps.metrics.metrics, deps.metrics.token));
  // The dashboard first: it hands requests with a bearer token on to the export API.
  if (deps.dashboard) app.use(deps.dashboard);
  if (deps.adminToken) app.use(adminApiRouter(deps.store, deps.adminToken, deps.log));
  // The web chat last: its page and static files answer whatever no one else did.
  deps.webChat.mount(app);

  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain; charset=utf-8').send('Niet gevonden.');
  });
  // Last resort: log once, answer without details.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.log.error({ err }, 'unhandled request error');
    if (!res.headersSent) res.status(500).type('text/plain; charset=utf-8').send('Er ging iets mis. Probeer het zo nog eens.');
  });
  return app;
}

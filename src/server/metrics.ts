import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { sameToken } from './admin.js';

async function serve(metrics: Metrics, res: Response): Promise<void> {
  res.set('Cache-Control', 'no-store').type(metrics.contentType).send(await metrics.text());
}

/** `GET /metrics` on the main port, only with `Authorization: Bearer <METRICS_TOKEN>`. */
export function metricsRouter(metrics: Metrics, token: string): Router {
  const router = express.Router();
  router.get('/metrics', async (req: Request, res: Response) => {
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!m || !sameToken(m[1] ?? '', token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain; charset=utf-8').send('Een geldig token is nodig (Authorization: Bearer …).\n');
      return;
    }
    await serve(metrics, res);
  });
  return router;
}

/**
 * `GET /metrics` on its own port (METRICS_PORT), without a token: for a port that only
 * the monitoring network can reach. Nothing else is served there.
 */
export async function startMetricsServer(metrics: Metrics, host: string, port: number, log: Logger): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', (_req, res) => serve(metrics, res));
  app.use((_req, res) => {
    res.status(404).type('text/plain; charset=utf-8').send('Alleen /metrics.\n');
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.info({ port: (server.address() as AddressInfo).port }, 'metrics served on their own port');
  return server;
}

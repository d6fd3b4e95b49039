import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AdapterDeps } from '../../src/server/adapters.js';
import type { AdapterSetup, PlatformAdapter } from '../../src/server/platform.js';
import { teamsAuthMode } from './auth.js';
import { createTurnHandler } from './handler.js';
import { TeamsCloudAdapter } from './http.js';
import { sendProactive, sendToUser, sendToUserVia, type SendDeps } from './send.js';

/**
 * Microsoft Teams adapter: botbuilder's CloudAdapter on POST /api/messages.
 * Every botbuilder import stays inside adapters/teams, so moving to the Teams SDK
 * (`@microsoft/teams.apps`, botbuilder's successor) is this one folder's work.
 */
export const TEAMS_ROUTE = '/api/messages';
/** Teams activities are small; a card submit with long texts stays well below this. */
const BODY_LIMIT = '512kb';

export async function setupTeams(deps: AdapterDeps): Promise<AdapterSetup> {
  const auth = teamsAuthMode(deps.config);
  if (auth.mode === 'off') return { adapter: null, note: `Teams: not mounted: ${auth.why}.` };

  const cloud = new TeamsCloudAdapter(new ConfigurationBotFrameworkAuthentication(auth.mode === 'authenticated' ? auth.settings : {}));
  cloud.onTurnError = async (_ctx, err) => {
    deps.log.error({ err, platform: 'teams' }, 'teams: turn failed');
  };
  const render = deps.config.publicUrl ? { publicUrl: deps.config.publicUrl } : {};
  const sendDeps: SendDeps = {
    adapter: cloud,
    appId: auth.mode === 'authenticated' ? auth.appId : '',
    store: deps.store,
    log: deps.log,
    now: deps.now,
    render,
  };
  const handle = createTurnHandler({
    bot: deps.bot,
    store: deps.store,
    log: deps.log,
    now: deps.now,
    render,
    sendPrivate: (userId, reference, reply) => sendToUserVia(sendDeps, userId, reference, reply),
  });

  const adapter: PlatformAdapter = {
    platform: 'teams',
    mount(app: Express) {
      app.post(TEAMS_ROUTE, express.json({ limit: BODY_LIMIT }), async (req: Request, res: Response) => {
        // CloudAdapter checks the Bearer token (401 without a valid one) before any of our code runs.
        const result = await cloud.handleRequest({ body: req.body, headers: req.headers }, handle, deps.log);
        if (result.body === undefined) res.status(result.status).end();
        else res.status(result.status).json(result.body);
      });
      app.use(TEAMS_ROUTE, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
        const status = (err as { status?: number }).status;
        if (status === 400 || status === 413) {
          res.status(status).json({ error: status === 413 ? 'activity too large' : 'malformed activity' });
          return;
        }
        next(err);
      });
    },
    start: async () => {},
    stop: async () => {},
    sendProactive: (ref, reply) => sendProactive(sendDeps, ref, reply),
    sendToUser: (userId, via, reply) => sendToUser(sendDeps, userId, via, reply),
  };
  const note =
    auth.mode === 'authenticated'
      ? `Teams: listening on POST ${TEAMS_ROUTE} (${auth.appType}, app id ${auth.appId}).`
      : `Teams: anonymous mode on POST ${TEAMS_ROUTE} (no MICROSOFT_APP_ID): for local testing only, e.g. with the Microsoft 365 Agents Playground.`;
  return { adapter, note };
}

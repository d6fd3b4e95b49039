import { CallerIdConstants, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { isLoopbackUrl, whyNotLocal } from '../../src/platform/network.js';
import type { AdapterDeps, AdapterSetup, PlatformAdapter } from '../../src/platform/contract.js';
import { screenBearer, teamsAuthMode, type TeamsAuthMode } from './auth.js';
import { createTurnHandler } from './handler.js';
import { refuse, TeamsCloudAdapter, type RequestScreen } from './http.js';
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
  if (auth.mode === 'closed') return { adapter: closedAdapter(deps), note: `Teams: every request to POST ${TEAMS_ROUTE} gets 401: ${auth.why}.` };

  const settings = auth.mode === 'authenticated' ? { ...auth.settings, ...openIdSettings(deps.teamsOpenIdMetadataUrl) } : {};
  const cloud = new TeamsCloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
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
    defaultLocale: deps.config.defaultLocale,
    sendPrivate: (userId, reference, reply) => sendToUserVia(sendDeps, userId, reference, reply),
  });

  const adapter: PlatformAdapter = {
    platform: 'teams',
    mount(app: Express) {
      app.post(TEAMS_ROUTE, express.json({ limit: BODY_LIMIT }), async (req: Request, res: Response) => {
        // The Bearer token (or, anonymously, where the request comes from) is checked before any of our code runs.
        const result = await cloud.handleRequest({ body: req.body, headers: req.headers }, handle, deps.log, screenFor(auth, req, deps.now));
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
      : auth.scope === 'loopback'
        ? `Teams: anonymous mode on POST ${TEAMS_ROUTE} (no MICROSOFT_APP_ID), for programs on this machine only (HOST is loopback): local testing, e.g. with the Microsoft 365 Agents Playground.`
        : `Teams: anonymous mode on POST ${TEAMS_ROUTE} from anywhere (TEAMS_ANONYMOUS=true): anyone who reaches this port can act as any Teams user.`;
  return { adapter, note };
}

/** What is checked before botbuilder authenticates a request, per mode. */
function screenFor(auth: Exclude<TeamsAuthMode, { mode: 'off' | 'closed' }>, req: Request, now: () => Date): RequestScreen | undefined {
  if (auth.mode === 'authenticated') return (_activity, header) => screenBearer(header, { appId: auth.appId, now: now() });
  if (auth.scope === 'everywhere') return undefined;
  // Anonymous by the loopback rule: only a program on this machine, talking to a connector on this machine.
  return (activity) => whyNotLocal(req) ?? (isLoopbackUrl(activity.serviceUrl) ? undefined : 'the serviceUrl is not on this machine');
}

/**
 * botbuilder's OpenID metadata for incoming tokens; only tests point it elsewhere (a
 * local key set). Setting one of these makes botbuilder expect all of them, so the
 * others are the public cloud's own values (AuthenticationConstants), unchanged.
 */
function openIdSettings(url: string | undefined): Record<string, string> {
  if (!url) return {};
  return {
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    CallerId: CallerIdConstants.PublicAzureChannel,
    ToBotFromChannelOpenIdMetadataUrl: url,
    ToBotFromEmulatorOpenIdMetadataUrl: url,
  };
}

/** No credentials and reachable from other machines: the route answers 401 and nothing is ever sent. */
function closedAdapter(deps: AdapterDeps): PlatformAdapter {
  const notSent = { ok: false as const, gone: false as const, reason: 'Teams has no credentials (MICROSOFT_APP_ID)' };
  return {
    platform: 'teams',
    mount(app: Express) {
      app.post(TEAMS_ROUTE, (_req: Request, res: Response) => {
        const result = refuse(deps.log, 'no MICROSOFT_APP_ID, and HOST is not a loopback address');
        res.status(result.status).json(result.body);
      });
    },
    start: async () => {},
    stop: async () => {},
    sendProactive: async () => notSent,
    sendToUser: async () => notSent,
  };
}

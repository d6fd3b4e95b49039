import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { isLoopbackUrl, whyNotLocal } from '../../src/platform/network.js';
import type { AdapterDeps, AdapterSetup, PlatformAdapter } from '../../src/platform/contract.js';
import { screenBearer, teamsAuthMode, trustedIssuers, type TeamsAuthMode } from './auth.js';
import { createTurnHandler } from './handler.js';
import { handleRequest, refuse, type RequestScreen } from './http.js';
import { sendProactive, sendToUser, sendToUserVia, type SendDeps } from './send.js';
import { createTransport } from './transport/index.js';

/**
 * Microsoft Teams adapter on POST /api/messages. The SDK that carries the traffic
 * (botbuilder, or the Microsoft 365 Agents SDK) is chosen by TEAMS_SDK and sits behind
 * one small interface (transport/); everything here is shared and imports neither.
 */
export const TEAMS_ROUTE = '/api/messages';
/** Teams activities are small; a card submit with long texts stays well below this. */
const BODY_LIMIT = '512kb';

export async function setupTeams(deps: AdapterDeps): Promise<AdapterSetup> {
  const auth = teamsAuthMode(deps.config);
  if (auth.mode === 'off') return { adapter: null, note: `Teams: not mounted: ${auth.why}.` };
  if (auth.mode === 'closed') return { adapter: closedAdapter(deps), note: `Teams: every request to POST ${TEAMS_ROUTE} gets 401: ${auth.why}.` };

  const sdk = deps.config.teams.sdk;
  const transport = await createTransport(sdk, {
    auth: auth.mode === 'authenticated' ? auth : { mode: 'anonymous' },
    log: deps.log,
    ...(deps.teamsOpenIdMetadataUrl ? { openIdMetadataUrl: deps.teamsOpenIdMetadataUrl } : {}),
  });
  const render = deps.config.publicUrl ? { publicUrl: deps.config.publicUrl } : {};
  const sendDeps: SendDeps = {
    transport,
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
        const result = await handleRequest(transport, { body: req.body, headers: req.headers }, handle, deps.log, screenFor(auth, req, deps.now));
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
  return { adapter, note: `${note} ${SDK_NOTE[sdk]}` };
}

/** What is checked before botbuilder authenticates a request, per mode. */
function screenFor(auth: Exclude<TeamsAuthMode, { mode: 'off' | 'closed' }>, req: Request, now: () => Date): RequestScreen | undefined {
  if (auth.mode === 'authenticated') {
    const issuers = trustedIssuers(auth.appType === 'MultiTenant' ? undefined : auth.tenantId);
    return (activity, header) => screenBearer(header, { appId: auth.appId, now: now(), issuers, serviceUrl: activity.serviceUrl });
  }
  if (auth.scope === 'everywhere') return undefined;
  // Anonymous by the loopback rule: only a program on this machine, talking to a connector on this machine.
  return (activity) => whyNotLocal(req) ?? (isLoopbackUrl(activity.serviceUrl) ? undefined : 'the serviceUrl is not on this machine');
}

const SDK_NOTE = {
  botbuilder: 'SDK: botbuilder (TEAMS_SDK=botbuilder; archived by Microsoft, TEAMS_SDK=agents is the supported Microsoft 365 Agents SDK).',
  agents: 'SDK: Microsoft 365 Agents SDK (TEAMS_SDK=agents).',
} as const;

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

import { createRequire } from 'node:module';
import path from 'node:path';
import type { Activity as AgActivity, ConversationParameters, ConversationReference as AgReference } from '@microsoft/agents-activity';
import {
  AuthType,
  buildJwksUri,
  clearJwksClients,
  CloudAdapter,
  type AuthConfiguration,
  type ConnectorClient,
  type HeaderPropagationCollection,
  type TurnContext,
  type WebResponse,
} from '@microsoft/agents-hosting';
import type { Logger } from '../../../src/log.js';
import type { Activity, ConversationReference } from '../activity.js';
import { inTurn, newMessages, reasonOf, type HttpRequestLike, type ProcessOutcome, type TeamsTransport, type TransportAuth, type TransportOptions, type TurnIO } from './index.js';

/**
 * Teams over the Microsoft 365 Agents SDK (`@microsoft/agents-hosting`), botbuilder's
 * supported successor: the same Activity protocol, CloudAdapter and TurnContext.
 */
export async function createAgentsTransport(opts: TransportOptions): Promise<TeamsTransport> {
  const authenticated = opts.auth.mode === 'authenticated';
  if (opts.openIdMetadataUrl) await useKeysFrom(opts.openIdMetadataUrl);
  // With credentials, an activity whose serviceUrl is not the one in its token is refused (the SDK only warns by default).
  const adapter = new LazyTokenAdapter(authConfig(opts.auth), undefined, undefined, { validateServiceUrl: authenticated, emitStackTrace: false });
  adapter.onTurnError = async (_ctx, err) => {
    opts.log.error({ err, platform: 'teams' }, 'teams: turn failed');
  };
  const appId = opts.auth.mode === 'authenticated' ? opts.auth.appId : '';
  const identity = CloudAdapter.createIdentity(appId);
  const inConversation = <T>(reference: ConversationReference, work: (ctx: TurnContext) => Promise<T>): Promise<T> =>
    inTurn<TurnContext, T>((logic) => adapter.continueConversation(identity, toAgents(reference), logic), work);

  return {
    sdk: 'agents',
    process: (req, logic) => processRequest(adapter, authenticated, req, logic, opts.log),
    sendNew: (reference, activity) =>
      inConversation(reference, async (ctx) => {
        newMessages(ctx);
        const sent = await ctx.sendActivity(activity as unknown as AgActivity);
        return sent?.id || undefined;
      }),
    update: (reference, activityId, activity) =>
      inConversation(reference, async (ctx) => {
        await ctx.updateActivity({ ...activity, id: activityId } as unknown as AgActivity);
      }),
    delete: (reference, activityId) => inConversation(reference, (ctx) => ctx.deleteActivity(activityId)),
    createConversation: (reference, userId, activity) => {
      const tenantId = reference.conversation.tenantId;
      const parameters = {
        isGroup: false,
        agent: reference.bot,
        // The Bot Connector's own name for the bot; the SDK sends the parameters as they are.
        bot: reference.bot,
        members: [{ id: userId, name: '' }],
        ...(tenantId ? { tenantId } : {}),
        channelData: tenantId ? { tenant: { id: tenantId } } : {},
      } as unknown as ConversationParameters;
      return inTurn<TurnContext, { conversationId?: string; messageId?: string }>(
        (logic) => adapter.createConversationAsync(appId, 'msteams', reference.serviceUrl, BOT_FRAMEWORK_SCOPE, parameters, logic),
        async (ctx) => {
          const conversationId = ctx.activity.conversation?.id;
          newMessages(ctx);
          const messageId = (await ctx.sendActivity(activity as unknown as AgActivity))?.id;
          return { ...(conversationId ? { conversationId } : {}), ...(messageId ? { messageId } : {}) };
        },
      );
    },
  };
}


/** The token audience of the Bot Connector (Teams). */
const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com';
const CONNECTION = 'serviceConnection';

/**
 * Our MICROSOFT_APP_* mapped onto the Agents SDK's connection settings, explicitly and
 * as the one connection for every service URL, so its own environment variables
 * (`clientId`, `connections__…`) cannot change them:
 * - MultiTenant: `clientId` + `clientSecret`, tokens from the `botframework.com` tenant;
 * - SingleTenant: the same, plus `tenantId`;
 * - UserAssignedMSI: `authType: UserManagedIdentity`, `clientId` is the managed identity's client id, plus `tenantId`.
 * Incoming tokens must come from an issuer of that tenant or the Bot Framework
 * (`validateIssuer`, off in the SDK by default).
 */
export function authConfig(auth: TransportAuth): AuthConfiguration {
  if (auth.mode === 'anonymous') return { clientId: '', connections: new Map([[CONNECTION, { clientId: '' }]]), connectionsMap: [{ serviceUrl: '*', connection: CONNECTION }] };
  const connection: AuthConfiguration = {
    clientId: auth.appId,
    ...(auth.appType === 'UserAssignedMSI'
      ? { authType: AuthType.UserManagedIdentity }
      : { authType: AuthType.ClientSecret, ...(auth.appPassword ? { clientSecret: auth.appPassword } : {}) }),
    ...(auth.appType !== 'MultiTenant' && auth.tenantId ? { tenantId: auth.tenantId } : {}),
    validateIssuer: true,
  };
  return { ...connection, connections: new Map([[CONNECTION, connection]]), connectionsMap: [{ serviceUrl: '*', connection: CONNECTION }] };
}

/**
 * CloudAdapter that asks for the outgoing token when the first call to Teams is made,
 * not when an activity arrives (the SDK does the latter): an activity that needs no
 * message (typing, a redelivery, an invoke answered in the HTTP response) costs no token
 * and does not fail when Entra ID cannot be reached. botbuilder behaves the same way.
 */
class LazyTokenAdapter extends CloudAdapter {
  protected override async createConnectorClientWithIdentity(
    identity: Parameters<CloudAdapter['createConnectorClientWithIdentity']>[0],
    activity: AgActivity,
    headers?: HeaderPropagationCollection,
  ): Promise<ConnectorClient> {
    if (!identity?.aud) return super.createConnectorClientWithIdentity(identity, activity, headers);
    let client: Promise<ConnectorClient> | undefined;
    const real = (): Promise<ConnectorClient> => (client ??= super.createConnectorClientWithIdentity(identity, activity, headers));
    return new Proxy({} as ConnectorClient, {
      // `then` stays undefined: the proxy is returned from an async function and must not look like a promise.
      get: (_target, prop) =>
        prop === 'then'
          ? undefined
          : (...args: unknown[]) => real().then((c) => (c as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[prop]!(...args)),
    });
  }
}

/** The response `CloudAdapter.process` writes, kept for our HTTP boundary. */
class CapturedResponse implements WebResponse {
  statusCode = 200;
  body: unknown;
  headersSent = false;
  writableEnded = false;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(): this {
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
}

async function processRequest(adapter: CloudAdapter, authenticated: boolean, req: HttpRequestLike, logic: (turn: TurnIO) => Promise<void>, log: Logger): Promise<ProcessOutcome> {
  const raw = req.body as Activity;
  // The SDK rewrites parts of the body it is given; the handler reads the activity as it came.
  const request: Parameters<CloudAdapter['process']>[0] = { method: 'POST', headers: req.headers, body: structuredClone(req.body) as Record<string, unknown> };
  if (authenticated) {
    const res = new CapturedResponse();
    let passed = false;
    await adapter.authorizeRequest(request, res, () => void (passed = true)).catch((err: unknown) => void (res.body = { 'jwt-auth-error': reasonOf(err) }));
    if (!passed) return { refused: String((res.body as Record<string, unknown> | undefined)?.['jwt-auth-error'] ?? 'unauthorized').slice(0, 200) };
  }
  const res = new CapturedResponse();
  try {
    await adapter.process(request, res, (ctx) => logic(turnIO(ctx, raw)));
  } catch (err) {
    // Activity.fromObject checks the activity's shape (zod): a body it refuses is the sender's mistake.
    if ((err as Error).name === 'ZodError') {
      log.warn({ platform: 'teams', status: 400, reason: 'activity does not match the Activity schema' }, 'teams: request refused');
      return { status: 400, body: { error: 'malformed activity' } };
    }
    log.error({ err, platform: 'teams' }, 'teams: request failed');
    return { status: 500, body: { error: 'internal error' } };
  }
  if (res.statusCode === 400) {
    log.warn({ platform: 'teams', status: 400, reason: 'refused by the Agents SDK (no conversation id, or a serviceUrl other than the token’s)' }, 'teams: request refused');
    return { status: 400, body: { error: 'bad request' } };
  }
  return { status: res.statusCode, ...(res.body !== undefined ? { body: res.body } : {}) };
}

function turnIO(ctx: TurnContext, activity: Activity): TurnIO {
  return {
    activity,
    send: async (activities) => (await ctx.sendActivities(activities as unknown as AgActivity[])).map((r) => r?.id || undefined),
    update: async (activityId, a) => {
      await ctx.updateActivity({ ...a, id: activityId } as unknown as AgActivity);
    },
    invokeResponse: async (status, body) => {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status, ...(body !== undefined ? { body } : {}) } } as unknown as AgActivity);
    },
  };
}

/** Our reference (the protocol's `bot`) in the SDK's words (`agent`). */
function toAgents(reference: ConversationReference): AgReference {
  const { bot, ...rest } = reference;
  return { ...rest, ...(bot ? { agent: bot } : {}) } as unknown as AgReference;
}

/**
 * Tests only: the Agents SDK fetches the Bot Framework's token keys from a fixed address
 * (`https://login.botframework.com/v1/.well-known/keys`, see its `buildJwksUri`) and has
 * no setting to change it. The key set named by a local OpenID metadata document is put
 * in its place, in the SDK's own (process-wide) key client for that address, so the
 * SDK's own token checks run against local keys.
 */
async function useKeysFrom(metadataUrl: string): Promise<void> {
  const metadata = (await (await fetch(metadataUrl)).json()) as { jwks_uri?: unknown };
  if (typeof metadata.jwks_uri !== 'string') throw new Error(`no jwks_uri in ${metadataUrl}`);
  const require = createRequire(import.meta.url);
  const jwtModule = path.join(path.dirname(require.resolve('@microsoft/agents-hosting')), 'auth', 'jwt-middleware.js');
  const { getJwksClient } = require(jwtModule) as { getJwksClient(uri: string): { options: { jwksUri: string } } };
  clearJwksClients();
  getJwksClient(buildJwksUri('https://api.botframework.com', {})).options.jwksUri = metadata.jwks_uri;
}

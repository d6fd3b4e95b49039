import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity as BbActivity,
  type ConversationReference as BbReference,
} from 'botbuilder';
import type { Logger } from '../../../src/log.js';
import type { Activity, ConversationReference, OutgoingActivity } from '../activity.js';
import { inTurn, newMessages, reasonOf, type HttpRequestLike, type ProcessOutcome, type TeamsTransport, type TransportAuth, type TransportOptions, type TurnIO } from './index.js';

/**
 * Teams over botbuilder 4 (the Bot Framework SDK; archived by Microsoft, no updates since
 * 2025). Kept as the default so existing deployments change nothing; see agents.ts for the
 * supported SDK.
 */
export function createBotbuilderTransport(opts: TransportOptions): TeamsTransport {
  const settings = opts.auth.mode === 'authenticated' ? { ...credentialSettings(opts.auth), ...openIdSettings(opts.openIdMetadataUrl) } : {};
  const authentication = new ConfigurationBotFrameworkAuthentication(settings);
  const adapter = new TransportCloudAdapter(authentication);
  adapter.onTurnError = async (_ctx, err) => {
    opts.log.error({ err, platform: 'teams' }, 'teams: turn failed');
  };
  const appId = opts.auth.mode === 'authenticated' ? opts.auth.appId : '';

  return {
    sdk: 'botbuilder',
    process: (req, logic) => processRequest(adapter, authentication, req, logic, opts.log),
    sendNew: (reference, activity) =>
      inTurn<TurnContext, string | undefined>(
        (logic) => adapter.continueConversationAsync(appId, toBb(reference), logic),
        async (ctx) => {
          useOwnRetries(ctx, adapter, opts.log);
          newMessages(ctx);
          return (await ctx.sendActivity(toBbActivity(activity)))?.id;
        },
      ),
    update: (reference, activityId, activity) =>
      inTurn<TurnContext, void>(
        (logic) => adapter.continueConversationAsync(appId, toBb(reference), logic),
        async (ctx) => {
          useOwnRetries(ctx, adapter, opts.log);
          await ctx.updateActivity({ ...toBbActivity(activity), id: activityId });
        },
      ),
    delete: (reference, activityId) =>
      inTurn<TurnContext, void>(
        (logic) => adapter.continueConversationAsync(appId, toBb(reference), logic),
        async (ctx) => {
          useOwnRetries(ctx, adapter, opts.log);
          await ctx.deleteActivity(activityId);
        },
      ),
    createConversation: (reference, userId, activity) => {
      const tenantId = reference.conversation.tenantId;
      return inTurn<TurnContext, { conversationId?: string; messageId?: string }>(
        (logic) =>
          adapter.createConversationAsync(
            appId,
            'msteams',
            reference.serviceUrl,
            CHANNEL_AUDIENCE,
            {
              isGroup: false,
              bot: { name: '', ...reference.bot! },
              members: [{ id: userId, name: '' }],
              ...(tenantId ? { tenantId } : {}),
              channelData: tenantId ? { tenant: { id: tenantId } } : {},
            },
            logic,
          ),
        async (ctx) => {
          const conversationId = ctx.activity.conversation?.id;
          useOwnRetries(ctx, adapter, opts.log);
          newMessages(ctx);
          const messageId = (await ctx.sendActivity(toBbActivity(activity)))?.id;
          return { ...(conversationId ? { conversationId } : {}), ...(messageId ? { messageId } : {}) };
        },
      );
    },
  };
}

/** Our MICROSOFT_APP_* mapped explicitly onto botbuilder's names; botbuilder would otherwise read process.env and run anonymously without them. */
function credentialSettings(auth: Extract<TransportAuth, { mode: 'authenticated' }>): Record<string, string> {
  return {
    MicrosoftAppId: auth.appId,
    MicrosoftAppType: auth.appType,
    ...(auth.appPassword ? { MicrosoftAppPassword: auth.appPassword } : {}),
    ...(auth.tenantId ? { MicrosoftAppTenantId: auth.tenantId } : {}),
  };
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

/** botbuilder uses the channel's default OAuth scope when no audience is given (an empty string would be used as is). */
const CHANNEL_AUDIENCE = undefined as unknown as string;

/** Unlike `CloudAdapter.process`, authentication is a step of its own, so whatever goes wrong there is a 401, never a 500. */
async function processRequest(
  adapter: TransportCloudAdapter,
  authentication: ConfigurationBotFrameworkAuthentication,
  req: HttpRequestLike, logic: (turn: TurnIO) => Promise<void>, log: Logger): Promise<ProcessOutcome> {
  const raw = req.body as Activity;
  const activity = withDates(raw as unknown as Record<string, unknown>);
  const header = req.headers.authorization;
  const auth = await authentication.authenticateRequest(activity, typeof header === 'string' ? header : '').then(
    (result) => ({ ok: true as const, result }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (!auth.ok) return { refused: reasonOf(auth.err) };
  try {
    const invoke = await adapter.run(auth.result, activity, (ctx) => logic(turnIO(ctx, raw)));
    return { status: invoke?.status ?? 200, ...(invoke?.body !== undefined ? { body: invoke.body } : {}) };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 400) {
      log.warn({ platform: 'teams', status: 400, reason: reasonOf(err) }, 'teams: request refused');
      return { status: 400, body: { error: 'bad request' } };
    }
    log.error({ err, platform: 'teams' }, 'teams: request failed');
    return { status: 500, body: { error: 'internal error' } };
  }
}

function turnIO(ctx: TurnContext, activity: Activity): TurnIO {
  return {
    activity,
    send: async (activities) => (await ctx.sendActivities(activities.map(toBbActivity))).map((r) => r?.id),
    update: async (activityId, a) => {
      await ctx.updateActivity({ ...toBbActivity(a), id: activityId });
    },
    invokeResponse: async (status, body) => {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status, ...(body !== undefined ? { body } : {}) } });
    },
  };
}


/** Our outgoing activities are plain protocol JSON (no Dates); botbuilder's type wants Dates where we have none. */
function toBbActivity(activity: OutgoingActivity): Partial<BbActivity> {
  return activity as unknown as Partial<BbActivity>;
}

/** CloudAdapter with its turn pipeline reachable: authentication is done before, as a step of its own. */
class TransportCloudAdapter extends CloudAdapter {
  run(auth: Parameters<CloudAdapter['processActivity']>[0], activity: BbActivity, logic: (ctx: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

function toBb(reference: ConversationReference): Partial<BbReference> {
  return reference as unknown as Partial<BbReference>;
}

/**
 * The connector client retries 429s itself, waiting for any Retry-After without
 * a limit, and CloudAdapter offers no option to change that. For proactive sends
 * we retry ourselves (with a cap), so the client's own retry policy is removed
 * from this one client (each continueConversation gets a new one).
 */
function useOwnRetries(ctx: TurnContext, adapter: CloudAdapter, log: Logger): void {
  const client = ctx.turnState.get(adapter.ConnectorClientKey) as { client?: { pipeline?: { removePolicy(o: { name: string }): unknown } } } | undefined;
  const pipeline = client?.client?.pipeline;
  if (pipeline) pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  else log.warn('teams: connector client has no pipeline to adjust; its own retries stay on');
}

/** What botbuilder's own request handling does to an activity body: ISO timestamps become Dates (raw copies kept). */
function withDates(body: Record<string, unknown>): BbActivity {
  const a: Record<string, unknown> = { ...body };
  for (const [key, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    if (typeof a[key] === 'string') {
      a[raw] = a[key];
      a[key] = new Date(a[key] as string);
    }
  }
  return a as unknown as BbActivity;
}

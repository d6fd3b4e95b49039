import type { Config } from '../../../src/config.js';
import type { Logger } from '../../../src/log.js';
import type { Activity, ConversationReference, OutgoingActivity } from '../activity.js';

/**
 * The seam between the Teams adapter and a Bot Framework SDK. Everything above it
 * (parse, render, Adaptive Cards, forms, dedupe, proactive rules, the app package) is
 * shared and imports no SDK; each SDK lives behind this interface in one file:
 * `botbuilder.ts` (botbuilder 4, archived by Microsoft) and `agents.ts` (the Microsoft
 * 365 Agents SDK, its supported successor). `TEAMS_SDK` picks one; only that one is loaded.
 */
export type TeamsSdk = Config['teams']['sdk'];

export interface HttpRequestLike {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}
export interface HttpResult {
  status: number;
  body?: unknown;
}

/** One incoming activity, as the SDK runs it: the activity as it came (plain JSON), and the ways to answer. */
export interface TurnIO {
  readonly activity: Activity;
  /** Posts messages in this conversation (replies to the incoming activity); their ids, in order. */
  send(activities: OutgoingActivity[]): Promise<Array<string | undefined>>;
  /** Replaces a message of the bot in this conversation (PUT …/activities/{id}). */
  update(activityId: string, activity: OutgoingActivity): Promise<void>;
  /** The HTTP answer of an invoke (Action.Execute, a dialog). */
  invokeResponse(status: number, body?: unknown): Promise<void>;
}

/** How the endpoint authenticates: with the app's credentials, or anonymously (see auth.ts for when). */
export type TransportAuth =
  | {
      mode: 'authenticated';
      appId: string;
      appPassword?: string;
      tenantId?: string;
      appType: Config['teams']['appType'];
    }
  | { mode: 'anonymous' };

export interface TransportOptions {
  auth: TransportAuth;
  log: Logger;
  /** Tests only: where the Bot Framework's token keys are fetched (a local OpenID metadata document), instead of Microsoft's. */
  openIdMetadataUrl?: string;
}

/** Why authentication failed (a short reason for the log, never the token), or the turn's HTTP answer. */
export type ProcessOutcome = { refused: string } | HttpResult;

export interface TeamsTransport {
  readonly sdk: TeamsSdk;
  /**
   * One POST to /api/messages, the body already checked to be an object with a type:
   * authenticate (with credentials), run `logic` in a turn, give the HTTP answer. A turn
   * that throws is logged and answered 500; an activity the SDK refuses is answered 400.
   */
  process(req: HttpRequestLike, logic: (turn: TurnIO) => Promise<void>): Promise<ProcessOutcome>;
  /**
   * Proactive operations on a stored conversation. They throw the SDK's own error on
   * failure (send.ts reads the status and Retry-After from it and retries); the SDK's own
   * retries are off, so every attempt is one HTTP call.
   */
  sendNew(reference: ConversationReference, activity: OutgoingActivity): Promise<string | undefined>;
  update(reference: ConversationReference, activityId: string, activity: OutgoingActivity): Promise<void>;
  delete(reference: ConversationReference, activityId: string): Promise<void>;
  /** Creates a 1:1 conversation with a user (from a reference of a conversation the user is in) and posts the first message. */
  createConversation(reference: ConversationReference, userId: string, activity: OutgoingActivity): Promise<{ conversationId?: string; messageId?: string }>;
}

/** Loads the chosen SDK only (each is a sizeable dependency tree). */
export async function createTransport(sdk: TeamsSdk, opts: TransportOptions): Promise<TeamsTransport> {
  if (sdk === 'agents') return (await import('./agents.js')).createAgentsTransport(opts);
  return (await import('./botbuilder.js')).createBotbuilderTransport(opts);
}

/**
 * Runs `work` inside an SDK turn (continue or create conversation) and hands its error
 * back to the caller: both SDKs give an error thrown in a turn to `onTurnError` instead.
 */
export async function inTurn<C, T>(run: (logic: (ctx: C) => Promise<void>) => Promise<void>, work: (ctx: C) => Promise<T>): Promise<T> {
  let out: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await run(async (ctx) => {
    try {
      out = { ok: true, value: await work(ctx) };
    } catch (error) {
      out = { ok: false, error };
    }
  });
  if (!out) throw new Error('the SDK did not run the turn');
  if (!out.ok) throw out.error;
  return out.value;
}

/** The message of an SDK failure, short; neither SDK puts a token in its messages. */
export function reasonOf(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return `${name}: ${message}`.slice(0, 200);
}

/** What both SDKs' TurnContext offer to change activities on their way out. */
interface SendHooks<C, A extends { replyToId?: string }, R> {
  onSendActivities(handler: (ctx: C, activities: A[], next: () => Promise<R>) => Promise<R>): unknown;
}

/**
 * A proactive message is a new message, not a reply to the made-up id of the
 * continuation activity (or, in a conversation just created, to the conversation's id).
 */
export function newMessages<C, A extends { replyToId?: string }, R>(ctx: SendHooks<C, A, R>): void {
  ctx.onSendActivities(async (_ctx, activities, next) => {
    for (const a of activities) delete a.replyToId;
    return next();
  });
}

// Named imports: Node's CJS interop and vitest's disagree about Bolt's default export.
import { App, ExpressReceiver } from '@slack/bolt';
import express, { type Express } from 'express';
import { simpleReply } from '../../src/core/answer.js';
import type { Reply } from '../../src/core/reply.js';
import type { Turn } from '../../src/domain/turn.js';
import type { AdapterDeps, AdapterSetup, PlatformAdapter, ProactiveResult } from '../../src/platform/contract.js';
import { messages } from '../../src/i18n/index.js';
import type { ConversationRefRecord } from '../../src/store/types.js';
import { Responder, viewMetadata } from './deliver.js';
import { toSlackApiError } from './errors.js';
import { PendingForms } from './forms.js';
import { refHash } from '../../src/log.js';
import { boltLogger } from './logger.js';
import { EVENTS_PATH } from './paths.js';
import { parseSlackPayload, type ReplyTarget, type SlackInbound } from './parse.js';
import { formOf } from './render.js';
import { DEFAULT_RETRY, postProactive, sendProactive, type RetryOptions, type WebClient } from './send.js';
import { bodyTooLarge, signatureGuard } from './guard.js';
import { publishHome, type HomeSection } from './home.js';
import { modalErrors, renderModal } from './views.js';

export { EVENTS_PATH };
export { HOME_COMMANDS } from './home.js';
/** Largest request body we read (view submissions with long texts stay far below). */
const BODY_LIMIT = '1mb';
/** A view submission waits this long for the core, so field errors can go back in the ack (Slack allows 3 s). */
const SUBMISSION_BUDGET_MS = 2500;

type AckFn = (response?: Record<string, unknown>) => Promise<void>;

export interface SlackAdapterOptions {
  /** App Home content of later features (knelpunten, subscriptions): the extension point. */
  homeSections?: HomeSection[];
  retry?: RetryOptions;
  fetch?: typeof fetch;
  submissionBudgetMs?: number;
}

/** Slack's conversation reference key: `slack:<channel>` or `slack:<channel>:<thread ts>`. */
export function refKey(turn: Pick<Turn, 'conversation'>): string {
  const c = turn.conversation;
  return c.threadId ? `slack:${c.id}:${c.threadId}` : `slack:${c.id}`;
}

export class SlackAdapter implements PlatformAdapter {
  readonly platform = 'slack' as const;
  private readonly app: InstanceType<typeof App>;
  private readonly receiver: InstanceType<typeof ExpressReceiver> | null;
  private readonly responder: Responder;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retry: RetryOptions;

  constructor(
    private readonly deps: AdapterDeps,
    private readonly settings: { botToken: string; signingSecret?: string; appToken?: string; apiUrl: string },
    private readonly opts: SlackAdapterOptions = {},
  ) {
    const logger = boltLogger(deps.log);
    // Our own retry loop handles 429s (and says so in the log); the client's would wait silently for up to 30 minutes.
    const clientOptions = { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 };
    const common = { token: settings.botToken, logger, clientOptions, deferInitialization: true, convoStore: false as const };
    if (settings.appToken) {
      this.receiver = null;
      this.app = new App({ ...common, appToken: settings.appToken, socketMode: true });
    } else {
      if (!settings.signingSecret) throw new Error('Slack: SLACK_SIGNING_SECRET is required without SLACK_APP_TOKEN');
      this.receiver = new ExpressReceiver({ signingSecret: settings.signingSecret, endpoints: EVENTS_PATH, logger, router: express.Router(), bodyLimit: BODY_LIMIT });
      this.app = new App({ ...common, receiver: this.receiver });
    }
    this.retry = {
      ...(opts.retry ?? DEFAULT_RETRY),
      onRateLimited: (waitSeconds, attempt) => deps.log.warn({ waitSeconds, attempt }, 'slack: rate limited (429), retrying after Retry-After'),
    };
    this.responder = new Responder({
      client: this.client,
      log: deps.log,
      store: deps.store,
      now: deps.now,
      forms: new PendingForms(deps.now),
      fetch: opts.fetch ?? globalThis.fetch,
      retry: this.retry,
      ...(deps.config.publicUrl ? { moreUrl: deps.config.publicUrl } : {}),
    });
    // One global middleware after Bolt's own (ignoreSelf): every payload goes through parse -> core -> render.
    this.app.use(async (args) => {
      const ack = (args as { ack?: AckFn }).ack;
      const work = this.onPayload(args.body, ack, args.context);
      this.inFlight.add(work);
      try {
        await work;
      } finally {
        this.inFlight.delete(work);
      }
    });
    this.app.error(async (err) => {
      deps.log.error({ err }, 'slack: unhandled error in a handler');
    });
  }

  get client(): WebClient {
    return this.app.client;
  }

  get socketMode(): boolean {
    return this.receiver === null;
  }

  mount(app: Express): void {
    if (!this.receiver) return; // Socket Mode: no HTTP endpoint
    // Our check first, with our clock and a window in both directions; Bolt checks again from the same raw body.
    app.post(
      EVENTS_PATH,
      express.raw({ type: () => true, limit: BODY_LIMIT }),
      bodyTooLarge(this.deps.log),
      signatureGuard({ signingSecret: this.settings.signingSecret!, now: this.deps.now, log: this.deps.log }),
    );
    app.use(this.receiver.router);
  }

  async start(): Promise<void> {
    try {
      await this.app.init(); // auth.test: a wrong token stops start-up here, not at the first message
    } catch (e) {
      const err = toSlackApiError(e);
      throw new Error(`Slack: auth.test failed (${err.code}); check SLACK_BOT_TOKEN and SLACK_API_URL`, { cause: e });
    }
    if (this.socketMode) await this.app.start();
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    if (this.socketMode) await this.app.stop();
  }

  sendProactive(ref: ConversationRefRecord, reply: Reply): Promise<ProactiveResult> {
    return sendProactive({ client: this.client, store: this.deps.store, log: this.deps.log, now: this.deps.now, retry: this.retry, ...this.renderOptions() }, ref, reply);
  }

  /**
   * A private message to one user: posting to a user id lands in the bot's DM with
   * them (the App Home Messages tab), so no extra scope (im:write) is needed.
   */
  async sendToUser(userId: string, via: ConversationRefRecord | undefined, reply: Reply): Promise<ProactiveResult> {
    const { store, now, log } = this.deps;
    return postProactive(
      {
        client: this.client,
        log,
        retry: this.retry,
        ...this.renderOptions(),
        // A failed DM says nothing about a channel the user reported from; only a DM reference is marked.
        markGone: async (reason) => {
          if (via?.kind === 'personal') await store.conversations.markInactive(via.key, reason, now());
        },
      },
      { channel: userId, key: via?.kind === 'personal' ? via.key : `slack:${userId}` },
      reply,
    );
  }

  private renderOptions(): { render?: { moreUrl: string } } {
    return this.deps.config.publicUrl ? { render: { moreUrl: this.deps.config.publicUrl } } : {};
  }

  private async onPayload(body: unknown, ack: AckFn | undefined, context: { botUserId?: string; botId?: string; retryNum?: number }): Promise<void> {
    const inbound: SlackInbound = parseSlackPayload(body, {
      now: this.deps.now(),
      ...(context.botUserId ? { botUserId: context.botUserId } : {}),
      ...(context.botId ? { botId: context.botId } : {}),
    });
    if (context.retryNum) this.deps.log.info({ retryNum: context.retryNum, kind: inbound.kind }, 'slack: redelivery');
    switch (inbound.kind) {
      case 'ignore':
        await ack?.();
        this.deps.log.debug({ reason: inbound.reason }, 'slack: payload ignored');
        return;
      case 'home':
        return this.publishHome(inbound);
      case 'open_form':
        await ack?.();
        return this.responder.openPendingForm(inbound.key, inbound.triggerId, inbound.target, this.deps.config.defaultLocale);
      case 'too_long': {
        await ack?.();
        this.deps.log.info({ max: inbound.max }, 'slack: slash command text too long; told the user');
        const locale = this.deps.config.defaultLocale;
        return this.responder.deliver([simpleReply(locale, messages(locale).tooLong(inbound.max), { private: true })], inbound.target);
      }
      case 'turn':
        await ack?.(); // within Slack's 3 s, before the core runs
        return this.runTurn(inbound.turn, inbound.target);
      case 'submission':
        return this.runSubmission(inbound.turn, inbound.target, ack);
    }
  }

  /**
   * Every turn refreshes its conversation reference, for later proactive messages:
   * the conversation itself (`slack:<channel>`, the key the core uses) and, in a
   * thread, the thread too (`slack:<channel>:<thread ts>`).
   */
  private async rememberConversation(turn: Turn): Promise<void> {
    // Not on form submissions: the conversation is known from the turn that opened the
    // form, and an anonymous report must leave no trace of who sent it, or when.
    if (turn.input.kind === 'form') return;
    const c = turn.conversation;
    const base = { platform: 'slack' as const, conversationId: c.id, kind: c.kind, ...(c.teamId ? { teamId: c.teamId } : {}), ...(c.name ? { name: c.name } : {}) };
    const data = { channel: c.id, ...(c.teamId ? { teamId: c.teamId } : {}) };
    try {
      await this.deps.store.conversations.upsert({ ...base, key: `slack:${c.id}`, data }, this.deps.now());
      if (c.threadId) {
        await this.deps.store.conversations.upsert({ ...base, key: refKey(turn), threadId: c.threadId, data: { ...data, threadTs: c.threadId } }, this.deps.now());
      }
    } catch (err) {
      // The answer matters more than the reference; the next turn tries again.
      this.deps.log.error({ err, ref: refHash(refKey(turn)) }, 'slack: could not store conversation reference');
    }
  }

  private async runTurn(turn: Turn, target: ReplyTarget): Promise<void> {
    await this.rememberConversation(turn);
    const result = await this.deps.bot.handle(turn);
    if (result.outcome === 'duplicate') return;
    await this.responder.deliver(result.replies, target);
  }

  /**
   * A modal submission: field errors must come back in the ack itself, so the core
   * gets up to 2.5 s; a slower answer closes the modal and is posted when ready.
   */
  private async runSubmission(turn: Turn, target: ReplyTarget, ack: AckFn | undefined): Promise<void> {
    await this.rememberConversation(turn);
    const handled = this.deps.bot.handle(turn);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.opts.submissionBudgetMs ?? SUBMISSION_BUDGET_MS);
    });
    const first = await Promise.race([handled, late]);
    clearTimeout(timer);
    const after: ReplyTarget = { ...target, triggerId: undefined };
    if (first === 'late') {
      await ack?.();
      const result = await handled;
      if (result.outcome !== 'duplicate') await this.responder.deliver(result.replies, after);
      return;
    }
    if (first.outcome === 'duplicate') {
      await ack?.();
      return;
    }
    const withForm = first.replies.find((r) => formOf(r));
    const rest = first.replies.filter((r) => r !== withForm);
    const form = withForm ? formOf(withForm) : undefined;
    if (withForm && form) {
      const errors = modalErrors(form);
      let response: Record<string, unknown> | undefined;
      try {
        response = errors
          ? { response_action: 'errors', errors }
          : // the next step of a multi-step form replaces the modal
            { response_action: 'update', view: renderModal(form, { locale: withForm.locale, privateMetadata: viewMetadata(target, form.state) }) };
      } catch (err) {
        this.deps.log.error({ err, formId: form.id }, 'slack: could not render the next modal; closing it');
      }
      await ack?.(response);
    } else {
      await ack?.(); // closes the modal
    }
    await this.responder.deliver(rest, after);
  }

  private async publishHome(home: Extract<SlackInbound, { kind: 'home' }>): Promise<void> {
    const { bot, log, config } = this.deps;
    await publishHome({ bot, log, client: this.client, retry: this.retry, defaultLocale: config.defaultLocale, sections: this.opts.homeSections ?? [], render: this.renderOptions().render ?? {} }, home);
  }
}

/**
 * Slack adapter set-up. HTTP (Events API, `POST /slack/events`) with SLACK_BOT_TOKEN
 * and SLACK_SIGNING_SECRET; Socket Mode with SLACK_BOT_TOKEN and SLACK_APP_TOKEN.
 */
export async function setupSlack(deps: AdapterDeps, opts: SlackAdapterOptions = {}): Promise<AdapterSetup> {
  const { slack, publicUrl } = deps.config;
  if (!slack.botToken || (!slack.signingSecret && !slack.appToken)) {
    return { adapter: null, note: 'Slack: not mounted (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode, to enable it).' };
  }
  const adapter = new SlackAdapter(
    deps,
    {
      botToken: slack.botToken,
      apiUrl: slack.apiUrl,
      ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
      ...(slack.appToken ? { appToken: slack.appToken } : {}),
    },
    opts,
  );
  const note = adapter.socketMode
    ? 'Slack: Socket Mode (SLACK_APP_TOKEN set): connects out to Slack, no public URL needed.'
    : `Slack: listening on POST ${EVENTS_PATH} (Request URL ${publicUrl ?? '<PUBLIC_URL>'}${EVENTS_PATH}).`;
  return { adapter, note };
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Bot, BotResult } from '../../src/core/bot.js';
import { cleanName, cleanText } from '../../src/domain/text.js';
import { conversationKey, type Turn } from '../../src/domain/turn.js';
import { messages } from '../../src/i18n/index.js';
import type { Logger } from '../../src/log.js';
import { addressKey } from '../../src/platform/network.js';
import { toWire, type WireMessage } from './history.js';
import type { LocalAdapter } from './index.js';
import { legalPage, webChatOffPage } from './pages.js';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from './protocol.js';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const formValue = z.union([z.string().max(MAX_TEXT_LENGTH), z.array(z.string().max(200)).max(50), z.boolean()]);
const requestSchema = z.object({
  session: id,
  messageId: id,
  locale: z.enum(['nl', 'en']).optional(),
  /** The message (card) the button or form was on: a reply that replaces its source takes its place. */
  source: id.optional(),
  /** The name the person typed for a named report (open web chat), remembered for the session. */
  name: z.string().max(MAX_NAME_LENGTH).optional(),
  input: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({ kind: z.literal('action'), action: z.string().min(1).max(64), value: z.string().max(2000), label: z.string().max(MAX_LABEL_LENGTH).optional() }),
    z.object({
      kind: z.literal('form'),
      formId: z.string().min(1).max(64),
      values: z.record(z.string().max(64), formValue).refine((v) => Object.keys(v).length <= 50),
      state: z.string().max(2000).optional(),
    }),
  ]),
});

/** What a request carries besides the turn: where it came from in the page, and what to show of it. */
export interface RequestExtras {
  source?: string;
  name?: string;
  /** The button's label (an action), shown as what the person said. */
  label?: string;
}

/** Parses and checks a web-chat request into a Turn; pure, for tests. */
export function toTurn(body: unknown, now: Date): { turn: Turn; extras: RequestExtras } | { error: 'bad_request' | 'too_long' } {
  const res = requestSchema.safeParse(body);
  if (!res.success) return { error: 'bad_request' };
  const r = res.data;
  if (r.input.kind === 'text' && r.input.text.length > MAX_TEXT_LENGTH) return { error: 'too_long' };
  const { label, ...input } = r.input as typeof r.input & { label?: string };
  return {
    extras: { ...(r.source ? { source: r.source } : {}), ...(r.name !== undefined ? { name: r.name } : {}), ...(label !== undefined ? { label } : {}) },
    turn: {
      id: r.messageId,
      platform: 'local',
      user: { id: r.session, ...(r.locale ? { locale: r.locale } : {}) },
      conversation: { id: `web-${r.session}`, kind: 'personal' },
      input,
      receivedAt: now,
    },
  };
}

/** A signed-in person, as the web chat knows them (WEB_CHAT=signin). */
export interface WebChatUser {
  /** Stable across browsers and sign-ins; used instead of the browser's random session id. */
  id: string;
  name?: string;
  /** Entra ID object id (`oid`), so a coordinator listed as `aad:<oid>` is one here too. */
  aadObjectId?: string;
}

/**
 * Who may use the web chat (WEB_CHAT): `open` to anyone who reaches the port (limited
 * per client address), `signin` to whoever signed in with the dashboard's OpenID
 * Connect sign-in, or `off`.
 */
export type WebChatAccess =
  | {
      mode: 'open';
      /** RATE_LIMIT_WEB_SESSIONS_PER_HOUR is on: a session id the server has not seen is looked up and costs a token. */
      limitNewSessions: boolean;
    }
  | {
      mode: 'signin';
      /** The signed-in person of this request, or undefined. */
      signedIn: (req: Request) => Promise<WebChatUser | undefined>;
      /** Where the chat page sends a visitor without a session. */
      signInPath: string;
      /** PUBLIC_URL's origin: the only page allowed to post to /api/chat. */
      origin: string;
    }
  | { mode: 'off' };

const INDEX = path.join(PUBLIC_DIR, 'index.html');
/** The header that carries the open web chat's session id on GET requests (kept out of URLs and logs). */
export const SESSION_HEADER = 'x-chat-session';

/** The local adapter: the web chat page, its JSON endpoint, its history and event stream; open, behind sign-in, or off. */
export function localChatRouter(bot: Bot, chat: LocalAdapter, access: WebChatAccess = { mode: 'open', limitNewSessions: true }): Router {
  const router = express.Router();
  const t = messages('nl');

  // The privacy and terms pages (the Teams app package links to them): in every mode, in Dutch or English.
  router.get(['/privacy', '/voorwaarden'], (req: Request, res: Response) => {
    const lang = req.query.lang === 'en' ? 'en' : 'nl';
    res.type('html').send(legalPage(req.path === '/privacy' ? 'privacy' : 'terms', lang, chat.retention));
  });

  if (access.mode === 'off') {
    // A short page rather than a bare 404: links to the web chat ("Lees verder in de webchat") land here.
    router.get(['/', '/index.html'], (_req: Request, res: Response) => {
      res.status(404).type('html').send(webChatOffPage());
    });
    router.all(['/api/chat', '/api/chat/{*rest}'], (_req: Request, res: Response) => {
      res.status(404).json({ error: t.webChat.offApi, code: 'off' });
    });
    // Only what the privacy and terms pages need (stylesheet, icon); the chat's scripts are not served.
    const pageAssets = express.static(PUBLIC_DIR, { index: false, maxAge: '5m' });
    router.use((req: Request, res: Response, next: NextFunction) => (/^\/[\w-]+\.(css|svg)$/.test(req.path) ? pageAssets(req, res, next) : next()));
    return router;
  }

  if (access.mode === 'signin') {
    // No session: to the sign-in (the dashboard's), which brings the person back here.
    router.get(['/', '/index.html'], async (req: Request, res: Response) => {
      res.set('Cache-Control', 'no-store');
      if (await access.signedIn(req)) res.sendFile(INDEX);
      else res.redirect(303, access.signInPath);
    });
  }

  const guard = signInGuard(access, bot);

  // The page's own text in both languages (src/i18n): the page shows the one chosen on it.
  const pageTexts = JSON.stringify({ nl: messages('nl').webChatPage, en: messages('en').webChatPage });
  router.get('/chat-texts.json', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=300').type('json').send(pageTexts);
  });

  // The session's conversation, for the page to show again after a reload.
  router.get('/api/chat/history', guard, async (req: Request, res: Response) => {
    const session = sessionOf(req, res);
    if (!session) return badSession(res);
    res.set('Cache-Control', 'no-store');
    try {
      // The number first, then the messages: a change between the reads makes the page
      // replay a message it already has (harmless), never skip one it lacks.
      const state = await bot.deps.store.webChatHistory.getSession(session);
      const list = await bot.deps.store.webChatHistory.list(session);
      res.json({
        messages: list.flatMap((m) => toWire(m) ?? []),
        rev: state?.rev ?? 0,
        ...(access.mode === 'signin' ? { signedIn: true } : state?.name ? { name: state.name } : {}),
      });
    } catch (err) {
      bot.deps.log.warn({ err }, 'local: could not read the web chat history');
      res.status(503).json({ error: t.storeDown.replace(/\*\*/g, ''), code: 'unavailable' });
    }
  });

  // Live messages (server-sent events): what the page missed after Last-Event-ID, then every new one.
  router.get('/api/chat/events', guard, async (req: Request, res: Response) => {
    const session = sessionOf(req, res);
    if (!session) return badSession(res);
    const address = access.mode === 'open' ? addressKey(req.ip) : undefined;
    if (!chat.streams.allowed(address)) {
      res.status(429).json({ error: t.rateLimited.webSession, code: 'rate_limited' });
      return;
    }
    // No Last-Event-ID: nothing to replay. `0`: the page has seen nothing yet (an empty
    // history), so it gets everything stored since.
    const last = /^\d{1,15}$/.test(req.get('last-event-id') ?? '') ? Number(req.get('last-event-id')) : null;
    await chat.streams.open(req, res, session, address, async () => {
      if (last === null) return { messages: [], reset: false };
      const rev = (await bot.deps.store.webChatHistory.getSession(session))?.rev ?? 0;
      // The page knows more than is stored (the session was removed): it reloads the history.
      if (last > rev) return { messages: [], reset: true };
      return { messages: await chat.since(session, last), reset: false };
    });
  });

  router.post('/api/chat', guard, express.json({ limit: '64kb' }), async (req: Request, res: Response) => {
    const parsed = toTurn(req.body, bot.deps.now());
    if ('error' in parsed) {
      const msg = parsed.error === 'too_long' ? t.tooLong(MAX_TEXT_LENGTH) : t.badRequest;
      res.status(400).json({ error: msg.replace(/\*\*/g, ''), code: parsed.error });
      return;
    }
    const user = res.locals.webChatUser as WebChatUser | undefined;
    let turn = user ? signedInTurn(parsed.turn, user) : { ...parsed.turn, addressKey: addressKey(req.ip) };
    if (access.mode === 'open' && access.limitNewSessions && !(await newSessionAllowed(bot, turn))) {
      res.status(429).json({ error: messages(turn.user.locale === 'en' ? 'en' : 'nl').rateLimited.webSession, code: 'rate_limited' });
      return;
    }
    const session = turn.user.id;
    if (!user) turn = await withSessionName(bot, turn, parsed.extras.name);
    try {
      // So the core can reach this session later (its history and open pages), like any platform conversation.
      // Not on form submissions: the conversation is known from the turn that showed the
      // form, and an anonymous report must leave no trace of who sent it.
      if (turn.input.kind !== 'form') await bot.deps.store.conversations.upsert(
        { key: conversationKey(turn), platform: 'local', conversationId: turn.conversation.id, kind: 'personal', data: { session } },
        bot.deps.now(),
      );
    } catch (err) {
      bot.deps.log.warn({ err }, 'local: could not store the conversation reference');
    }
    const result = await bot.handle(turn);
    if (result.outcome === 'duplicate') {
      res.status(409).json({ replies: [], duplicate: true });
      return;
    }
    const shown = await recordTurn(chat, turn, parsed.extras, result, bot.deps.log);
    const waiting = await chat.waiting(session);
    res.status(result.outcome === 'error' ? 503 : 200).json({
      replies: result.replies,
      messages: [...shown, ...waiting],
      ...(waiting.length > 0 ? { notifications: waiting.flatMap((m) => (m.role === 'bot' ? [m.reply] : [])) } : {}),
    });
  });

  // Body-parser failures (malformed JSON, too large) on this router: a friendly JSON error, never an HTML stack.
  router.use('/api/chat', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 400 || status === 413) {
      const tooLarge = status === 413;
      res.status(status).json({
        error: tooLarge ? t.tooLong(MAX_TEXT_LENGTH).replace(/\*\*/g, '') : t.badRequest,
        code: tooLarge ? 'too_long' : 'bad_request',
      });
      return;
    }
    next(err);
  });

  router.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '5m' }));
  return router;
}

/** The session of a GET: the signed-in person, or the open web chat's session header. */
function sessionOf(req: Request, res: Response): string | undefined {
  const user = res.locals.webChatUser as WebChatUser | undefined;
  if (user) return user.id;
  const header = req.get(SESSION_HEADER) ?? '';
  return id.safeParse(header).success ? header : undefined;
}

function badSession(res: Response): void {
  res.status(400).json({ error: messages('nl').badRequest, code: 'bad_request' });
}

/**
 * The open web chat has no sign-in to name anyone: a name typed once (for a named report)
 * is remembered for the session and goes with every later turn.
 */
async function withSessionName(bot: Bot, turn: Turn, typed: string | undefined): Promise<Turn> {
  const store = bot.deps.store.webChatHistory;
  try {
    let name = typed === undefined ? undefined : cleanName(typed);
    if (name) await store.setName(turn.user.id, name, bot.deps.now());
    else name = (await store.getSession(turn.user.id))?.name;
    return name ? { ...turn, user: { ...turn.user, name } } : turn;
  } catch (err) {
    bot.deps.log.warn({ err }, 'local: could not read or keep the name of a web chat session');
    return turn;
  }
}

/**
 * Keeps a turn in the session's conversation and sends it to the session's other open
 * pages: what the person said (text, or a button's label; never the values of a form),
 * then the replies, a reply that replaces its source in that card's place. A turn that
 * must not be linkable to its user (an anonymous report or reflection) is shown, not kept.
 */
async function recordTurn(chat: LocalAdapter, turn: Turn, extras: RequestExtras, result: BotResult, log: Logger): Promise<WireMessage[]> {
  const session = turn.user.id;
  const input = turn.input;
  const anonymous = result.anonymous === true || (input.kind === 'form' && input.values.anoniem === true);
  const said = input.kind === 'text' ? cleanText(input.text).trim() : input.kind === 'action' ? cleanText(extras.label ?? '').trim() : '';
  const toAdd: WireMessage[] = said && !anonymous ? [{ id: turn.id, role: 'user', text: said.slice(0, MAX_TEXT_LENGTH) }] : [];
  const out: WireMessage[] = [];
  for (const reply of result.replies) {
    if (reply.replacesSource && extras.source) {
      const msg: WireMessage = { id: extras.source, role: 'bot', reply };
      out.push(anonymous ? msg : await chat.history.replace(session, extras.source, reply));
    } else {
      const msg: WireMessage = { id: `bot-${randomUUID()}`, role: 'bot', reply };
      toAdd.push(msg);
      out.push(msg);
    }
  }
  const added = anonymous ? toAdd : await chat.history.add(session, toAdd);
  const byId = new Map(added.map((m) => [m.id, m]));
  const shown = out.map((m) => byId.get(m.id) ?? m);
  if (!anonymous) {
    // Not awaited: a stalled tab must not delay this answer. The writes start here, in order.
    for (const m of [...added.filter((a) => a.role === 'user'), ...shown]) {
      chat.streams.publish(session, m).catch((err: unknown) => log.warn({ err }, 'local: could not send a web chat message to the other open pages'));
    }
    await chat.rememberTracked(shown, conversationKey(turn)).catch(() => undefined);
  }
  return [...added.filter((a) => a.role === 'user'), ...shown];
}

/**
 * WEB_CHAT=signin: /api/chat needs a signed-in session (401 otherwise) and must come
 * from the chat page itself (403 otherwise). The session cookie is SameSite=Lax, and a
 * cross-site JSON POST needs CORS we never grant; this check is the explicit CSRF
 * defence on top: the browser's Sec-Fetch-Site, or (older browsers) its Origin.
 */
function signInGuard(access: WebChatAccess, bot: Bot): (req: Request, res: Response, next: NextFunction) => Promise<void> {
  const t = messages('nl').webChat;
  return async (req, res, next) => {
    if (access.mode !== 'signin') {
      next();
      return;
    }
    const user = await access.signedIn(req);
    if (!user) {
      res.status(401).json({ error: t.signInNeeded, code: 'signin' });
      return;
    }
    if (!fromPage(req, access.origin)) {
      bot.deps.log.warn({ secFetchSite: req.get('sec-fetch-site') ?? null, originOk: req.get('origin') === access.origin }, 'local: chat request from another site refused');
      res.status(403).json({ error: t.otherSite, code: 'forbidden' });
      return;
    }
    res.locals.webChatUser = user;
    next();
  };
}

/** A fetch from a page of this site: Sec-Fetch-Site says so, or, when a browser sends none, the Origin is ours. */
export function fromPage(req: Pick<Request, 'get'>, origin: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  return req.get('origin') === origin;
}

/** The signed-in person instead of the browser's random session: the same id in every browser. */
function signedInTurn(turn: Turn, user: WebChatUser): Turn {
  return {
    ...turn,
    user: { ...turn.user, id: user.id, ...(user.name ? { name: user.name } : {}), ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}) },
    conversation: { ...turn.conversation, id: `web-${user.id}` },
  };
}

/**
 * The open web chat: a session id the server has not seen (no conversation reference
 * yet) costs a token from its address's `web-session` bucket, because a new session id
 * costs a script nothing, and every per-user limit is keyed by it.
 */
async function newSessionAllowed(bot: Bot, turn: Turn): Promise<boolean> {
  if (!turn.addressKey) return true;
  try {
    if (await bot.deps.store.conversations.get(conversationKey(turn))) return true;
  } catch (err) {
    bot.deps.log.warn({ err }, 'local: could not look up the session');
    return true; // the core reports the store trouble to the user
  }
  try {
    const taken = await bot.deps.limits?.take('web-session', turn.addressKey, bot.deps.now());
    return taken?.ok ?? true;
  } catch (err) {
    bot.deps.log.warn({ err }, 'local: could not check the session limit');
    return true; // as above: the core answers with the friendly store message (503)
  }
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Bot } from '../../src/core/bot.js';
import { conversationKey, type Turn } from '../../src/domain/turn.js';
import { messages } from '../../src/i18n/index.js';
import { addressKey } from '../../src/platform/network.js';
import { MemoryInbox } from './inbox.js';
import { webChatOffPage } from './pages.js';
import { MAX_TEXT_LENGTH } from './protocol.js';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const formValue = z.union([z.string().max(MAX_TEXT_LENGTH), z.array(z.string().max(200)).max(50), z.boolean()]);
const requestSchema = z.object({
  session: id,
  messageId: id,
  locale: z.enum(['nl', 'en']).optional(),
  input: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({ kind: z.literal('action'), action: z.string().min(1).max(64), value: z.string().max(2000) }),
    z.object({
      kind: z.literal('form'),
      formId: z.string().min(1).max(64),
      values: z.record(z.string().max(64), formValue).refine((v) => Object.keys(v).length <= 50),
      state: z.string().max(2000).optional(),
    }),
  ]),
});

/** Parses and checks a web-chat request into a Turn; pure, for tests. */
export function toTurn(body: unknown, now: Date): { turn: Turn } | { error: 'bad_request' | 'too_long' } {
  const res = requestSchema.safeParse(body);
  if (!res.success) return { error: 'bad_request' };
  const r = res.data;
  if (r.input.kind === 'text' && r.input.text.length > MAX_TEXT_LENGTH) return { error: 'too_long' };
  return {
    turn: {
      id: r.messageId,
      platform: 'local',
      user: { id: r.session, ...(r.locale ? { locale: r.locale } : {}) },
      conversation: { id: `web-${r.session}`, kind: 'personal' },
      input: r.input,
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

/** The local adapter: the web chat page and its JSON endpoint, open, behind sign-in, or off. */
export function localChatRouter(bot: Bot, inbox: MemoryInbox, access: WebChatAccess = { mode: 'open', limitNewSessions: true }): Router {
  const router = express.Router();
  const t = messages('nl');

  // The privacy and terms pages the Teams app package links to: in every mode.
  router.get('/privacy', (_req: Request, res: Response) => res.sendFile(path.join(PUBLIC_DIR, 'privacy.html')));
  router.get('/voorwaarden', (_req: Request, res: Response) => res.sendFile(path.join(PUBLIC_DIR, 'voorwaarden.html')));

  if (access.mode === 'off') {
    // A short page rather than a bare 404: links to the web chat ("Lees verder in de webchat") land here.
    router.get(['/', '/index.html'], (_req: Request, res: Response) => {
      res.status(404).type('html').send(webChatOffPage());
    });
    router.all('/api/chat', (_req: Request, res: Response) => {
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

  router.post('/api/chat', signInGuard(access, bot), express.json({ limit: '64kb' }), async (req: Request, res: Response) => {
    const parsed = toTurn(req.body, bot.deps.now());
    if ('error' in parsed) {
      const msg = parsed.error === 'too_long' ? t.tooLong(MAX_TEXT_LENGTH) : t.badRequest;
      res.status(400).json({ error: msg.replace(/\*\*/g, ''), code: parsed.error });
      return;
    }
    const user = res.locals.webChatUser as WebChatUser | undefined;
    const turn = user ? signedInTurn(parsed.turn, user) : { ...parsed.turn, addressKey: addressKey(req.ip) };
    if (access.mode === 'open' && access.limitNewSessions && !(await newSessionAllowed(bot, turn))) {
      res.status(429).json({ error: messages(turn.user.locale === 'en' ? 'en' : 'nl').rateLimited.webSession, code: 'rate_limited' });
      return;
    }
    try {
      // So the core can reach this session later (its inbox), like any platform conversation.
      // Not on form submissions: the conversation is known from the turn that showed the
      // form, and an anonymous report must leave no trace of who sent it.
      if (turn.input.kind !== 'form') await bot.deps.store.conversations.upsert(
        { key: conversationKey(turn), platform: 'local', conversationId: turn.conversation.id, kind: 'personal', data: { session: turn.user.id } },
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
    const notifications = inbox.take(turn.user.id);
    res.status(result.outcome === 'error' ? 503 : 200).json({ replies: result.replies, ...(notifications.length > 0 ? { notifications } : {}) });
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

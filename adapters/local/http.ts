import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Bot } from '../../src/core/bot.js';
import { conversationKey, type Turn } from '../../src/domain/turn.js';
import { messages } from '../../src/i18n/index.js';
import { MemoryInbox } from './inbox.js';
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

/** The local adapter: the web chat page and its JSON endpoint, no accounts needed. */
export function localChatRouter(bot: Bot, inbox: MemoryInbox): Router {
  const router = express.Router();
  const t = messages('nl');

  router.post('/api/chat', express.json({ limit: '64kb' }), async (req: Request, res: Response) => {
    const parsed = toTurn(req.body, bot.deps.now());
    if ('error' in parsed) {
      const msg = parsed.error === 'too_long' ? t.tooLong(MAX_TEXT_LENGTH) : t.badRequest;
      res.status(400).json({ error: msg.replace(/\*\*/g, ''), code: parsed.error });
      return;
    }
    const { turn } = parsed;
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

  // The privacy and terms pages the Teams app package links to.
  router.get('/privacy', (_req: Request, res: Response) => res.sendFile(path.join(PUBLIC_DIR, 'privacy.html')));
  router.get('/voorwaarden', (_req: Request, res: Response) => res.sendFile(path.join(PUBLIC_DIR, 'voorwaarden.html')));
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '5m' }));
  return router;
}

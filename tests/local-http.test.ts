import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

let bot: RunningBot;
const logs = new LogCapture();
let n = 0;
const mid = (): string => `msg-${Date.now()}-${++n}`;

async function chat(body: unknown, raw?: string): Promise<{ status: number; json: { replies?: Reply[]; error?: string; code?: string; duplicate?: boolean } }> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

beforeAll(async () => {
  bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info' },
    { logDestination: logs },
  );
});
afterAll(async () => {
  await bot?.close();
});

describe('local adapter over real HTTP', () => {
  it('serves the web chat page', async () => {
    const res = await fetch(`${bot.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<html lang="nl"/);
  });

  it('answers a question with the answer card', async () => {
    const { status, json } = await chat({ session: 'session-abc', messageId: mid(), input: { kind: 'text', text: 'Welke opgaven zijn er?' } });
    expect(status).toBe(200);
    expect(json.replies?.[0]?.blocks[0]).toEqual({ kind: 'heading', text: expect.stringMatching(/opgaven/i) });
  });

  it('answers a button action and stores feedback', async () => {
    const { json } = await chat({ session: 'session-abc', messageId: mid(), input: { kind: 'action', action: 'feedback', value: 'opgaven|helpful' } });
    expect(json.replies?.[0]?.private).toBe(true);
    expect(await bot.store.feedback.count()).toBe(1);
  });

  it('answers a resend of the same message once (409 for the duplicate)', async () => {
    const body = { session: 'session-abc', messageId: mid(), input: { kind: 'text', text: 'hoe laat is het' } };
    const before = await bot.store.gaps.count();
    expect((await chat(body)).status).toBe(200);
    const again = await chat(body);
    expect(again.status).toBe(409);
    expect(again.json.duplicate).toBe(true);
    expect(await bot.store.gaps.count()).toBe(before + 1);
  });

  it('refuses malformed, incomplete, oversized and hostile requests with a friendly JSON error', async () => {
    const bad = await chat(undefined, '{"session": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/niet lezen/);
    expect((await chat({ session: 'x', messageId: mid(), input: { kind: 'text', text: 'hoi' } })).status).toBe(400);
    expect((await chat({ session: 'session-abc', messageId: mid(), input: { kind: 'shell', cmd: 'rm' } })).status).toBe(400);
    const long = await chat({ session: 'session-abc', messageId: mid(), input: { kind: 'text', text: 'a'.repeat(5000) } });
    expect(long.status).toBe(400);
    expect(long.json.code).toBe('too_long');
    const huge = await chat(undefined, JSON.stringify({ session: 'session-abc', messageId: mid(), input: { kind: 'text', text: 'a'.repeat(100_000) } }));
    expect(huge.status).toBe(413);
    expect(huge.json.code).toBe('too_long');
    const proto = await chat(undefined, '{"session":"session-abc","messageId":"proto-12345","input":{"kind":"form","formId":"x","values":{"__proto__":{"polluted":true}}}}');
    expect(proto.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an empty message gets a friendly hint, not an error', async () => {
    const { status, json } = await chat({ session: 'session-abc', messageId: mid(), input: { kind: 'text', text: '   ' } });
    expect(status).toBe(200);
    expect(JSON.stringify(json.replies)).toMatch(/leeg/);
  });

  it('GET /healthz reports store and knowledge', async () => {
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: { ok: true, backend: 'lowdb', writable: true }, knowledge: { entries: bot.knowledge.size } });
  });

  it('serves the privacy and terms pages the Teams app package links to', async () => {
    for (const [p, text] of [['/privacy', /AVG/], ['/voorwaarden', /Gebruiksvoorwaarden/]] as const) {
      const res = await fetch(`${bot.url}${p}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(text);
    }
  });

  it('GET /readyz is ready while running', async () => {
    const ok = await fetch(`${bot.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ready' });
  });

  it('unknown paths get 404', async () => {
    expect((await fetch(`${bot.url}/nope`)).status).toBe(404);
  });

  it('the start-up log says where the web chat is and that Teams/Slack are not configured', () => {
    expect(logs.text).toMatch(/ibp-bot ready/);
    expect(logs.text).toMatch(/Slack/);
  });
});

describe('readiness when the store is closed', () => {
  it('GET /readyz answers 503 with the reason; /healthz reports the store down', async () => {
    const other = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' });
    try {
      await other.store.close();
      const res = await fetch(`${other.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not ready', reasons: ['store: closed'] });
      expect((await fetch(`${other.url}/healthz`)).status).toBe(503);
    } finally {
      await other.close();
    }
  });
});

describe('the web chat off (production without sign-in, the default there)', () => {
  let off: RunningBot;
  const offLogs = new LogCapture();
  beforeAll(async () => {
    off = await startBot(
      // Teams credentials: the platform routes stay, only the web chat goes.
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'production', LOG_LEVEL: 'info',
        MICROSOFT_APP_ID: '00000000-0000-4000-8000-000000000abc', MICROSOFT_APP_PASSWORD: 'fake-password-not-real' },
      { logDestination: offLogs, schedulerIntervalMs: 0 },
    );
  });
  afterAll(async () => {
    await off?.close();
  });

  it('says so at start-up', () => {
    expect(off.config.webChat).toBe('off');
    expect(offLogs.text).toMatch(/Web chat: off \(WEB_CHAT=off\)/);
    expect(offLogs.text).toMatch(/ibp-bot ready on http:\/\/localhost:\d+ \(web chat off\)/);
  });

  it('the chat page is a short 404 page saying the web chat is off; /api/chat is 404', async () => {
    for (const p of ['/', '/index.html']) {
      const page = await fetch(`${off.url}${p}`);
      expect(page.status, p).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const body = await page.text();
      expect(body).toMatch(/<h1>De webchat staat uit<\/h1>/);
      expect(body).not.toMatch(/chat\.js|<script/);
    }
    const api = await fetch(`${off.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: 'session-abc', messageId: mid(), input: { kind: 'text', text: 'Wat is het IBP?' } }) });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'De webchat staat uit.', code: 'off' });
    for (const p of ['/chat.js', '/api.js', '/render.js']) expect((await fetch(`${off.url}${p}`)).status, p).toBe(404);
    expect(await off.store.conversations.list()).toHaveLength(0);
  });

  it('health, privacy, terms and the platform routes still work', async () => {
    expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
    for (const p of ['/privacy', '/voorwaarden', '/chat.css', '/favicon.svg', '/assets/base.css']) expect((await fetch(`${off.url}${p}`)).status, p).toBe(200);
    const teams = await fetch(`${off.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message' }) });
    expect(teams.status).toBe(401); // mounted, and asking for a token
  });
});

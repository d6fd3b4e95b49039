import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/core/ratelimit.js';
import { memoryRateLimits } from '../src/store/kinds/rate-limits/lowdb.js';
import type { Reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { tempDir } from './helpers/tmp.js';

describe('RateLimiter (token buckets, injected clock)', () => {
  const limiter = (): RateLimiter => new RateLimiter({ turn: { limit: 20, windowMs: 60_000 }, off: { limit: 0, windowMs: 1000 } }, memoryRateLimits());

  it('allows 20 turns a minute; the 21st is refused and told once; others are unaffected', async () => {
    const l = limiter();
    for (let i = 0; i < 20; i++) expect(await l.take('turn', 'slack:U1', new Date(1000 + i))).toEqual({ ok: true });
    expect(await l.take('turn', 'slack:U1', new Date(2000))).toEqual({ ok: false, notify: true });
    expect(await l.take('turn', 'slack:U1', new Date(2001))).toEqual({ ok: false, notify: false });
    expect(await l.take('turn', 'slack:U2', new Date(2002))).toEqual({ ok: true });
  });

  it('refills over time and tells again in a new window', async () => {
    const l = limiter();
    for (let i = 0; i < 20; i++) await l.take('turn', 'k', new Date(0));
    expect((await l.take('turn', 'k', new Date(0))).ok).toBe(false);
    expect(await l.take('turn', 'k', new Date(3000))).toEqual({ ok: true }); // 3 s refills one token (20 per 60 s)
    expect(await l.take('turn', 'k', new Date(3001))).toEqual({ ok: false, notify: false });
    expect((await l.take('turn', 'k', new Date(61_000))).ok).toBe(true);
    // in the next window the first refusal is told again, the rest are silent
    const results = await Promise.all(Array.from({ length: 25 }, () => l.take('turn', 'k', new Date(61_001))));
    expect(results.filter((r) => !r.ok && r.notify)).toHaveLength(1);
    expect(await l.take('turn', 'k', new Date(61_002))).toEqual({ ok: false, notify: false });
  });

  it('a limit of 0 (or an unknown kind) is off', async () => {
    const l = limiter();
    for (let i = 0; i < 100; i++) expect((await l.take('off', 'k', new Date(0))).ok).toBe(true);
    expect((await l.take('nope', 'k', new Date(0))).ok).toBe(true);
  });
});

describe('rate limits through the web chat', () => {
  let bot: RunningBot;
  let n = 0;
  async function chat(session: string, input: unknown): Promise<Reply[]> {
    const res = await fetch(`${bot.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session, messageId: `rl-msg-${++n}`, input }),
    });
    return ((await res.json()) as { replies: Reply[] }).replies;
  }

  beforeAll(async () => {
    bot = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('the 21st turn in a minute is refused with one friendly message; another user is not', async () => {
    for (let i = 0; i < 20; i++) expect((await chat('busy-session-1', { kind: 'text', text: 'hallo' })).length).toBe(1);
    const refused = await chat('busy-session-1', { kind: 'text', text: 'Wat is het IBP?' });
    expect(JSON.stringify(refused)).toMatch(/veel berichten kort na elkaar/);
    expect(await chat('busy-session-1', { kind: 'text', text: 'Wat is het IBP?' })).toEqual([]);
    expect(JSON.stringify(await chat('calm-session-2', { kind: 'text', text: 'Wat is het IBP?' }))).toMatch(/Interbestuurlijk/);
  });

  it('the 6th knelpunt in an hour is refused and not stored', async () => {
    const values = { opgave: 'anders', beschrijving: 'Een knelpunt dat lang genoeg is.', urgentie: 'laag' };
    for (let i = 0; i < 5; i++) expect(JSON.stringify(await chat('reporter-session-3', { kind: 'form', formId: 'knelpunt', values }))).toMatch(/Knelpunt ontvangen/);
    const sixth = await chat('reporter-session-3', { kind: 'form', formId: 'knelpunt', values });
    expect(JSON.stringify(sixth)).toMatch(/al veel knelpunten gemeld/);
    expect(await bot.store.knelpunten.count()).toBe(5);
  });
});

describe('the open web chat, per client address', () => {
  let bot: RunningBot;
  let n = 0;
  const values = { opgave: 'anders', beschrijving: 'Een knelpunt dat lang genoeg is.', urgentie: 'laag' };
  /** One request as a reverse proxy on this machine forwards it (the app trusts loopback proxies), so `from` is the client address. */
  async function chat(from: string, session: string, input: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(`${bot.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ session, messageId: `addr-msg-${++n}`, input }),
    });
    return { status: res.status, text: await res.text() };
  }
  const sessionOf = (from: string, i: number): string => `fresh-session-${from.replace(/\W/g, '')}-${i}`;
  /** What a script does: a fresh session id, ask for the form, submit a knelpunt. */
  async function report(from: string, i: number): Promise<'stored' | 'session refused' | 'knelpunt refused'> {
    const session = sessionOf(from, i);
    const opened = await chat(from, session, { kind: 'text', text: 'knelpunt' });
    if (opened.status === 429) return 'session refused';
    const sent = await chat(from, session, { kind: 'form', formId: 'knelpunt', values });
    if (/Knelpunt ontvangen/.test(sent.text)) return 'stored';
    expect(sent.text).toMatch(/Via deze internetverbinding zijn het afgelopen uur al veel knelpunten gemeld/);
    return 'knelpunt refused';
  }

  beforeAll(async () => {
    // The defaults of the per-address limits (20 new sessions, 10 knelpunten an hour), as shipped.
    bot = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', METRICS_TOKEN: 'ratelimit-test-metrics-token-0123456789' }, { schedulerIntervalMs: 0 });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('40 new sessions from one address file far fewer than 40 knelpunten; another address is unaffected', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await report('203.0.113.7', i));
    const count = (o: string): number => outcomes.filter((x) => x === o).length;
    // Measured: 20 sessions start (the rest get 429), 10 of them file a knelpunt (the rest are told why).
    expect({ stored: count('stored'), sessionRefused: count('session refused'), knelpuntRefused: count('knelpunt refused') })
      .toEqual({ stored: 10, sessionRefused: 20, knelpuntRefused: 10 });
    expect(await bot.store.knelpunten.count()).toBe(10);

    // A refused new session gets a friendly JSON error, in the browser's language.
    const refused = await chat('203.0.113.7', 'one-more-fresh-session', { kind: 'text', text: 'hallo' });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toEqual({ error: expect.stringMatching(/nieuwe gesprekken gestart/), code: 'rate_limited' });
    const english = await fetch(`${bot.url}/api/chat`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ session: 'english-fresh-session', messageId: `addr-msg-${++n}`, locale: 'en', input: { kind: 'text', text: 'hi' } }),
    });
    expect(((await english.json()) as { error: string }).error).toMatch(/new conversations were started/);

    // A session that started before the limit was reached keeps working.
    expect((await chat('203.0.113.7', sessionOf('203.0.113.7', 0), { kind: 'text', text: 'Wat is het IBP?' })).status).toBe(200);

    // Another address (another office): its own buckets.
    expect(await report('198.51.100.23', 0)).toBe('stored');
    expect(await bot.store.knelpunten.count()).toBe(11);

    const metrics = await (await fetch(`${bot.url}/metrics`, { headers: { authorization: 'Bearer ratelimit-test-metrics-token-0123456789' } })).text();
    expect(metrics).toMatch(/ibp_rate_limited_total\{kind="web-session"\} 22/);
    expect(metrics).toMatch(/ibp_rate_limited_total\{kind="web-knelpunt"\} 10/);
  });
});

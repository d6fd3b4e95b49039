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

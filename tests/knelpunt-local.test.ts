import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

let bot: RunningBot;
const logs = new LogCapture();
let n = 0;
const mid = (): string => `kp-msg-${++n}-${Date.now()}`;
const COORD = 'coordinator-session-1';
const REPORTER = 'reporter-session-1';

type ChatResponse = { status: number; replies: Reply[]; notifications: Reply[] };
async function chat(session: string, input: unknown, messageId = mid()): Promise<ChatResponse> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...forwardedFor(session) },
    body: JSON.stringify({ session, messageId, input }),
  });
  const json = (await res.json()) as { replies?: Reply[]; notifications?: Reply[] };
  return { status: res.status, replies: json.replies ?? [], notifications: json.notifications ?? [] };
}
const all = (r: Reply[]): string => JSON.stringify(r);
const valid = { opgave: 'opgave-schulden', beschrijving: 'Schuldhulp en Rijk delen geen gegevens, ook niet met toestemming.', overheden: ['gemeente', 'rijk'], urgentie: 'hoog', anoniem: false };

beforeAll(async () => {
  bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'debug', KNELPUNT_COORDINATORS: `local:${COORD}` },
    { logDestination: logs },
  );
});
afterAll(async () => {
  await bot?.close();
});

describe('knelpunten in the local web chat, over real HTTP', () => {
  it('report -> triage card for the coordinator -> status change -> update for the reporter', async () => {
    expect(all((await chat(COORD, { kind: 'text', text: 'knelpunt triage hier' })).replies)).toMatch(/triagekanaal/);
    const form = await chat(REPORTER, { kind: 'text', text: '/knelpunt' });
    expect(form.replies[0]?.blocks.some((b) => b.kind === 'form' && b.form.id === 'knelpunt')).toBe(true);

    const submitted = await chat(REPORTER, { kind: 'form', formId: 'knelpunt', values: valid });
    expect(all(submitted.replies)).toMatch(/Knelpunt ontvangen: KP-2026-0001|Knelpunt ontvangen: KP-\d{4}-0001/);

    const coordNext = await chat(COORD, { kind: 'text', text: 'hallo' });
    const triage = coordNext.notifications.find((r) => /Nieuw knelpunt/.test(r.fallbackText));
    expect(triage).toBeDefined();
    const button = triage!.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])).find((b) => b.value.endsWith('|in_behandeling~nl'))!; // ~nl: the card's language

    // the reporter cannot press it
    expect(all((await chat(REPORTER, { kind: 'action', action: button.action, value: button.value })).replies)).toMatch(/alleen de coördinatoren/i);
    const changed = await chat(COORD, { kind: 'action', action: button.action, value: button.value });
    expect(all(changed.replies)).toMatch(/in behandeling/);

    const reporterNext = await chat(REPORTER, { kind: 'text', text: 'knelpunt mijn' });
    expect(all(reporterNext.replies)).toMatch(/in behandeling/);
    expect(all(reporterNext.notifications)).toMatch(/Update over je knelpunt/);
  });

  it('the same submission sent twice gives one knelpunt (409 for the resend)', async () => {
    const before = await bot.store.knelpunten.count();
    const id = mid();
    expect((await chat(REPORTER, { kind: 'form', formId: 'knelpunt', values: valid }, id)).status).toBe(200);
    expect((await chat(REPORTER, { kind: 'form', formId: 'knelpunt', values: valid }, id)).status).toBe(409);
    expect(await bot.store.knelpunten.count()).toBe(before + 1);
  });

  it('200 submissions at once give 200 knelpunten with 200 distinct consecutive references', async () => {
    const before = await bot.store.knelpunten.count();
    const results = await Promise.all(
      // 200 people at once (one session each): the per-user limits stay at their defaults.
      Array.from({ length: 200 }, (_, i) => chat(`load-session-${i}`, { kind: 'form', formId: 'knelpunt', values: { ...valid, anoniem: i % 2 === 0 } })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const list = await bot.store.knelpunten.list();
    expect(list.length).toBe(before + 200);
    const seqs = list.map((k) => k.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
    expect(new Set(list.map((k) => k.ref)).size).toBe(list.length);
  }, 60_000);

  it('anonymous reports leave no session id in the data or the log', async () => {
    const anon = 'anonymous-session-xyz';
    await chat(anon, { kind: 'form', formId: 'knelpunt', values: { ...valid, anoniem: true } });
    const k = (await bot.store.knelpunten.list()).at(-1)!;
    expect(k.reporter).toBeUndefined();
    expect(JSON.stringify(await bot.store.knelpunten.list())).not.toContain(anon);
    expect(JSON.stringify(await bot.store.conversations.list())).not.toContain(anon);
    expect(logs.text).not.toContain(anon);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Block, Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Issue 19 in the web chat, over real HTTP (POST /api/chat): the browser sends the same
 * form twice (two messages, one form) and one knelpunt is made; a stale button changes
 * nothing; the replies say which card they replace (`replacesSource`), for the page to
 * render in place.
 */
let bot: RunningBot;
let n = 0;
const mid = (): string => `forms-msg-${++n}-${Date.now()}`;
const COORD = 'forms-coordinator-1';
const REPORTER = 'forms-reporter-1';

type ChatResponse = { status: number; replies: Reply[]; notifications: Reply[] };
async function chat(session: string, input: unknown): Promise<ChatResponse> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...forwardedFor(session) },
    body: JSON.stringify({ session, messageId: mid(), input }),
  });
  const json = (await res.json()) as { replies?: Reply[]; notifications?: Reply[] };
  return { status: res.status, replies: json.replies ?? [], notifications: json.notifications ?? [] };
}
const textOf = (rs: Reply[]): string =>
  rs.flatMap((r) => r.blocks.map((b: Block) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : b.kind === 'facts' ? b.facts.map((f) => `${f.label}: ${f.value}`).join('\n') : ''))).join('\n');
const buttons = (rs: Reply[]) => rs.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])));
const formOf = (rs: Reply[]) => rs.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'form' ? [b.form] : [])))[0];
const valid = { opgave: 'opgave-schulden', beschrijving: 'Schuldhulp en Rijk delen geen gegevens, ook niet met toestemming.', overheden: ['gemeente', 'rijk'], urgentie: 'hoog', anoniem: false };

beforeAll(async () => {
  bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', KNELPUNT_COORDINATORS: `local:${COORD}` },
    { logDestination: new LogCapture() },
  );
});
afterAll(async () => {
  await bot?.close();
});

describe('the web chat: forms submit once, buttons that went stale change nothing', () => {
  it('the same knelpunt form posted twice (two message ids): one knelpunt; the second answer says "al ontvangen als"', async () => {
    const form = formOf((await chat(REPORTER, { kind: 'text', text: 'knelpunt' })).replies)!;
    const submission = { kind: 'form', formId: 'knelpunt', values: valid, state: form.state };
    const first = await chat(REPORTER, submission);
    expect(first.status).toBe(200);
    const ref = /KP-\d{4}-\d{4}/.exec(textOf(first.replies))![0];
    expect(first.replies[0]).toMatchObject({ replacesSource: true, private: true });
    const second = await chat(REPORTER, submission);
    expect(second.status).toBe(200); // answered, not a 409: it is a new message of the same form
    expect(textOf(second.replies)).toContain(`Dit knelpunt is al ontvangen als ${ref}`);
    expect(second.replies[0]?.replacesSource).toBe(true);
    expect(await bot.store.knelpunten.count()).toBe(1);
    // both at once
    const form2 = formOf((await chat(REPORTER, { kind: 'text', text: 'knelpunt' })).replies)!;
    const both = await Promise.all([1, 2].map(() => chat(REPORTER, { kind: 'form', formId: 'knelpunt', values: valid, state: form2.state })));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(new Set(both.map((r) => /KP-\d{4}-\d{4}/.exec(textOf(r.replies))?.[0])).size).toBe(1);
    expect(await bot.store.knelpunten.count()).toBe(2);
  });

  it('feedback pressed three times counts once, as the last choice; each reply replaces the answer card', async () => {
    const answer = await chat(REPORTER, { kind: 'text', text: 'Wat is de zevende zekerheid?' });
    const [yes, no] = buttons(answer.replies).filter((b) => b.action === 'feedback');
    const before = await bot.store.feedback.count();
    let last: ChatResponse | undefined;
    for (const b of [no!, no!, yes!]) last = await chat(REPORTER, { kind: 'action', action: b.action, value: b.value });
    expect(await bot.store.feedback.count()).toBe(before + 1);
    expect((await bot.store.feedback.list()).at(-1)?.value).toBe('helpful');
    expect(last!.replies[0]?.replacesSource).toBe(true);
    expect(buttons(last!.replies).filter((b) => b.action === 'feedback').map((b) => b.label)).toEqual(['Toch niet nuttig']);
  });

  it('a coordinator\'s stale status button changes nothing and gets the card as it is, to replace the stale one', async () => {
    const overview = await chat(COORD, { kind: 'text', text: 'knelpunt overzicht' });
    const take = buttons(overview.replies).find((b) => b.value.endsWith('|nieuw|in_behandeling|o~nl'))!; // ~nl: the card's language
    const ok = await chat(COORD, { kind: 'action', action: take.action, value: take.value });
    expect(ok.replies).toHaveLength(1);
    expect(ok.replies[0]?.replacesSource).toBe(true);
    const stale = await chat(COORD, { kind: 'action', action: take.action, value: take.value });
    expect(stale.replies[0]?.replacesSource).toBe(true);
    expect(textOf(stale.replies)).toMatch(/was al gewijzigd/);
    const ref = take.value.split('|')[0]!;
    expect((await bot.store.knelpunten.get(ref))?.history).toHaveLength(1);
  });
});

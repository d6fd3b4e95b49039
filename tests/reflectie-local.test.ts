import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

let n = 0;
const mid = (): string => `refl-msg-${++n}-${Date.now()}`;
type ChatResponse = { status: number; replies: Reply[]; notifications: Reply[] };
async function chat(bot: RunningBot, session: string, input: unknown): Promise<ChatResponse> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, messageId: mid(), input }),
  });
  const json = (await res.json()) as { replies?: Reply[]; notifications?: Reply[] };
  return { status: res.status, replies: json.replies ?? [], notifications: json.notifications ?? [] };
}
const text = (rs: Reply[]): string =>
  rs.flatMap((r) => r.blocks.map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : b.kind === 'facts' ? b.facts.map((f) => `${f.label}: ${f.value}`).join('\n') : ''))).join('\n');
const buttons = (rs: Reply[]) => rs.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])));
const formState = (rs: Reply[]): string | undefined => rs.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'form' ? [b.form.state] : [])))[0];

const env = (dataDir: string) => ({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' as const, LOG_LEVEL: 'debug' });
const running: RunningBot[] = [];
afterAll(async () => {
  for (const b of running) await b.close();
});

describe('reflectie in the local web chat, over real HTTP', () => {
  it('plan -> the scheduler sends a nudge into the session -> button -> form -> (a personal chat: keep, never "shared") -> planning shows the result', async () => {
    let now = new Date('2026-11-23T10:00:00Z');
    const logs = new LogCapture();
    const bot = await startBot(env(tempDir()), { logDestination: logs, now: () => now, schedulerIntervalMs: 0 });
    running.push(bot);
    const S = 'reflectie-session-a';
    // the first turn stores the session's conversation reference, so the scheduler can reach it
    const planned = await chat(bot, S, { kind: 'text', text: 'reflectie plan elke vrijdag 15:00' });
    expect(planned.status).toBe(200);
    expect(text(planned.replies)).toMatch(/Afgesproken: elke vrijdag 15:00\. De eerste herinnering komt op vrijdag 27 november 2026, 15:00/);

    now = new Date('2026-11-27T14:00:20Z');
    expect((await bot.scheduler.tick()).sent).toBe(1);
    expect((await bot.scheduler.tick()).sent).toBe(0);
    const next = await chat(bot, S, { kind: 'text', text: 'hallo' });
    const nudge = next.notifications.find((r) => /Tijd voor een korte reflectie/.test(r.fallbackText));
    expect(nudge).toBeDefined();
    const start = buttons([nudge!])[0]!;
    expect(start).toMatchObject({ action: 'reflectie.start', value: `local:web-${S}~nl` }); // ~nl: the card's language

    const form = await chat(bot, S, { kind: 'action', action: start.action, value: start.value });
    const state = formState(form.replies);
    expect(state).toBeTruthy();
    const invalid = await chat(bot, S, { kind: 'form', formId: 'reflectie', values: { goed: '' }, state });
    expect(text(invalid.replies)).toMatch(/Er klopt nog iets niet/);
    const summary = await chat(bot, S, { kind: 'form', formId: 'reflectie', values: { goed: 'De nudge hielp ons stil te staan.', zekerheid: 'zekerheid-7' }, state });
    expect(text(summary.replies)).toMatch(/Je reflectie[\s\S]*De nudge hielp/);
    // the web chat is a personal chat: nothing to share it in, and the summary says how to share from a channel
    expect(buttons(summary.replies).map((b) => b.action)).toEqual(['reflectie.keep']);
    expect(text(summary.replies)).toMatch(/persoonlijk gesprek[\s\S]*reflectie delen/);
    // the same form submitted again (the browser sends it twice): the same summary, nothing more
    const twice = await chat(bot, S, { kind: 'form', formId: 'reflectie', values: { goed: 'Anders' }, state });
    expect(buttons(twice.replies).map((b) => b.value)).toEqual(buttons(summary.replies).map((b) => b.value));
    const keep = buttons(summary.replies)[0]!;
    const kept = await chat(bot, S, { kind: 'action', action: keep.action, value: keep.value });
    expect(text(kept.replies)).toMatch(/blijft van jou/);
    expect(text([...kept.replies, ...kept.notifications])).not.toMatch(/Gedeeld/);
    expect(await bot.store.reflections.count()).toBe(0);

    const planning = await chat(bot, S, { kind: 'text', text: 'reflectie planning' });
    expect(text(planning.replies)).toMatch(/elke vrijdag 15:00: volgende: vrijdag 4 december 2026, 15:00; laatste: verstuurd \(vrijdag 27 november 2026, 15:00\)/);
  });

  it('a step-by-step dialogue survives a restart of the server', async () => {
    const dir = tempDir();
    const S = 'reflectie-session-b';
    const first = await startBot(env(dir), { schedulerIntervalMs: 0 });
    expect(text((await chat(first, S, { kind: 'text', text: 'reflectie stap voor stap' })).replies)).toMatch(/Vraag 1 van 5/);
    expect(text((await chat(first, S, { kind: 'text', text: 'We hielden elkaar op de hoogte.' })).replies)).toMatch(/Vraag 2 van 5/);
    await first.close();

    const second = await startBot(env(dir), { schedulerIntervalMs: 0 });
    running.push(second);
    expect(text((await chat(second, S, { kind: 'text', text: 'Minder vergaderen.' })).replies)).toMatch(/Vraag 3 van 5/);
    await chat(second, S, { kind: 'text', text: 'overslaan' });
    await chat(second, S, { kind: 'text', text: 'overslaan' });
    const summary = await chat(second, S, { kind: 'text', text: '7' });
    expect(text(summary.replies)).toMatch(/We hielden elkaar op de hoogte[\s\S]*Minder vergaderen[\s\S]*Zekerheid: 7\./);
    const keep = buttons(summary.replies).find((b) => b.action === 'reflectie.keep')!;
    expect(text((await chat(second, S, { kind: 'action', action: keep.action, value: keep.value })).replies)).toMatch(/blijft van jou/);
    expect(await second.store.reflections.count()).toBe(0);
  });
});

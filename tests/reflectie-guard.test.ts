import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { stepKey } from '../src/core/reflectie/dialogue.js';
import { reflectieFeature } from '../src/core/reflectie/feature.js';
import { toPlainText } from '../src/domain/richtext.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { testBot, turn } from './helpers/core.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

/** Issue 18, "reflection keeps questions apart". */

const text = (rs: Reply[]): string =>
  rs.flatMap((r) => r.blocks.map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : ''))).join('\n');
const buttons = (rs: Reply[]) => rs.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])));
const GUARD = /Is dit je antwoord, of wil je dit vragen\?/;

describe('a step-by-step reflection and questions to the bot (core)', () => {
  async function started() {
    const t = await testBot({ features: [reflectieFeature()] });
    await t.bot.handle(turn('reflectie stap voor stap'));
    const dialogue = () => t.store.dialogues.get(stepKey(turn('x')), new Date('2026-11-23T10:00:00Z'));
    return { ...t, dialogue };
  }

  it('a question is not taken as the answer: "Stel als vraag" answers it, then asks the reflection question again', async () => {
    const { bot, dialogue } = await started();
    const asked = await bot.handle(turn('Wat is de zevende zekerheid?'));
    expect(asked.route).toBe('dialogue:reflectie');
    expect(text(asked.replies)).toMatch(GUARD);
    expect(text(asked.replies)).toContain('Wat is de zevende zekerheid?');
    expect(buttons(asked.replies).map((b) => b.label)).toEqual(['Dit is mijn antwoord', 'Stel als vraag']);
    expect(await dialogue()).toMatchObject({ step: 0, answers: {} });

    const ask = buttons(asked.replies).find((b) => b.label === 'Stel als vraag')!;
    const res = await bot.handle(turn({ kind: 'action', action: ask.action, value: ask.value }));
    expect(res.outcome).toBe('answered');
    expect(res.replies[0]).toMatchObject({ replacesSource: true });
    expect(buttons([res.replies[0]!])).toEqual([]);
    expect(res.replies[1]!.blocks[0]).toEqual({ kind: 'heading', text: 'Er gaan altijd dingen mis, blijf leren!' });
    expect(text([res.replies[2]!])).toMatch(/verder met je reflectie[\s\S]*Vraag 1 van 5[\s\S]*Wat ging goed\?/);
    expect(await dialogue()).toMatchObject({ step: 0, answers: {} });
    // a real answer then goes on as usual
    expect(text((await bot.handle(turn('We werkten goed samen met de provincie.'))).replies)).toMatch(/Vraag 2 van 5/);
    expect((await dialogue())?.answers).toEqual({ goed: 'We werkten goed samen met de provincie.' });
  });

  it('"Dit is mijn antwoord" stores it as the answer and goes on; a command typed without slash is asked about too', async () => {
    const { bot, dialogue } = await started();
    const asked = await bot.handle(turn('help'));
    expect(text(asked.replies)).toMatch(GUARD);
    const mine = buttons(asked.replies).find((b) => b.label === 'Dit is mijn antwoord')!;
    const res = await bot.handle(turn({ kind: 'action', action: mine.action, value: mine.value }));
    expect(text([res.replies[0]!])).toMatch(/Bewaard als je antwoord/);
    expect(text(res.replies)).toMatch(/Vraag 2 van 5/);
    expect(await dialogue()).toMatchObject({ step: 1, answers: { goed: 'help' } });
    // the same button again (a double click) stores nothing more
    const again = await bot.handle(turn({ kind: 'action', action: mine.action, value: mine.value }));
    expect(again.outcome).toBe('invalid');
    expect(await dialogue()).toMatchObject({ step: 1, answers: { goed: 'help' } });
  });

  it('an answer that only looks like a question (nothing in the knowledge base) or is long is taken as the answer', async () => {
    const { bot, dialogue } = await started();
    expect(text((await bot.handle(turn('Zullen we vaker pizza eten?'))).replies)).toMatch(/Vraag 2 van 5/);
    const long = `Hoe we samenwerkten: ${'wekelijks overleg met gemeenten en provincie, '.repeat(10)}?`;
    expect(text((await bot.handle(turn(long))).replies)).toMatch(/Vraag 3 van 5/);
    expect((await dialogue())?.answers).toEqual({ goed: 'Zullen we vaker pizza eten?', beter: long });
    // a choice step: a choice is an answer, not a question
    await bot.handle(turn('overslaan'));
    expect(text((await bot.handle(turn('wonen?'))).replies)).toMatch(/Vraag 5 van 5/);
  });

  it('hostile text in the guard card stays plain text, and a forged button value changes nothing', async () => {
    const { bot, dialogue } = await started();
    const hostile = 'Wat is de **zevende zekerheid** <!channel> <script>?';
    const asked = await bot.handle(turn(hostile));
    expect(text(asked.replies)).toMatch(GUARD);
    expect(asked.replies[0]!.blocks[0]).toEqual({ kind: 'text', rich: expect.anything() });
    expect(toPlainText((asked.replies[0]!.blocks[0] as { rich: Parameters<typeof toPlainText>[0] }).rich)).toBe(hostile);
    for (const value of ['answer|x|hoi', 'answer|0|', 'ask|99|', 'answer|7|hoi']) {
      await bot.handle(turn({ kind: 'action', action: 'reflectie.step', value }));
    }
    expect(await dialogue()).toMatchObject({ step: 0, answers: {} });
  });
});

describe('the guard through the web chat, over real HTTP', () => {
  let bot: RunningBot;
  let n = 0;
  const chat = async (input: unknown): Promise<Reply[]> => {
    const res = await fetch(`${bot.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...forwardedFor('guard-tester') },
      body: JSON.stringify({ session: 'session-guard-test', messageId: `guard-${++n}-${Date.now()}`, input }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { replies: Reply[] }).replies;
  };
  beforeAll(async () => {
    bot = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' }, { schedulerIntervalMs: 0 });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });

  it('asks, answers the question, repeats the reflection question, and keeps the question out of the reflection', async () => {
    await chat({ kind: 'text', text: 'reflectie stap voor stap' });
    const asked = await chat({ kind: 'text', text: 'Wat is de zevende zekerheid?' });
    expect(text(asked)).toMatch(GUARD);
    const ask = buttons(asked).find((b) => b.label === 'Stel als vraag')!;
    const answered = await chat({ kind: 'action', action: ask.action, value: ask.value });
    expect(text(answered)).toMatch(/Er gaan altijd dingen mis, blijf leren![\s\S]*Vraag 1 van 5/);
    await chat({ kind: 'text', text: 'De samenwerking ging goed.' });
    for (let i = 0; i < 3; i++) await chat({ kind: 'text', text: 'overslaan' });
    const summary = await chat({ kind: 'text', text: 'overslaan' });
    expect(text(summary)).toMatch(/Je reflectie[\s\S]*De samenwerking ging goed\./);
    expect(text(summary)).not.toMatch(/zevende zekerheid/);
  }, 30_000);
});

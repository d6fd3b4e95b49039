import { readCardLanguage } from '../src/core/card-language.js';
import { describe, expect, it } from 'vitest';
import type { Block, Reply } from '../src/core/reply.js';
import { MAX_GAP_TEXT } from '../src/core/qa.js';
import { testBot, turn } from './helpers/core.js';

/** Issue 18, "every miss teaches": the core's side (the dashboard's in dashboard-http.test.ts). */

const buttons = (r: Reply): { label: string; action: string; value: string }[] =>
  r.blocks.flatMap((b: Block) => (b.kind === 'buttons' ? b.buttons : []));
const press = (b: { action: string; value: string }, over: Parameters<typeof turn>[1] = {}) => turn({ kind: 'action', action: b.action, value: b.value }, over);

describe('every miss teaches', () => {
  it('"Bedoelde je…" becomes a gap with what was offered; pressing a suggestion records the pick, and its answer carries the question', async () => {
    const { bot, store } = await testBot();
    const res = await bot.handle(turn('gemeente en werk', { user: { id: 'U-SECRET', name: 'Jan Jansen' } }));
    expect(res.outcome).toBe('suggested');
    const suggestions = buttons(res.replies[0]!).filter((b) => b.action === 'topic');
    const [gap] = await store.gaps.list();
    expect(gap).toEqual({
      id: expect.any(String), text: 'gemeente en werk', locale: 'nl', platform: 'local', at: '2026-11-23T10:00:00.000Z',
      outcome: 'suggested', offered: suggestions.map((b) => b.value.split('|')[0]),
    });
    expect(gap!.offered).toEqual(['opgave-migratie', 'opgave-schulden', 'opgave-financiele-verhoudingen']);
    expect(JSON.stringify(gap)).not.toMatch(/U-SECRET|Jan/);
    // every suggestion names the gap
    for (const b of suggestions) expect(b.value).toBe(`${b.value.split('|')[0]}||${gap!.id}~nl`);

    const schulden = suggestions.find((b) => b.value.startsWith('opgave-schulden|'))!;
    const answer = await bot.handle(press(schulden));
    expect(answer.outcome).toBe('answered');
    expect(await store.gaps.get(gap!.id)).toMatchObject({ picked: 'opgave-schulden' });
    // the answer's feedback buttons carry the question that was asked
    const no = buttons(answer.replies[0]!).find((b) => b.value.includes('|not_helpful|'))!;
    expect(no.value).toMatch(/^opgave-schulden\|not_helpful\|[\w-]{12}\|nl\|gemeente en werk~nl$/);
  });

  it('a forged pick (an entry that was not offered, an unknown gap) changes no gap, and still shows the topic', async () => {
    const { bot, store } = await testBot();
    await bot.handle(turn('gemeente en werk'));
    const [gap] = await store.gaps.list();
    const res = await bot.handle(turn({ kind: 'action', action: 'topic', value: `zekerheid-7||${gap!.id}` }));
    expect(res.outcome).toBe('answered');
    expect(await bot.handle(turn({ kind: 'action', action: 'topic', value: 'zekerheid-7||bestaat-niet' }))).toMatchObject({ outcome: 'answered' });
    expect(await bot.handle(turn({ kind: 'action', action: 'topic', value: 'zekerheid-7||<script>' }))).toMatchObject({ outcome: 'answered' });
    expect((await store.gaps.get(gap!.id))?.picked).toBeUndefined();
    // no other gap's question shows on the card
    expect(JSON.stringify(res.replies)).not.toContain('gemeente en werk');
  });

  it('a question that ends in "~en" keeps it through the feedback button', async () => {
    const { bot, store } = await testBot();
    const card = (await bot.handle(turn('Wat is de zevende zekerheid ~en'))).replies[0]!;
    const no = buttons(card).find((b) => b.value.includes('|not_helpful|'))!;
    expect(no.value).toMatch(/\|Wat is de zevende zekerheid ~en~nl$/);
    await bot.handle(press(no));
    expect((await store.feedback.list()).map((f) => f.question)).toEqual(['Wat is de zevende zekerheid ~en']);
  });

  it('a forged pick naming a not-helpful gap records nothing and shows no question of it', async () => {
    const { bot, store } = await testBot();
    const card = (await bot.handle(turn('Wat is de zevende zekerheid?'))).replies[0]!;
    const no = buttons(card).find((b) => b.value.includes('|not_helpful|'))!;
    await bot.handle(press(no));
    const [gap] = await store.gaps.list({ outcome: 'not-helpful' });
    const res = await bot.handle(turn({ kind: 'action', action: 'topic', value: `zekerheid-7||${gap!.id}` }));
    expect(res.outcome).toBe('answered');
    expect((await store.gaps.get(gap!.id))?.picked).toBeUndefined();
    expect(JSON.stringify(res.replies)).not.toContain('Wat is de zevende zekerheid?');
  });

  it('"weet ik niet" becomes an unknown gap, with nothing offered', async () => {
    const { bot, store } = await testBot();
    expect((await bot.handle(turn('hoe laat vertrekt de trein naar Zwolle'))).outcome).toBe('unknown');
    expect(await store.gaps.list()).toEqual([expect.objectContaining({ outcome: 'unknown', text: 'hoe laat vertrekt de trein naar Zwolle' })]);
    expect((await store.gaps.list())[0]).not.toHaveProperty('offered');
  });

  it('"niet nuttig" is stored with the question and the entry, and becomes one not-helpful gap per answer', async () => {
    const { bot, store } = await testBot();
    const card = (await bot.handle(turn('Wat is de zevende zekerheid?'))).replies[0]!;
    const [yes, no] = buttons(card).filter((b) => b.action === 'feedback');
    await bot.handle(press(no!));
    await bot.handle(press(no!)); // again
    await bot.handle(press(no!, { user: { id: 'user-2' }, conversation: { id: 'C1', kind: 'channel' } })); // someone else, same answer
    await bot.handle(press(yes!, { user: { id: 'user-3' } }));
    const feedback = await store.feedback.list();
    expect(feedback.map((f) => [f.entryId, f.value, f.question])).toEqual([
      ['zekerheid-7', 'not_helpful', 'Wat is de zevende zekerheid?'],
      ['zekerheid-7', 'not_helpful', 'Wat is de zevende zekerheid?'],
      ['zekerheid-7', 'helpful', 'Wat is de zevende zekerheid?'],
    ]);
    const gaps = await store.gaps.list();
    expect(gaps).toEqual([{
      id: `not-helpful:${no!.value.split('|')[2]}`, text: 'Wat is de zevende zekerheid?', locale: 'nl', platform: 'local', at: '2026-11-23T10:00:00.000Z',
      outcome: 'not-helpful', offered: ['zekerheid-7'],
    }]);
    // the replaced card keeps the question in its buttons
    const replaced = (await bot.handle(press(no!))).replies[0]!;
    expect(buttons(replaced).find((b) => b.action === 'feedback')!.value).toBe(yes!.value);
    // a card from before questions travelled: the entry's title says what the answer was about
    await bot.handle(turn({ kind: 'action', action: 'feedback', value: 'ibp|not_helpful' }));
    expect((await store.gaps.list({ outcome: 'not-helpful' })).map((g) => g.id)).toEqual([gaps[0]!.id, 'not-helpful:entry:ibp']);
  });

  it('hostile and huge questions are cleaned and bounded the same in the gap, the buttons and the feedback', async () => {
    const { bot, store } = await testBot();
    const hostile = `<!channel> *vet* ${'zevende zekerheid '.repeat(3)}\u0000\uD800 ${'😀'.repeat(600)}`;
    const res = await bot.handle(turn(hostile));
    const gapsOrCard = res.outcome === 'answered' ? buttons(res.replies[0]!).find((b) => b.value.includes('|not_helpful|'))! : undefined;
    if (gapsOrCard) {
      // The value ends in the card's language (`~nl`, src/core/card-language.ts), after the question.
      const q = readCardLanguage(gapsOrCard.value).value.split('|').slice(4).join('|');
      expect(q.length).toBeLessThanOrEqual(MAX_GAP_TEXT);
      expect(q.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(q)).toBe(false);
      await bot.handle(press(gapsOrCard));
      const [fb] = await store.feedback.list();
      expect(fb!.question).toBe(q);
    }
    const [gap] = await store.gaps.list();
    expect(gap!.text.length).toBeLessThanOrEqual(MAX_GAP_TEXT);
    expect(gap!.text.startsWith('<!channel> *vet*')).toBe(true);
    expect(gap!.text.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(gap!.text)).toBe(false);
  });
});

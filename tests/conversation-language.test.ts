import { describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../src/core/ratelimit.js';
import { memoryRateLimits } from '../src/store/kinds/rate-limits/lowdb.js';
import { openCardLanguage, readCardLanguage, stampCardLanguage } from '../src/core/card-language.js';
import { parseLanguageName, recipientLocale } from '../src/core/conversation-language.js';
import { block, reply } from '../src/core/reply.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { LanguageRepo } from '../src/store/types.js';
import { testBot, turn } from './helpers/core.js';

describe('a card carries its language (src/core/card-language.ts)', () => {
  const card = reply('nl', 'kaart', [
    block.markdown('Tekst'),
    block.buttons([{ label: 'Ja', action: 'feedback', value: 'ibp|helpful|a1|nl' }, { label: 'Leeg', action: 'x', value: '' }]),
    block.form({ id: 'f', title: 'F', submitLabel: 'Verstuur', fields: [] }),
  ]);

  it('every button value and form state ends in it; a stamped reply is not stamped again; it reads back', () => {
    const stamped = stampCardLanguage(card);
    const values = stamped.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons.map((x) => x.value) : b.kind === 'form' ? [b.form.state] : []));
    expect(values).toEqual(['ibp|helpful|a1|nl~nl', '~nl', '~nl']);
    expect(stampCardLanguage(stamped)).toBe(stamped);
    expect(stampCardLanguage({ ...stamped }).blocks).toBe(stamped.blocks); // a copy is stamped too
    expect(JSON.stringify(stamped)).toBe(JSON.stringify({ ...card, blocks: stamped.blocks })); // the mark never reaches the wire
    expect(readCardLanguage('ibp|helpful|a1|nl~en')).toEqual({ locale: 'en', value: 'ibp|helpful|a1|nl' });
    expect(readCardLanguage('KP-2026-0001|nieuw|in_behandeling')).toEqual({ value: 'KP-2026-0001|nieuw|in_behandeling' }); // a card from before
    expect(readCardLanguage('x~de')).toEqual({ value: 'x~de' });
    // Text someone typed may end in what looks like a stamp: it keeps it.
    const typed = stampCardLanguage(reply('nl', 'kaart', [block.buttons([{ label: 'Nee', action: 'feedback', value: 'ibp|not_helpful|a1|nl|What is IBP ~en' }])]));
    const value = typed.blocks[0]!.kind === 'buttons' ? typed.blocks[0]!.buttons[0]!.value : '';
    expect(readCardLanguage(value)).toEqual({ locale: 'nl', value: 'ibp|not_helpful|a1|nl|What is IBP ~en' });
    // Never over the platforms' limit: the text gives way, not the stamp (and no surrogate pair is cut).
    const long = `ibp|not_helpful|a1|nl|${'a'.repeat(1974)}😀😀`;
    const cut = stampCardLanguage(reply('en', 'kaart', [block.buttons([{ label: 'No', action: 'feedback', value: long }]), block.form({ id: 'f', title: 'F', submitLabel: 'OK', fields: [], state: long })]));
    const cutValues = cut.blocks.map((b) => (b.kind === 'buttons' ? b.buttons[0]!.value : b.kind === 'form' ? b.form.state! : ''));
    for (const v of cutValues) {
      expect(v.length).toBeLessThanOrEqual(2000);
      expect(readCardLanguage(v)).toEqual({ locale: 'en', value: long.slice(0, 1996) });
    }
    const plain = reply('en', 'text', [block.markdown('no buttons')]);
    expect(stampCardLanguage(plain)).toBe(plain);
  });

  it('the turn gets the value as the feature made it; a form whose only state was the language has none', () => {
    const action = openCardLanguage(turn({ kind: 'action', action: 'topic', value: 'zekerheid-7~en' }));
    expect(action).toMatchObject({ card: 'en', turn: { input: { value: 'zekerheid-7' } } });
    const form = openCardLanguage(turn({ kind: 'form', formId: 'f', values: {}, state: '~nl' }));
    expect(form.card).toBe('nl');
    expect(form.turn.input).toEqual({ kind: 'form', formId: 'f', values: {} });
    expect(openCardLanguage(turn('hallo')).card).toBeUndefined();
  });
});

describe('a conversation remembers its language (src/core/conversation-language.ts)', () => {
  it('is read once per turn, after the rate limit and the redelivery check: a flood, a retry and `taal` cost no extra read', async () => {
    const limits = new RateLimiter({ turn: { limit: 3, windowMs: 60_000 } }, memoryRateLimits());
    const { bot, store } = await testBot({ limits });
    const get = vi.spyOn(store.languages, 'get');
    const getMany = vi.spyOn(store.languages, 'getMany');
    const reads = (): number => get.mock.calls.length + getMany.mock.calls.length;
    const first = turn('taal en');
    expect((await bot.handle(first)).outcome).toBe('command');
    expect(reads()).toBe(1); // `taal` uses the turn's read
    expect((await bot.handle(first)).outcome).toBe('duplicate');
    expect(reads()).toBe(1);
    expect((await bot.handle(turn('help'))).locale).toBe('en'); // what has no words of its own follows what was read
    expect(reads()).toBe(2);
    for (let i = 0; i < 5; i++) expect((await bot.handle(turn('help'))).outcome).toBe('limited');
    expect(reads()).toBe(2);
    expect((await store.languages.get('conversation:local:conv-1'))).toMatchObject({ locale: 'en', source: 'command' });
  });

  /** A store that counts the language writes the core asks for. */
  function countingStore(): { store: LowdbStore; writes: () => number } {
    const store = LowdbStore.openInMemory();
    const repo = store.languages as LanguageRepo;
    const set = repo.set.bind(repo);
    let n = 0;
    Object.defineProperty(store, 'languages', { value: { ...repo, set: (r: Parameters<LanguageRepo['set']>[0]) => ((n += 1), set(r)) } });
    return { store, writes: () => n };
  }

  it('writes only when the language changes, not on every turn', async () => {
    const { store, writes } = countingStore();
    const { bot } = await testBot({ store });
    const personal = { user: { id: 'u-write', locale: 'en-US' }, conversation: { id: 'c-write', kind: 'personal' as const } };
    for (const q of ['Wat is de zevende zekerheid?', 'Welke opgaven zijn er?', 'Wat is het IBP?', 'help', 'ok']) {
      expect((await bot.handle(turn(q, personal))).locale, q).toBe('nl');
    }
    expect(writes()).toBe(2); // the conversation and the person, once
    expect((await bot.handle(turn('What is the seventh zekerheid about?', personal))).locale).toBe('en');
    expect(writes()).toBe(4);
    expect((await bot.handle(turn('help', personal))).locale).toBe('en');
    expect(writes()).toBe(4);
  });

  it('in a channel the channel remembers, not the person; words never undo `taal`; `taal` alone tells', async () => {
    const { bot, store } = await testBot();
    const inChannel = (text: string, user = 'u-anna') => turn(text, { platform: 'slack', user: { id: user }, conversation: { id: 'C-taal', kind: 'channel' } });
    await bot.handle(inChannel('What is the seventh zekerheid about?'));
    expect(await store.languages.get('conversation:slack:C-taal')).toMatchObject({ locale: 'en', source: 'words' });
    expect(await store.languages.get('person:slack:u-anna')).toBeUndefined();
    expect((await bot.handle(inChannel('help', 'u-bert'))).locale).toBe('en');
    const set = await bot.handle(inChannel('taal nl'));
    expect(set.replies[0]!.locale).toBe('nl');
    expect(await store.languages.get('conversation:slack:C-taal')).toMatchObject({ locale: 'nl', source: 'command' });
    expect((await bot.handle(inChannel('What is the seventh zekerheid about?'))).locale).toBe('en'); // the words decide this answer…
    expect(await store.languages.get('conversation:slack:C-taal')).toMatchObject({ locale: 'nl', source: 'command' }); // …not the channel's language
    expect(await recipientLocale(store, { conversation: 'slack:C-taal' }, 'en')).toBe('nl');
    const told = await bot.handle(inChannel('taal'));
    expect(told.replies[0]!.fallbackText).toMatch(/Ik praat hier Nederlands\. Dat is hier zo ingesteld\./);
    // "Taal van de overheid?" is a question, not a command
    const question = await bot.handle(inChannel('taal van de overheid in het ibp'));
    expect(['answered', 'suggested', 'unknown']).toContain(question.outcome);
    expect(question.replies[0]!.fallbackText).not.toMatch(/taal ken ik niet/);
  });

  it('a person\'s language reaches them privately; else that of where they wrote; else the fallback', async () => {
    const { bot, store } = await testBot();
    await bot.handle(turn('What is the seventh zekerheid about?', { platform: 'teams', user: { id: '29:p' }, conversation: { id: 'a:p', kind: 'personal' } }));
    expect(await recipientLocale(store, { user: { platform: 'teams', userId: '29:p' } }, 'nl')).toBe('en');
    await store.languages.set({ key: 'conversation:slack:C9', locale: 'en', source: 'words', updatedAt: new Date().toISOString() });
    expect(await recipientLocale(store, { user: { platform: 'slack', userId: 'U9', conversationKey: 'slack:C9' } }, 'nl')).toBe('en');
    expect(await recipientLocale(store, { user: { platform: 'slack', userId: 'U9' } }, 'nl')).toBe('nl');
    expect(await recipientLocale(store, { conversation: 'slack:unknown' }, 'en')).toBe('en');
  });

  it('language names', () => {
    expect(['nl', 'NL', ' Nederlands ', 'dutch', 'nl-BE'].map(parseLanguageName)).toEqual(['nl', 'nl', 'nl', 'nl', 'nl']);
    expect(['en', 'English', 'engels', 'en-GB'].map(parseLanguageName)).toEqual(['en', 'en', 'en', 'en']);
    expect(['de', '', '<!channel>', 'constructor', '__proto__', 'toString'].map(parseLanguageName)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

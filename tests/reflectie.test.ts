import { describe, expect, it } from 'vitest';
import { readCardLanguage } from '../src/core/card-language.js';
import { authorKeyOf } from '../src/core/reflectie/dialogue.js';
import { reflectieFeature } from '../src/core/reflectie/feature.js';
import { ANSWER_MAX, validateReflectie } from '../src/core/reflectie/form.js';
import type { Block, Form, Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import type { Turn } from '../src/domain/turn.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { Store } from '../src/store/types.js';
import { RecordingOutbox, testBot, turn } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const formOf = (r: Reply): Form | undefined => r.blocks.flatMap((b: Block) => (b.kind === 'form' ? [b.form] : []))[0];
const textOf = (r: Reply): string =>
  r.blocks
    .map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : b.kind === 'facts' ? b.facts.map((f) => `${f.label}: ${f.value}`).join('\n') : ''))
    .join('\n');
/** The buttons as the feature made them: without the card's language that ends every value (src/core/card-language.ts). */
const buttonsOf = (r: Reply) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons.map((x) => ({ ...x, value: readCardLanguage(x.value).value })) : []));

const ALICE = { id: 'U-ALICE', name: 'Alice Ambtenaar' };
const BOB = { id: 'U-BOB', name: 'Bob' };
const CHANNEL: Turn['conversation'] = { id: 'C-TEAM', kind: 'channel' };
const slack = (input: Turn['input'] | string, user: Turn['user'] = ALICE, conversation = CHANNEL): Turn => turn(input, { platform: 'slack', user, conversation });

async function setup(opts: { store?: Store; now?: () => Date } = {}) {
  const outbox = new RecordingOutbox();
  const env = await testBot({ outbox, features: [reflectieFeature()], now: opts.now ?? (() => NOW), ...(opts.store ? { store: opts.store } : {}) });
  return { ...env, outbox };
}

const filled = { goed: 'We plannen nu samen met de provincie.', beter: 'Eerder de waterschappen betrekken.', meenemen: 'Een gezamenlijke planning werkt.', opgave: 'opgave-wonen', zekerheid: 'zekerheid-7' };

/** Opens the form and submits it; returns the summary reply. */
async function submitReflection(bot: Awaited<ReturnType<typeof setup>>['bot'], values: Record<string, string> = filled, user: Turn['user'] = ALICE, conversation = CHANNEL) {
  const open = await bot.handle(slack('reflectie', user, conversation));
  const state = formOf(open.replies[0]!)!.state;
  return bot.handle(slack({ kind: 'form', formId: 'reflectie', values, ...(state ? { state } : {}) }, user, conversation));
}

describe('reflection form validation (pure)', () => {
  const opg = ['opgave-wonen'];
  const zek = ['zekerheid-7'];
  it('every answer optional, but at least one; the error sits next to the first field', () => {
    expect(validateReflectie({ beter: '  Sneller beslissen \r\n' }, opg, zek, 'nl')).toEqual({ ok: true, value: { beter: 'Sneller beslissen' } });
    expect(validateReflectie({ goed: ' ', opgave: 'opgave-wonen' }, opg, zek, 'nl')).toEqual({ ok: false, errors: { goed: 'Vul minstens één van de drie vragen in.' } });
    expect(validateReflectie({}, opg, zek, 'en')).toEqual({ ok: false, errors: { goed: 'Answer at least one of the three questions.' } });
  });
  it('length limits and choices', () => {
    const r = validateReflectie({ goed: 'x'.repeat(ANSWER_MAX + 1), meenemen: 'ok', opgave: 'opgave-mars', zekerheid: 'zekerheid-9' }, opg, zek, 'nl');
    expect(r).toEqual({ ok: false, errors: { goed: `Schrijf hoogstens ${ANSWER_MAX} tekens.`, opgave: 'Kies een van de opties.', zekerheid: 'Kies een van de opties.' } });
    expect(validateReflectie({ goed: 'x'.repeat(ANSWER_MAX) }, opg, zek, 'nl').ok).toBe(true);
  });
});

describe('reflection dialogue through the core', () => {
  it('`reflectie` and `/reflectie` open a private form: three long texts, opgave (the ten) and zekerheid (1–7)', async () => {
    const { bot } = await setup();
    for (const input of ['reflectie', { kind: 'command' as const, command: '/reflectie', args: '' }]) {
      const res = await bot.handle(slack(input));
      const r = res.replies[0]!;
      expect(r.private).toBe(true);
      const form = formOf(r)!;
      expect(form.id).toBe('reflectie');
      // a one-time id (the form submits once), then the draft id
      expect(form.state).toMatch(/^f1:[\w-]{22}:[0-9a-f-]{36}~nl$/); // …and the form's language
      expect(form.fields.map((f) => [f.id, f.kind, f.required ?? false, f.maxLength])).toEqual([
        ['goed', 'longtext', false, ANSWER_MAX], ['beter', 'longtext', false, ANSWER_MAX], ['meenemen', 'longtext', false, ANSWER_MAX],
        ['opgave', 'select', false, undefined], ['zekerheid', 'select', false, undefined],
      ]);
      expect(form.fields[3]!.options).toHaveLength(10);
      expect(form.fields[4]!.options?.map((o) => o.value)).toEqual(['zekerheid-1', 'zekerheid-2', 'zekerheid-3', 'zekerheid-4', 'zekerheid-5', 'zekerheid-6', 'zekerheid-7']);
      expect(form.fields[4]!.options?.[6]?.label).toBe('7. Er gaan altijd dingen mis, blijf leren!');
    }
  });

  it('an empty form comes back with the error next to the first field, the typed values and the same state; nothing stored', async () => {
    const { bot, store } = await setup();
    const open = await bot.handle(slack('reflectie'));
    const state = formOf(open.replies[0]!)!.state!;
    const res = await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: { goed: '', opgave: 'opgave-klimaat' }, state }));
    expect(res.outcome).toBe('invalid');
    const form = formOf(res.replies[0]!)!;
    expect(form.errors).toEqual({ goed: 'Vul minstens één van de drie vragen in.' });
    // the same draft, in a form with a new one-time id (the first was not accepted)
    expect(form.state!.slice(26)).toBe(state.slice(26));
    expect(res.replies[0]!.replacesSource).toBe(true);
    expect(form.fields.find((f) => f.id === 'opgave')?.initial).toBe('opgave-klimaat');
    expect(await store.reflections.count()).toBe(0);
  });

  it('after submit: a private summary with three choices; nothing is shared or stored as a reflection yet', async () => {
    const { bot, store, outbox } = await setup();
    const res = await submitReflection(bot);
    const summary = res.replies[0]!;
    expect(summary.private).toBe(true);
    expect(textOf(summary)).toMatch(/We plannen nu samen met de provincie/);
    expect(textOf(summary)).toMatch(/Opgave: Wonen|Opgave: .*[Ww]on/);
    expect(textOf(summary)).toMatch(/Zekerheid: 7\. Er gaan altijd dingen mis/);
    expect(buttonsOf(summary).map((b) => [b.action, b.value.split('|')[1] ?? ''])).toEqual([
      ['reflectie.keep', ''], ['reflectie.share', 'named'], ['reflectie.share', 'anon'],
    ]);
    expect(outbox.sent).toEqual([]);
    expect(await store.reflections.count()).toBe(0);
  });

  it('share with my name: posted in the channel, stored with tags and the name; a second click does nothing', async () => {
    const { bot, store, outbox } = await setup();
    const summary = (await submitReflection(bot)).replies[0]!;
    const named = buttonsOf(summary).find((b) => b.value.endsWith('|named'))!;
    const res = await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }));
    expect(textOf(res.replies[0]!)).toMatch(/Gedeeld in het kanaal, met je naam/);
    expect(outbox.sent).toHaveLength(1);
    expect(outbox.sent[0]!.to).toBe('slack:C-TEAM');
    expect(textOf(outbox.sent[0]!.reply)).toMatch(/Reflectie van Alice Ambtenaar/);
    expect(textOf(outbox.sent[0]!.reply)).toMatch(/Eerder de waterschappen betrekken/);
    const [rec] = await store.reflections.list();
    expect(rec).toMatchObject({ ...filled, channelKey: 'slack:C-TEAM', platform: 'slack', anonymous: false, authorName: 'Alice Ambtenaar' });
    // a hash of Alice's id, so a privacy request finds it; not her id itself
    expect(rec!.authorKey).toBe(authorKeyOf('slack', ALICE.id));
    expect(JSON.stringify(rec)).not.toContain(ALICE.id);
    const again = await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }));
    expect(textOf(again.replies[0]!)).toMatch(/verlopen of al afgerond/);
    expect(outbox.sent).toHaveLength(1);
    expect(await store.reflections.count()).toBe(1);
  });

  it('share anonymously: no user id or name in the store, the post or the log line of that turn', async () => {
    const { bot, store, outbox, logs } = await setup();
    const secret = { id: 'U-SECRET-42', name: 'Geheime Gerrit' };
    const summary = (await submitReflection(bot, filled, secret)).replies[0]!;
    const anon = buttonsOf(summary).find((b) => b.value.endsWith('|anon'))!;
    const before = logs.lines.length;
    const res = await bot.handle(slack({ kind: 'action', action: anon.action, value: anon.value }, secret));
    expect(textOf(res.replies[0]!)).toMatch(/Anoniem gedeeld/);
    expect(textOf(outbox.sent[0]!.reply)).toMatch(/Anonieme reflectie/);
    const dump = JSON.stringify({ r: await store.reflections.list(), sent: outbox.sent });
    expect(dump).not.toMatch(/U-SECRET-42|Geheime|Gerrit/);
    expect((await store.reflections.list())[0]).toMatchObject({ anonymous: true, opgave: 'opgave-wonen', zekerheid: 'zekerheid-7' });
    expect((await store.reflections.list())[0]!.authorKey).toBeUndefined();
    const shareLog = logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(shareLog.find((l) => l.route === 'action:reflectie.share')).toBeDefined();
    expect(shareLog.every((l) => !('userHash' in l))).toBe(true);
    expect(logs.text).not.toMatch(/U-SECRET-42|Geheime/);
    // the draft is gone: nothing left that links the reflection to its author
    const raw = JSON.stringify(await (store as LowdbStore).dialogues.prune(new Date('2030-01-01T00:00:00Z')));
    expect(raw).toBe('0');
  });

  it('in English for an English-speaking user', async () => {
    const { bot } = await setup();
    const en = { ...ALICE, locale: 'en-GB' };
    const open = await bot.handle(slack('reflectie', en));
    const form = formOf(open.replies[0]!)!;
    expect(form.title).toBe('Reflection: keep learning');
    expect(form.fields.map((f) => f.label).slice(0, 3)).toEqual(['What went well?', 'What could be better?', 'What do you take with you, and what do you share with other opgaven?']);
    const summary = (await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: { goed: 'Shared planning' }, state: form.state! }, en))).replies[0]!;
    expect(buttonsOf(summary).map((b) => b.label)).toEqual(['Just for me', 'Share with my name', 'Share anonymously']);
    expect(textOf((await bot.handle(slack('reflectie plan sometimes', en))).replies[0]!)).toMatch(/I do not understand that schedule[\s\S]*every Friday/);
  });

  it('keep it private: nothing posted, nothing stored, the draft is removed at once', async () => {
    const { bot, store, outbox } = await setup();
    const summary = (await submitReflection(bot)).replies[0]!;
    const keep = buttonsOf(summary).find((b) => b.action === 'reflectie.keep')!;
    const res = await bot.handle(slack({ kind: 'action', action: keep.action, value: keep.value }));
    expect(textOf(res.replies[0]!)).toMatch(/blijft van jou/);
    expect(outbox.sent).toEqual([]);
    expect(await store.reflections.count()).toBe(0);
    expect(await store.dialogues.prune(new Date('2030-01-01T00:00:00Z'))).toBe(0);
  });

  it('someone else cannot share your draft', async () => {
    const { bot, outbox } = await setup();
    const summary = (await submitReflection(bot)).replies[0]!;
    const named = buttonsOf(summary).find((b) => b.value.endsWith('|named'))!;
    const res = await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }, BOB));
    expect(textOf(res.replies[0]!)).toMatch(/verlopen of al afgerond/);
    expect(outbox.sent).toEqual([]);
    await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }));
    expect(outbox.sent).toHaveLength(1);
  });

  it('the nudge button opens the form; the reflection is shared in that channel, even when submitted from a modal elsewhere', async () => {
    const { bot, store, outbox } = await setup();
    await store.conversations.upsert({ key: 'slack:C-TEAM', platform: 'slack', conversationId: 'C-TEAM', kind: 'channel', data: {} }, NOW);
    const open = await bot.handle(slack({ kind: 'action', action: 'reflectie.start', value: 'slack:C-TEAM' }, BOB));
    const state = formOf(open.replies[0]!)!.state!;
    const modal: Turn['conversation'] = { id: 'D-BOB', kind: 'personal' };
    const summary = (await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: { meenemen: 'Vaker bellen' }, state }, BOB, modal))).replies[0]!;
    const anon = buttonsOf(summary).find((b) => b.value.endsWith('|anon'))!;
    await bot.handle(slack({ kind: 'action', action: anon.action, value: anon.value }, BOB, modal));
    expect(outbox.sent.map((s) => s.to)).toEqual(['slack:C-TEAM']);
  });

  it('a forged or unknown channel key in the button is not used: the share goes to the clicked conversation', async () => {
    const { bot, outbox } = await setup();
    const here: Turn['conversation'] = { id: 'C-HERE', kind: 'channel' };
    for (const value of ['slack:C-UNKNOWN', 'teams:19:elsewhere']) {
      const open = await bot.handle(slack({ kind: 'action', action: 'reflectie.start', value }, ALICE, here));
      const state = formOf(open.replies[0]!)!.state!;
      const summary = (await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: { goed: 'x' }, state }, ALICE, here))).replies[0]!;
      const b = buttonsOf(summary).find((x) => x.value.endsWith('|named'))!;
      await bot.handle(slack({ kind: 'action', action: b.action, value: b.value }, ALICE, here));
    }
    expect(outbox.sent.map((s) => s.to)).toEqual(['slack:C-HERE', 'slack:C-HERE']);
  });

  it('a draft expires after 24 hours', async () => {
    let now = NOW;
    const { bot, outbox } = await setup({ now: () => now });
    const summary = (await submitReflection(bot)).replies[0]!;
    const named = buttonsOf(summary).find((b) => b.value.endsWith('|named'))!;
    now = new Date(NOW.getTime() + 25 * 3_600_000);
    const res = await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }));
    expect(textOf(res.replies[0]!)).toMatch(/verlopen/);
    expect(outbox.sent).toEqual([]);
  });

  it('a failed share keeps the draft for another try', async () => {
    const outbox = new RecordingOutbox();
    let fail = true;
    const flaky = { send: async (to: string, r: Reply) => (fail ? { ok: false as const, gone: false as const, reason: 'rate_limited' } : outbox.send(to, r)), sendToUser: outbox.sendToUser.bind(outbox) };
    const { bot, store } = await testBot({ outbox: flaky, features: [reflectieFeature()], now: () => NOW });
    const summary = (await submitReflection(bot)).replies[0]!;
    const named = buttonsOf(summary).find((b) => b.value.endsWith('|named'))!;
    expect(textOf((await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }))).replies[0]!)).toMatch(/Delen lukte niet/);
    expect(await store.reflections.count()).toBe(0);
    fail = false;
    expect(textOf((await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }))).replies[0]!)).toMatch(/Gedeeld/);
    expect(await store.reflections.count()).toBe(1);
  });
});

describe('step-by-step reflection', () => {
  it('one question per turn; `overslaan` skips; typed opgave and a zekerheid button; ends with the summary', async () => {
    const { bot, store, outbox } = await setup();
    const start = await bot.handle(slack('reflectie stap voor stap'));
    expect(textOf(start.replies[0]!)).toMatch(/Vraag 1 van 5[\s\S]*Wat ging goed\?/);
    const q2 = await bot.handle(slack('De overleggen waren kort en helder.'));
    expect(q2.route).toBe('dialogue:reflectie');
    expect(textOf(q2.replies[0]!)).toMatch(/Vraag 2 van 5[\s\S]*Wat kan beter\?/);
    expect(textOf((await bot.handle(slack('overslaan'))).replies[0]!)).toMatch(/Vraag 3 van 5/);
    const q4 = await bot.handle(slack('Korte overleggen werken ook voor andere opgaven.'));
    expect(textOf(q4.replies[0]!)).toMatch(/Vraag 4 van 5[\s\S]*opgave/);
    expect(textOf((await bot.handle(slack('iets onbekends'))).replies[0]!)).toMatch(/Die ken ik niet[\s\S]*Vraag 4 van 5/);
    const q5 = await bot.handle(slack('wonen'));
    expect(textOf(q5.replies[0]!)).toMatch(/Vraag 5 van 5/);
    const z7 = buttonsOf(q5.replies[0]!).find((b) => b.value === 'zekerheid|zekerheid-7|4')!;
    const chosen = await bot.handle(slack({ kind: 'action', action: z7.action, value: z7.value }));
    // the question's card now says what was chosen, without buttons; the summary follows
    expect(chosen.replies[0]).toMatchObject({ replacesSource: true });
    expect(textOf(chosen.replies[0]!)).toMatch(/Vraag 5 van 5[\s\S]*Je antwoord: 7\. Er gaan altijd dingen mis/);
    expect(buttonsOf(chosen.replies[0]!)).toEqual([]);
    const summary = chosen.replies[1]!;
    expect(textOf(summary)).toMatch(/Je reflectie[\s\S]*De overleggen waren kort en helder/);
    expect(textOf(summary)).not.toMatch(/Kan beter/);
    const anon = buttonsOf(summary).find((b) => b.value.endsWith('|anon'))!;
    await bot.handle(slack({ kind: 'action', action: anon.action, value: anon.value }));
    expect((await store.reflections.list())[0]).toMatchObject({ goed: 'De overleggen waren kort en helder.', meenemen: 'Korte overleggen werken ook voor andere opgaven.', opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', anonymous: true });
    expect(outbox.sent).toHaveLength(1);
    // the dialogue is over: free text is a question again
    expect((await bot.handle(slack('Wat is de zevende zekerheid?'))).route).toBe('question');
  });

  it('`stop` ends it, nothing stored; another person in the same channel is not affected', async () => {
    const { bot, store } = await setup();
    await bot.handle(slack('reflectie stap voor stap'));
    expect((await bot.handle(slack('Wat is het IBP?', BOB))).route).toBe('question');
    const stopped = await bot.handle(slack('stop'));
    expect(textOf(stopped.replies[0]!)).toMatch(/De reflectie is gestopt/);
    expect((await bot.handle(slack('Wat is het IBP?'))).route).toBe('question');
    expect(await store.reflections.count()).toBe(0);
  });

  it('a `/command` still works during the dialogue; answers are limited in length', async () => {
    const { bot } = await setup();
    await bot.handle(slack('reflectie stap voor stap'));
    expect((await bot.handle(slack('/help'))).route).toBe('command:help');
    expect(textOf((await bot.handle(slack('x'.repeat(ANSWER_MAX + 1)))).replies[0]!)).toMatch(/hoogstens 1000 tekens[\s\S]*Vraag 1 van 5/);
  });

  it('survives a restart: a new Bot on the same data file continues where it was', async () => {
    const dir = tempDir();
    const s1 = await LowdbStore.open({ dataDir: dir });
    const first = await setup({ store: s1 });
    await first.bot.handle(slack('reflectie stap voor stap'));
    await first.bot.handle(slack('Goed: we hielden vol.'));
    await s1.close();
    const s2 = await LowdbStore.open({ dataDir: dir });
    const second = await setup({ store: s2 });
    const next = await second.bot.handle(slack('Beter: minder mail.'));
    expect(next.route).toBe('dialogue:reflectie');
    expect(textOf(next.replies[0]!)).toMatch(/Vraag 3 van 5/);
    await second.bot.handle(slack('overslaan'));
    await second.bot.handle(slack('overslaan'));
    const summary = (await second.bot.handle(slack('overslaan'))).replies[0]!;
    expect(textOf(summary)).toMatch(/we hielden vol[\s\S]*minder mail/);
    await s2.close();
  });

  it('expires after 24 hours: then free text is a question again', async () => {
    let now = NOW;
    const { bot } = await setup({ now: () => now });
    await bot.handle(slack('reflectie stap voor stap'));
    now = new Date(NOW.getTime() + 23 * 3_600_000);
    expect((await bot.handle(slack('Nog bezig'))).route).toBe('dialogue:reflectie');
    now = new Date(now.getTime() + 24 * 3_600_000 + 1000);
    expect((await bot.handle(slack('Wat is het IBP?'))).route).toBe('question');
  });

  it('only skipped questions: nothing to keep', async () => {
    const { bot } = await setup();
    await bot.handle(slack('reflectie stap voor stap'));
    for (let i = 0; i < 4; i++) await bot.handle(slack('overslaan'));
    expect(textOf((await bot.handle(slack('overslaan'))).replies[0]!)).toMatch(/niets om te bewaren/);
  });
});

describe('nudge subscriptions through the core', () => {
  it('plan, planning, pauze tot, hervat, stop; who changed what is recorded', async () => {
    let now = NOW; // Monday 23 November 2026, 11:00 in Amsterdam
    const { bot, store } = await setup({ now: () => now });
    const planned = await bot.handle(slack('reflectie plan elke vrijdag 15:00'));
    expect(textOf(planned.replies[0]!)).toMatch(/Afgesproken: elke vrijdag 15:00\. De eerste herinnering komt op vrijdag 27 november 2026, 15:00\./);
    const subs = await store.subscriptions.list({ channelKey: 'slack:C-TEAM' });
    expect(subs.map((s) => [s.kind, s.schema, s.status, s.nextSlotAt])).toEqual([
      ['nudge', 'elke vrijdag 15:00', 'active', '2026-11-27T14:00:00.000Z'],
      ['digest', 'eerste werkdag van de maand 9:00', 'active', '2026-12-01T08:00:00.000Z'],
    ]);
    expect(subs[0]!.history[0]).toMatchObject({ by: 'slack:U-ALICE', what: 'plan nudge: elke vrijdag 15:00' });
    expect(textOf((await bot.handle(slack('reflectie plan elke vrijdag 15:00', BOB))).replies[0]!)).toMatch(/heeft al een herinnering/);

    const list = await bot.handle(slack('reflectie planning', BOB));
    expect(textOf(list.replies[0]!)).toMatch(/elke vrijdag 15:00: volgende: vrijdag 27 november 2026, 15:00(?! \()/);
    expect(textOf(list.replies[0]!)).toMatch(/Maandoverzicht/);

    const paused = await bot.handle(slack('reflectie pauze tot 14 december', BOB));
    expect(textOf(paused.replies[0]!)).toMatch(/Vanaf maandag 14 december 2026 stuur ik weer/);
    const nudge = (await store.subscriptions.get(subs[0]!.id))!;
    expect(nudge).toMatchObject({ pausedUntil: '2026-12-14', nextSlotAt: '2026-12-18T14:00:00.000Z' });
    expect(nudge.history.at(-1)).toMatchObject({ by: 'slack:U-BOB', what: 'pauze tot 2026-12-14' });
    expect(textOf((await bot.handle(slack('reflectie planning'))).replies[0]!)).toMatch(/gepauzeerd tot maandag 14 december 2026; volgende: vrijdag 18 december 2026, 15:00/);
    // a new date replaces the pause, also a shorter one
    await bot.handle(slack('reflectie pauze tot 2026-12-02', BOB));
    expect(await store.subscriptions.get(subs[0]!.id)).toMatchObject({ pausedUntil: '2026-12-02', nextSlotAt: '2026-12-04T14:00:00.000Z' });
    await bot.handle(slack('reflectie pauze tot 14 december', BOB));
    expect(textOf((await bot.handle(slack('reflectie pauze tot gisteren'))).replies[0]!)).toMatch(/Die datum begrijp ik niet/);
    expect(textOf((await bot.handle(slack('reflectie pauze tot 1 november 2026'))).replies[0]!)).toMatch(/al voorbij/);
    // A date without a year that has passed this year (1 november, on 23 November) means next year: said so.
    const rolled = textOf((await bot.handle(slack('reflectie pauze tot 1 november', BOB))).replies[0]!);
    expect(rolled).toMatch(/Vanaf maandag 1 november 2027 stuur ik weer/);
    expect(rolled).toMatch(/dit jaar al voorbij, dus ik pauzeer tot maandag 1 november 2027.*met het jaar erbij/s);
    expect(textOf((await bot.handle(slack('reflectie pauze tot 14 december', BOB))).replies[0]!)).not.toMatch(/dit jaar al voorbij/);

    now = new Date('2026-11-24T09:00:00Z');
    const resumed = await bot.handle(slack('reflectie hervat'));
    expect(textOf(resumed.replies[0]!)).toMatch(/De volgende komt op vrijdag 27 november 2026, 15:00/);
    expect((await store.subscriptions.get(subs[0]!.id))?.pausedUntil).toBeUndefined();

    const stopped = await bot.handle(slack('reflectie stop', BOB));
    expect(textOf(stopped.replies[0]!)).toMatch(/zijn gestopt/);
    expect((await store.subscriptions.list({ channelKey: 'slack:C-TEAM' })).map((s) => s.status)).toEqual(['stopped', 'stopped']);
    expect((await store.subscriptions.get(subs[0]!.id))?.history.map((h) => `${h.by} ${h.what}`)).toEqual([
      'slack:U-ALICE plan nudge: elke vrijdag 15:00', 'slack:U-BOB pauze tot 2026-12-14', 'slack:U-BOB pauze tot 2026-12-02', 'slack:U-BOB pauze tot 2026-12-14',
      'slack:U-BOB pauze tot 2027-11-01', 'slack:U-BOB pauze tot 2026-12-14', 'slack:U-ALICE hervat', 'slack:U-BOB stop',
    ]);
    // the digest was never paused, so `hervat` did not touch it
    expect((await store.subscriptions.list({ kind: 'digest' }))[0]?.history.map((h) => h.what)).toEqual(['plan digest: eerste werkdag van de maand 9:00', 'stop']);
    expect(textOf((await bot.handle(slack('reflectie planning'))).replies[0]!)).toMatch(/geen herinneringen/);
  });

  it('an invalid schema gets an explanation with examples; nothing is planned', async () => {
    const { bot, store } = await setup();
    const res = await bot.handle(slack('reflectie plan af en toe'));
    expect(res.outcome).toBe('invalid');
    expect(textOf((await bot.handle(slack('reflectie plan elke vrijdag'))).replies[0]!)).toMatch(/Ik mis een geldige tijd/);
    expect(textOf(res.replies[0]!)).toMatch(/Dat schema begrijp ik niet[\s\S]*reflectie plan elke vrijdag 15:00[\s\S]*om de week maandag 9:30[\s\S]*eerste dinsdag van de maand 10:00/);
    expect(textOf((await bot.handle(slack('reflectie plan elke vrijdag 15:00 tijdzone Nergens/Niets'))).replies[0]!)).toMatch(/tijdzone ken ik niet/);
    expect(await store.subscriptions.list()).toEqual([]);
  });

  it('a time zone per subscription; holidays skipped in the shown next run', async () => {
    const { bot, store } = await setup({ now: () => new Date('2026-12-20T12:00:00Z') });
    expect(textOf((await bot.handle(slack('reflectie plan elke vrijdag 15:00 tijdzone Europe/London ook op feestdagen'))).replies[0]!)).toMatch(/vrijdag 25 december 2026, 15:00 \(Europe\/London\)/);
    const other: Turn['conversation'] = { id: 'C-OTHER', kind: 'channel' };
    // 25 December is Kerstmis and 1 January nieuwjaarsdag (both Fridays): the first real nudge is on 8 January.
    expect(textOf((await bot.handle(slack('reflectie plan elke vrijdag 15:00', ALICE, other))).replies[0]!)).toMatch(/eerste herinnering komt op vrijdag 8 januari 2027, 15:00/);
    expect((await store.subscriptions.list({ kind: 'digest' })).map((s) => s.schedule.timeZone)).toEqual(['Europe/London', 'Europe/Amsterdam']);
  });

  it('`reflectie` with an unknown sub-command explains the commands, where it was typed (not privately)', async () => {
    const { bot } = await setup();
    const res = await bot.handle(slack('reflectie bla'));
    expect(textOf(res.replies[0]!)).toMatch(/stap voor stap[\s\S]*reflectie plan/);
    expect(res.replies[0]!.private).toBeUndefined();
  });

  it('`reflectie elke vrijdag 15:00` (without "plan") plans, and answers in the channel; `reflectie elke vrijdag` explains what is missing', async () => {
    const { bot, store } = await setup();
    const res = await bot.handle(slack('reflectie elke vrijdag 15:00'));
    expect(res.replies[0]!.private).toBeUndefined();
    expect(textOf(res.replies[0]!)).toMatch(/Afgesproken: elke vrijdag 15:00/);
    expect((await store.subscriptions.list({ channelKey: 'slack:C-TEAM' })).map((x) => x.kind)).toEqual(['nudge', 'digest']);
    expect(textOf((await bot.handle(slack('reflectie elke donderdag'))).replies[0]!)).toMatch(/geldige tijd[\s\S]*Voorbeelden/);
  });
});

describe('reflections: cards that show the truth, and sharing only where it can be', () => {
  const PERSONAL: Turn['conversation'] = { id: 'D-ALICE', kind: 'personal' };

  it('keep and share replace the summary: what happened, no buttons left', async () => {
    const { bot } = await setup();
    for (const [mode, said] of [['keep', /blijft van jou/], ['named', /Gedeeld in het kanaal, met je naam/], ['anon', /Anoniem gedeeld in het kanaal/]] as const) {
      const summary = (await submitReflection(bot)).replies[0]!;
      expect(summary.replacesSource).toBe(true); // the summary takes the form's place
      const b = buttonsOf(summary).find((x) => (mode === 'keep' ? x.action === 'reflectie.keep' : x.value.endsWith(`|${mode}`)))!;
      const done = (await bot.handle(slack({ kind: 'action', action: b.action, value: b.value }))).replies[0]!;
      expect(done.replacesSource).toBe(true);
      expect(textOf(done)).toMatch(said);
      expect(textOf(done)).toMatch(/We plannen nu samen met de provincie/);
      expect(buttonsOf(done)).toEqual([]);
    }
  });

  it('the same reflection form sent twice makes one summary; the second shows it again', async () => {
    const { bot, store } = await setup();
    const state = formOf((await bot.handle(slack('reflectie'))).replies[0]!)!.state!;
    const first = await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: filled, state }));
    const again = await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: { goed: 'Iets anders' }, state }));
    expect(again.outcome).toBe('repeated');
    expect(buttonsOf(again.replies[0]!).map((b) => b.value)).toEqual(buttonsOf(first.replies[0]!).map((b) => b.value));
    expect(textOf(again.replies[0]!)).toMatch(/We plannen nu samen met de provincie/);
    // shared once, then the form again: it says it was dealt with
    const anon = buttonsOf(first.replies[0]!).find((b) => b.value.endsWith('|anon'))!;
    await bot.handle(slack({ kind: 'action', action: anon.action, value: anon.value }));
    const late = await bot.handle(slack({ kind: 'form', formId: 'reflectie', values: filled, state }));
    expect(textOf(late.replies[0]!)).toMatch(/al verstuurd/);
    expect(await store.reflections.count()).toBe(1);
  });

  it('made in a personal chat: no share buttons but how to share; `reflectie delen` in a channel shares it there; never "Gedeeld" when it was not', async () => {
    const { bot, store, outbox } = await setup();
    const summary = (await submitReflection(bot, filled, ALICE, PERSONAL)).replies[0]!;
    expect(buttonsOf(summary).map((b) => b.action)).toEqual(['reflectie.keep']);
    expect(textOf(summary)).toMatch(/persoonlijk gesprek[\s\S]*reflectie delen/);
    // a share button from an older card in the personal chat: nothing is posted, and it says why
    const old = await bot.handle(slack({ kind: 'action', action: 'reflectie.share', value: `${buttonsOf(summary)[0]!.value}|named` }, ALICE, PERSONAL));
    expect(textOf(old.replies[0]!)).toMatch(/Delen kan alleen in een kanaal/);
    expect(textOf(old.replies[0]!)).not.toMatch(/Gedeeld/);
    expect(outbox.sent).toEqual([]);
    // typed in the personal chat itself: it needs a channel
    expect(textOf((await bot.handle(slack('reflectie delen', ALICE, PERSONAL))).replies[0]!)).toMatch(/Delen kan alleen in een kanaal/);
    // someone else typing it in a channel gets nothing of Alice's
    expect(textOf((await bot.handle(slack('reflectie delen', BOB))).replies[0]!)).toMatch(/geen reflectie klaar/);
    // Alice in the channel: the summary, to share here
    const here = (await bot.handle(slack('reflectie delen'))).replies[0]!;
    expect(here.private).toBe(true);
    expect(buttonsOf(here).map((b) => b.value.split('|')[1] ?? 'keep')).toEqual(['keep', 'named', 'anon']);
    const named = buttonsOf(here).find((b) => b.value.endsWith('|named'))!;
    const done = await bot.handle(slack({ kind: 'action', action: named.action, value: named.value }));
    expect(textOf(done.replies[0]!)).toMatch(/Gedeeld in het kanaal, met je naam/);
    expect(outbox.sent.map((x) => x.to)).toEqual(['slack:C-TEAM']);
    expect((await store.reflections.list())[0]).toMatchObject({ channelKey: 'slack:C-TEAM', authorName: 'Alice Ambtenaar' });
    expect(textOf((await bot.handle(slack('reflectie delen'))).replies[0]!)).toMatch(/geen reflectie klaar/);
  });

  it('without a name from the platform, only anonymous sharing is offered; a named share never shows an id', async () => {
    const { bot, outbox } = await setup();
    const nameless = { id: 'acefa8b7-sessie' };
    const summary = (await submitReflection(bot, filled, nameless)).replies[0]!;
    expect(buttonsOf(summary).map((b) => b.value.split('|')[1] ?? 'keep')).toEqual(['keep', 'anon']);
    const forged = await bot.handle(slack({ kind: 'action', action: 'reflectie.share', value: `${buttonsOf(summary)[0]!.value}|named` }, nameless));
    expect(textOf(forged.replies[0]!)).toMatch(/anoniem delen/);
    expect(JSON.stringify(outbox.sent)).not.toContain('acefa8b7');
  });

  it('step by step: "Overslaan" and "Stoppen" next to the choices, each naming its step; a button of an earlier question changes nothing', async () => {
    const { bot } = await setup();
    await bot.handle(slack('reflectie stap voor stap'));
    const q2 = await bot.handle(slack('Goed overleg.'));
    const skip2 = buttonsOf(q2.replies[0]!).find((b) => b.label === 'Overslaan')!;
    expect(skip2.value).toBe('skip|1');
    const skipped = await bot.handle(slack({ kind: 'action', action: skip2.action, value: skip2.value }));
    expect(textOf(skipped.replies[0]!)).toMatch(/Vraag 2 van 5[\s\S]*Overgeslagen/);
    expect(textOf(skipped.replies[1]!)).toMatch(/Vraag 3 van 5/);
    await bot.handle(slack('Samen plannen.'));
    // pressed again on the old card: that question is answered already
    const again = await bot.handle(slack({ kind: 'action', action: skip2.action, value: skip2.value }));
    expect(again.replies).toHaveLength(1);
    expect(again.replies[0]).toMatchObject({ replacesSource: true });
    expect(textOf(again.replies[0]!)).toMatch(/al beantwoord/);
    // the opgave question: ten choices, then skip and stop, still there
    const q4 = (await bot.handle(slack('iets onbekends'))).replies[0]!;
    expect(buttonsOf(q4).map((b) => b.label).slice(-2)).toEqual(['Overslaan', 'Stoppen']);
    expect(buttonsOf(q4)).toHaveLength(12);
    const stop = buttonsOf(q4).at(-1)!;
    const stopped = await bot.handle(slack({ kind: 'action', action: stop.action, value: stop.value }));
    expect(textOf(stopped.replies[0]!)).toMatch(/Gestopt/);
    expect(textOf(stopped.replies[1]!)).toMatch(/De reflectie is gestopt/);
    // after the dialogue, any of its buttons loses its buttons and says so
    const over = await bot.handle(slack({ kind: 'action', action: stop.action, value: stop.value }));
    expect(over.replies[0]).toMatchObject({ replacesSource: true });
    expect(textOf(over.replies[0]!)).toMatch(/geen reflectie meer/);
  });
});

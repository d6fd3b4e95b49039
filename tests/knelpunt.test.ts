import { describe, expect, it } from 'vitest';
import { readCardLanguage } from '../src/core/card-language.js';
import { Coordinators } from '../src/core/knelpunt/coordinators.js';
import { knelpuntFeature } from '../src/core/knelpunt/feature.js';
import { validateKnelpunt } from '../src/core/knelpunt/form.js';
import type { Block, Form, Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import type { Turn } from '../src/domain/turn.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { RecordingOutbox, testBot, turn } from './helpers/core.js';

const COORD = { id: 'UCOORD', name: 'Coördinator' };
const feature = (): ReturnType<typeof knelpuntFeature> => knelpuntFeature({ coordinators: new Coordinators(['slack:UCOORD', 'aad:0000-aaaa']) });

async function setup() {
  const outbox = new RecordingOutbox();
  const store = LowdbStore.openInMemory();
  const env = await testBot({ outbox, store, features: [feature()] });
  return { ...env, outbox };
}

const formOf = (r: Reply): Form | undefined => r.blocks.flatMap((b: Block) => (b.kind === 'form' ? [b.form] : []))[0];
const textOf = (r: Reply): string =>
  r.blocks.map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : b.kind === 'facts' ? b.facts.map((f) => `${f.label}: ${f.value}`).join('\n') : '')).join('\n');
/** The buttons as the feature made them: without the card's language that ends every value (src/core/card-language.ts). */
const buttonsOf = (r: Reply) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons.map((x) => ({ ...x, value: readCardLanguage(x.value).value })) : []));

const slack = (input: Turn['input'] | string, user = { id: 'UREP', name: 'Rita Reporter' }, conv: Turn['conversation'] = { id: 'D1', kind: 'personal' }): Turn =>
  turn(input, { platform: 'slack', user, conversation: conv });

const valid = {
  opgave: 'opgave-wonen',
  beschrijving: 'De vergunningen voor woningbouw lopen vast tussen provincie en gemeente.',
  overheden: ['gemeente', 'provincie'],
  urgentie: 'hoog',
  anoniem: false,
};

describe('knelpunt form validation (pure)', () => {
  const ids = ['opgave-wonen', 'opgave-klimaat'];
  it('accepts a valid report and cleans it', () => {
    expect(validateKnelpunt({ ...valid, beschrijving: `  ${valid.beschrijving}\r\n` }, ids, 'nl')).toEqual({
      ok: true,
      value: { ...valid, overheden: ['gemeente', 'provincie'], urgentie: 'hoog' },
    });
  });
  it('gives a Dutch error per field', () => {
    const r = validateKnelpunt({ opgave: 'opgave-mars', beschrijving: 'kort', overheden: ['gemeente', 'ministerie'], urgentie: 'extreem' }, ids, 'nl');
    expect(r).toEqual({
      ok: false,
      errors: { opgave: 'Kies een van de opties.', beschrijving: 'Schrijf minstens 10 tekens.', overheden: 'Kies een van de opties.', urgentie: 'Kies een van de opties.' },
    });
    expect(validateKnelpunt({}, ids, 'nl')).toMatchObject({ ok: false, errors: { opgave: 'Vul dit veld in.', beschrijving: 'Vul dit veld in.' } });
    expect(validateKnelpunt({ ...valid, beschrijving: 'x'.repeat(3001) }, ids, 'nl')).toMatchObject({ ok: false, errors: { beschrijving: 'Schrijf hoogstens 3000 tekens.' } });
    expect(validateKnelpunt({ ...valid, opgave: 'anders' }, ids, 'nl').ok).toBe(true);
  });
});

describe('knelpunten through the core', () => {
  it('`knelpunt` shows the form with the ten opgaven plus "Anders"; `knelpunt <tekst>` fills the description', async () => {
    const { bot } = await setup();
    const res = await bot.handle(slack('knelpunt'));
    const form = formOf(res.replies[0]!)!;
    expect(form.id).toBe('knelpunt');
    expect(res.replies[0]!.private).toBe(true);
    const opgave = form.fields.find((f) => f.id === 'opgave')!;
    expect(opgave.options).toHaveLength(11);
    expect(opgave.options?.at(-1)).toEqual({ value: 'anders', label: 'Anders / weet ik niet' });
    expect(form.fields.map((f) => [f.id, f.kind, f.required ?? false])).toEqual([
      ['opgave', 'select', true],
      ['beschrijving', 'longtext', true],
      ['overheden', 'multiselect', false],
      ['urgentie', 'select', true],
      ['anoniem', 'checkbox', false],
    ]);
    const filled = formOf((await bot.handle(slack({ kind: 'command', command: 'knelpunt', args: 'De subsidie loopt vast' }))).replies[0]!)!;
    expect(filled.fields.find((f) => f.id === 'beschrijving')?.initial).toBe('De subsidie loopt vast');
  });

  it('an invalid form comes back with errors next to the fields and the typed values; nothing stored', async () => {
    const { bot, store } = await setup();
    const res = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, beschrijving: 'te kort' } }));
    const form = formOf(res.replies[0]!)!;
    expect(form.errors).toEqual({ beschrijving: 'Schrijf minstens 10 tekens.' });
    expect(form.fields.find((f) => f.id === 'opgave')?.initial).toBe('opgave-wonen');
    expect(form.fields.find((f) => f.id === 'beschrijving')?.initial).toBe('te kort');
    expect(await store.knelpunten.count()).toBe(0);
  });

  it('a valid report is stored with KP-<jaar>-<nr>, confirmed privately, and posted to the triage channel', async () => {
    const { bot, store, outbox, deliveries } = await setup();
    // a coordinator registers the triage channel
    const reg = await bot.handle(slack('knelpunt triage hier', COORD, { id: 'CTRIAGE', kind: 'channel' }));
    expect(textOf(reg.replies[0]!)).toMatch(/triagekanaal/);
    const res = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    expect(res.outcome).toBe('form');
    const conf = res.replies[0]!;
    expect(conf.private).toBe(true);
    expect(textOf(conf)).toMatch(/KP-2026-0001/);
    const [k] = await store.knelpunten.list();
    expect(k).toMatchObject({ ref: 'KP-2026-0001', status: 'nieuw', reporter: { platform: 'slack', userId: 'UREP', name: 'Rita Reporter', conversationKey: 'slack:D1' } });
    await deliveries.idle();
    expect(outbox.sent).toHaveLength(1);
    expect(outbox.sent[0]!.to).toBe('slack:CTRIAGE');
    const card = outbox.sent[0]!.reply;
    expect(textOf(card)).toMatch(/Nieuw knelpunt KP-2026-0001/);
    expect(textOf(card)).toMatch(/Rita Reporter/);
    expect(buttonsOf(card).map((b) => b.value)).toEqual(['KP-2026-0001|nieuw|in_behandeling', 'KP-2026-0001|nieuw|niet_opgepakt']);
    // where it landed is remembered, so it is updated after every status change
    expect(await store.cards.list('KP-2026-0001')).toEqual([{ subject: 'KP-2026-0001', conversationKey: 'slack:CTRIAGE', messageId: 'm-1', locale: 'nl', at: '2026-11-23T10:00:00.000Z' }]);
  });

  it('an anonymous report leaves no identity in the store, the triage card or the log', async () => {
    const { bot, store, outbox, logs, deliveries } = await setup();
    await store.triageChannels.add('slack:CTRIAGE', 'slack:UCOORD', new Date());
    const secret = { id: 'U-ANON-SECRET', name: 'Geheime Gerda' };
    const res = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, anoniem: true } }, secret, { id: 'C-SECRET-CHANNEL', kind: 'channel', threadId: '1700000000.000100' }));
    expect(textOf(res.replies[0]!)).toMatch(/anoniem/);
    await deliveries.idle();
    const dump = JSON.stringify({ k: await store.knelpunten.list(), sent: outbox.sent, cards: await store.cards.list('KP-2026-0001'), forms: await store.formSubmissions.prune(new Date('2030-01-01')) });
    expect(dump).not.toMatch(/U-ANON-SECRET|Geheime|C-SECRET-CHANNEL|1700000000/);
    expect(logs.text).not.toMatch(/U-ANON-SECRET|Geheime|C-SECRET-CHANNEL|1700000000/);
    expect(textOf(outbox.sent[0]!.reply)).toMatch(/Gemeld door: anoniem/);
  });

  it('the same submission delivered twice (after the dedupe window) gives one knelpunt', async () => {
    const { bot, store } = await setup();
    const t = slack({ kind: 'form', formId: 'knelpunt', values: valid });
    await bot.handle(t);
    // a fresh core an hour later, as after a restart: the redelivery dedupe has expired, the store still knows
    const { bot: restarted } = await testBot({ store, features: [feature()], now: () => new Date('2026-11-23T11:00:00Z') });
    const again = await restarted.handle({ ...t });
    expect(await store.knelpunten.count()).toBe(1);
    expect(textOf(again.replies[0]!)).toMatch(/al ontvangen/);
  });

  it('only coordinators change a status; the reporter gets a private update; history records who', async () => {
    const { bot, store, outbox } = await setup();
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    const refused = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|in_behandeling' }, { id: 'UOTHER', name: 'X' }));
    expect(textOf(refused.replies[0]!)).toMatch(/alleen de coördinatoren/i);
    expect((await store.knelpunten.get('KP-2026-0001'))?.status).toBe('nieuw');

    const ok = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|in_behandeling' }, COORD));
    // the pressed card is replaced by the card as it is now: no new "Nieuw knelpunt" card
    expect(ok.replies).toHaveLength(1);
    expect(ok.replies[0]!.replacesSource).toBe(true);
    expect(textOf(ok.replies[0]!)).toMatch(/^Knelpunt KP-2026-0001\n[\s\S]*Status: in behandeling/);
    expect(textOf(ok.replies[0]!)).toMatch(/van nieuw naar in behandeling, door Coördinator/);
    expect(buttonsOf(ok.replies[0]!).map((b) => b.value)).toEqual(['KP-2026-0001|in_behandeling|geagendeerd', 'KP-2026-0001|in_behandeling|niet_opgepakt']);
    const k = await store.knelpunten.get('KP-2026-0001');
    expect(k?.status).toBe('in_behandeling');
    expect(k?.history).toEqual([{ at: '2026-11-23T10:00:00.000Z', by: 'slack:UCOORD', byName: 'Coördinator', from: 'nieuw', to: 'in_behandeling' }]);
    const update = outbox.sent.find((s) => s.to === 'user:slack:UREP');
    expect(update && textOf(update.reply)).toMatch(/Update over je knelpunt KP-2026-0001[\s\S]*in behandeling/);
    expect(update?.reply.private).toBe(true);

    // a stale button (from nieuw) changes nothing
    const stale = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' }, COORD));
    // the stale card shows the truth, and the press is answered where it was made (not privately)
    expect(stale.replies[0]).toMatchObject({ replacesSource: true });
    expect(textOf(stale.replies[0]!)).toMatch(/Status: in behandeling/);
    expect(textOf(stale.replies[1]!)).toMatch(/al gewijzigd/);
    expect(stale.replies[1]!.private).toBeUndefined();
    // a forged value is refused
    expect((await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|opgelost' }, COORD))).outcome).toBe('invalid');
  });

  it('a Teams coordinator is recognised by aad object id', async () => {
    const { bot, store } = await setup();
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    const res = await bot.handle(
      turn({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|in_behandeling' }, { platform: 'teams', user: { id: '29:zzz', aadObjectId: '0000-AAAA' } }),
    );
    expect(res.outcome).toBe('command');
    expect((await store.knelpunten.get('KP-2026-0001'))?.history[0]?.by).toBe('aad:0000-aaaa');
  });

  it('"niet opgepakt" needs a toelichting, which reaches the reporter', async () => {
    const { bot, store, outbox } = await setup();
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    const ask = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' }, COORD));
    const form = formOf(ask.replies[0]!)!;
    expect(form.id).toBe('knelpunt-toelichting');
    expect(form.state).toMatch(/^f1:[\w-]{22}:KP-2026-0001\|nieuw\|niet_opgepakt~nl$/);
    // the button that asks it says so, so a platform with dialogs can ask it in one
    expect((await store.knelpunten.get('KP-2026-0001'))?.status).toBe('nieuw');
    const empty = await bot.handle(slack({ kind: 'form', formId: form.id, values: { toelichting: ' ' }, state: form.state! }, COORD));
    expect(formOf(empty.replies[0]!)?.errors).toEqual({ toelichting: 'Vul dit veld in.' });
    expect((await store.knelpunten.get('KP-2026-0001'))?.status).toBe('nieuw');
    // a non-coordinator cannot use the form either
    const sneaky = await bot.handle(slack({ kind: 'form', formId: form.id, values: { toelichting: 'mag niet' }, state: form.state! }));
    expect(textOf(sneaky.replies[0]!)).toMatch(/alleen de coördinatoren/i);
    await bot.handle(slack({ kind: 'form', formId: form.id, values: { toelichting: 'Dit hoort bij een andere tafel.' }, state: form.state! }, COORD));
    const k = await store.knelpunten.get('KP-2026-0001');
    expect(k?.status).toBe('niet_opgepakt');
    expect(k?.history[0]?.toelichting).toBe('Dit hoort bij een andere tafel.');
    expect(textOf(outbox.sent.find((s) => s.to === 'user:slack:UREP')!.reply)).toMatch(/andere tafel/);
  });

  it('`knelpunt mijn` lists own reports; `knelpunt overzicht` is for coordinators only', async () => {
    const { bot } = await setup();
    expect(textOf((await bot.handle(slack('knelpunt mijn'))).replies[0]!)).toMatch(/nog geen knelpunten/);
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, opgave: 'opgave-klimaat' } }));
    const mine = textOf((await bot.handle(slack('knelpunt mijn'))).replies[0]!);
    expect(mine).toMatch(/KP-2026-0001: nieuw, Toekomstbestendig wonen/);
    expect(mine).toMatch(/KP-2026-0002/);
    expect(textOf((await bot.handle(slack('knelpunt overzicht'))).replies[0]!)).toMatch(/alleen de coördinatoren/i);
    const overview = textOf((await bot.handle(slack('knelpunt overzicht', COORD))).replies[0]!);
    expect(overview).toMatch(/Totaal: 2/);
    expect(overview).toMatch(/Toekomstbestendig wonen: nieuw: 1/);
    expect(overview).toMatch(/Open knelpunten, oudste eerst/);
    expect(textOf((await bot.handle(slack('knelpunt triage hier'))).replies[0]!)).toMatch(/alleen de coördinatoren/i);
  });

  it('a form submits once: the same form again (after the dedupe window, or twice at once) files nothing and says what the first made', async () => {
    const { bot, store } = await setup();
    const state = formOf((await bot.handle(slack('knelpunt'))).replies[0]!)!.state!;
    expect(state).toMatch(/^f1:[\w-]{22}:~nl$/);
    const first = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid, state }));
    expect(first.replies[0]).toMatchObject({ replacesSource: true, private: true });
    // a double click: a new turn (new id), the same form
    const again = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, beschrijving: 'Iets anders, maar hetzelfde formulier.' }, state }));
    expect(again.outcome).toBe('repeated');
    expect(textOf(again.replies[0]!)).toMatch(/Dit knelpunt is al ontvangen als KP-2026-0001/);
    expect(again.replies[0]!.replacesSource).toBe(true);
    expect(await store.knelpunten.count()).toBe(1);
    // two at once, on a fresh form: one knelpunt, both answered with its reference
    const state2 = formOf((await bot.handle(slack('knelpunt'))).replies[0]!)!.state!;
    const both = await Promise.all([1, 2].map(() => bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid, state: state2 }))));
    expect(await store.knelpunten.count()).toBe(2);
    expect(both.map((r) => textOf(r.replies[0]!).match(/KP-2026-\d+/)?.[0])).toEqual(['KP-2026-0002', 'KP-2026-0002']);
    expect(both.map((r) => r.outcome).sort()).toEqual(['form', 'repeated']);
    // a form with errors is not "sent": corrected, the same form goes through
    const state3 = formOf((await bot.handle(slack('knelpunt'))).replies[0]!)!.state!;
    const wrong = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, beschrijving: 'kort' }, state: state3 }));
    expect(formOf(wrong.replies[0]!)?.errors).toBeDefined();
    expect(wrong.replies[0]!.replacesSource).toBe(true);
    const fixed = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid, state: state3 }));
    expect(textOf(fixed.replies[0]!)).toMatch(/KP-2026-0003/);
  });

  it('a status change updates every triage card of the knelpunt in place, in the background; a card that is gone is forgotten', async () => {
    const { bot, store, outbox, deliveries } = await setup();
    await store.triageChannels.add('slack:CTRIAGE', 'slack:UCOORD', new Date());
    await store.triageChannels.add('teams:19:other', 'slack:UCOORD', new Date());
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    await deliveries.idle();
    // a coordinator's own copy, asked in a personal chat, is remembered where the adapter says it landed
    const own = await bot.handle(slack('knelpunt kp-2026-0001', COORD, { id: 'DCOORD', kind: 'personal' }));
    expect(own.replies[0]).toMatchObject({ track: 'KP-2026-0001' });
    await store.cards.add({ subject: 'KP-2026-0001', conversationKey: 'slack:DCOORD', messageId: 'own-1', locale: 'en', at: new Date().toISOString() });
    expect((await store.cards.list('KP-2026-0001')).map((c) => c.messageId)).toEqual(['m-1', 'm-2', 'own-1']);
    outbox.sent.length = 0;
    await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|in_behandeling' }, COORD, { id: 'CTRIAGE', kind: 'channel', threadId: 'm-1' }));
    await deliveries.idle();
    const updates = outbox.sent.filter((x) => x.reply.replacesMessage);
    expect(updates.map((u) => [u.to, u.reply.replacesMessage])).toEqual([['slack:CTRIAGE', 'm-1'], ['teams:19:other', 'm-2'], ['slack:DCOORD', 'own-1']]);
    for (const u of updates) expect(textOf(u.reply)).toMatch(/(Status: in behandeling|Status: in progress)/);
    expect(textOf(updates[2]!.reply)).toMatch(/^Knelpunt KP-2026-0001/); // in the card's own language (en)
    // a conversation that is gone: its card is forgotten, the others stay
    const gone = new (class extends RecordingOutbox {
      override async send(refKey: string, reply: Reply) {
        if (refKey === 'teams:19:other') return { ok: false as const, gone: true as const, reason: 'teams_404' };
        return super.send(refKey, reply);
      }
    })();
    const { bot: bot2, deliveries: d2 } = await testBot({ outbox: gone, store, features: [feature()] });
    await bot2.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|in_behandeling|geagendeerd' }, COORD));
    await d2.idle();
    expect((await store.cards.list('KP-2026-0001')).map((c) => c.messageId)).toEqual(['m-1', 'own-1']);
  });

  it('a coordinator reopens a closed knelpunt with a reason; the reporter is told; the history says "heropend" with names', async () => {
    const { bot, store, outbox, deliveries } = await setup();
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    const decline = formOf((await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' }, COORD))).replies[0]!)!;
    const closed = await bot.handle(slack({ kind: 'form', formId: decline.id, values: { toelichting: 'Hoort bij het Rijk.' }, state: decline.state! }, COORD));
    const card = closed.replies[0]!;
    expect(card.replacesSource).toBe(true);
    expect(textOf(card)).toMatch(/Status: niet opgepakt/);
    // only reopening is left, and it asks for a reason
    expect(buttonsOf(card)).toEqual([expect.objectContaining({ label: 'Heropenen', value: 'KP-2026-0001|niet_opgepakt|in_behandeling', opensForm: true })]);
    const ask = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|niet_opgepakt|in_behandeling' }, { id: 'UCOORD', name: 'Cor' }));
    const form = formOf(ask.replies[0]!)!;
    expect(form.title).toBe('Waarom wordt KP-2026-0001 heropend?');
    expect((await store.knelpunten.get('KP-2026-0001'))?.status).toBe('niet_opgepakt');
    const reopened = await bot.handle(slack({ kind: 'form', formId: form.id, values: { toelichting: 'Het Rijk verwijst terug.' }, state: form.state! }, { id: 'UCOORD', name: 'Cor' }));
    expect(textOf(reopened.replies[0]!)).toMatch(/Status: in behandeling/);
    expect(textOf(reopened.replies[0]!)).toMatch(/heropend \(nu in behandeling\), door Cor: Het Rijk verwijst terug\./);
    expect(textOf(reopened.replies[0]!)).toMatch(/van nieuw naar niet opgepakt, door Coördinator: Hoort bij het Rijk\./);
    const k = await store.knelpunten.get('KP-2026-0001');
    expect(k?.history.map((h) => [h.from, h.to, h.byName, h.toelichting])).toEqual([
      ['nieuw', 'niet_opgepakt', 'Coördinator', 'Hoort bij het Rijk.'], ['niet_opgepakt', 'in_behandeling', 'Cor', 'Het Rijk verwijst terug.'],
    ]);
    await deliveries.idle();
    const told = outbox.sent.filter((x) => x.to === 'user:slack:UREP').map((x) => textOf(x.reply));
    expect(told.at(-1)).toMatch(/Je knelpunt is heropend\. De status is nu in behandeling\.[\s\S]*Het Rijk verwijst terug/);
    // the same reopen form sent again changes nothing twice
    const twice = await bot.handle(slack({ kind: 'form', formId: form.id, values: { toelichting: 'Nog eens.' }, state: form.state! }, { id: 'UCOORD', name: 'Cor' }));
    expect(twice.outcome).toBe('repeated');
    expect(textOf(twice.replies[1]!)).toMatch(/al opgeslagen/);
    expect((await store.knelpunten.get('KP-2026-0001'))?.history).toHaveLength(2);
  });

  it('the overview lets coordinators triage knelpunten from before a triage channel; a press updates the overview in place', async () => {
    const { bot, store } = await setup();
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: valid }));
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, opgave: 'opgave-klimaat' } }));
    const reg = await bot.handle(slack('knelpunt triage hier', COORD, { id: 'CTRIAGE', kind: 'channel' }));
    expect(textOf(reg.replies[0]!)).toMatch(/al 2 nieuwe knelpunten klaar[\s\S]*knelpunt overzicht/);
    const overview = (await bot.handle(slack('knelpunt overzicht', COORD))).replies[0]!;
    const buttons = buttonsOf(overview);
    expect(buttons.map((b) => b.value)).toEqual([
      'KP-2026-0001|nieuw|in_behandeling|o', 'KP-2026-0001|nieuw|niet_opgepakt|o', 'KP-2026-0002|nieuw|in_behandeling|o', 'KP-2026-0002|nieuw|niet_opgepakt|o',
    ]);
    const res = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: buttons[0]!.value }, COORD));
    expect(res.replies).toHaveLength(1);
    expect(res.replies[0]!.replacesSource).toBe(true);
    expect(textOf(res.replies[0]!)).toMatch(/^Overzicht knelpunten/);
    expect(buttonsOf(res.replies[0]!).map((b) => b.value)[0]).toBe('KP-2026-0001|in_behandeling|geagendeerd|o');
    expect((await store.knelpunten.get('KP-2026-0001'))?.status).toBe('in_behandeling');
  });

  it('cards show names, never platform ids; hostile names stay text; an anonymous reporter stays anonymous', async () => {
    const { bot, store, outbox, deliveries } = await setup();
    await store.triageChannels.add('slack:CT', 'slack:UCOORD', new Date());
    // a platform that gives no name (the open web chat): no id in its place
    await bot.handle(turn({ kind: 'form', formId: 'knelpunt', values: valid }, { platform: 'local', user: { id: 'acefa8b7-sessie' } }));
    const hostile = { id: 'UCOORD', name: '<!channel> *vet* [x](javascript:alert(1))' };
    await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|in_behandeling' }, hostile));
    await deliveries.idle();
    const cards = outbox.sent.filter((x) => x.to === 'slack:CT').map((x) => x.reply);
    expect(cards).toHaveLength(2);
    for (const c of cards) {
      expect(textOf(c)).toMatch(/Gemeld door: naam niet bekend/);
      expect(JSON.stringify(c)).not.toMatch(/acefa8b7|local:/);
    }
    // the name is in a text node and a context line: shown literally by every renderer, never parsed
    expect(textOf(cards[1]!)).toContain('door <!channel> *vet* [x](javascript:alert(1))');
    expect(cards[1]!.blocks.some((b) => b.kind === 'text' && b.rich.some((p) => p.t === 'para' && p.children.some((n) => n.t === 'link')))).toBe(false);
  });

  it('hostile text is stored as typed and shown only as plain text', async () => {
    const { bot, store, outbox } = await setup();
    await store.triageChannels.add('slack:CT', 'slack:UCOORD', new Date());
    const hostile = '<!channel> **vet** [klik](javascript:alert(1)) <script>alert(1)</script>';
    await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, beschrijving: hostile } }));
    expect((await store.knelpunten.list())[0]?.beschrijving).toBe(hostile);
    const textBlocks = outbox.sent[0]!.reply.blocks.filter((b) => b.kind === 'text');
    expect(textBlocks).toContainEqual({ kind: 'text', rich: [{ t: 'para', children: [{ t: 'text', text: hostile }] }] });
  });
});

import { describe, expect, it } from 'vitest';
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
const buttonsOf = (r: Reply) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));

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
    const { bot, store, outbox } = await setup();
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
    expect(outbox.sent).toHaveLength(1);
    expect(outbox.sent[0]!.to).toBe('slack:CTRIAGE');
    const card = outbox.sent[0]!.reply;
    expect(textOf(card)).toMatch(/Nieuw knelpunt KP-2026-0001/);
    expect(textOf(card)).toMatch(/Rita Reporter/);
    expect(buttonsOf(card).map((b) => b.value)).toEqual(['KP-2026-0001|nieuw|in_behandeling', 'KP-2026-0001|nieuw|niet_opgepakt']);
  });

  it('an anonymous report leaves no identity in the store, the triage card or the log', async () => {
    const { bot, store, outbox, logs } = await setup();
    await store.triageChannels.add('slack:CTRIAGE', 'slack:UCOORD', new Date());
    const secret = { id: 'U-ANON-SECRET', name: 'Geheime Gerda' };
    const res = await bot.handle(slack({ kind: 'form', formId: 'knelpunt', values: { ...valid, anoniem: true } }, secret, { id: 'C-SECRET-CHANNEL', kind: 'channel', threadId: '1700000000.000100' }));
    expect(textOf(res.replies[0]!)).toMatch(/anoniem/);
    const dump = JSON.stringify({ k: await store.knelpunten.list(), sent: outbox.sent });
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
    expect(textOf(ok.replies[0]!)).toMatch(/in behandeling/);
    const k = await store.knelpunten.get('KP-2026-0001');
    expect(k?.status).toBe('in_behandeling');
    expect(k?.history).toEqual([{ at: '2026-11-23T10:00:00.000Z', by: 'slack:UCOORD', from: 'nieuw', to: 'in_behandeling' }]);
    const update = outbox.sent.find((s) => s.to === 'user:slack:UREP');
    expect(update && textOf(update.reply)).toMatch(/Update over je knelpunt KP-2026-0001[\s\S]*in behandeling/);
    expect(update?.reply.private).toBe(true);

    // a stale button (from nieuw) changes nothing
    const stale = await bot.handle(slack({ kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' }, COORD));
    expect(textOf(stale.replies[0]!)).toMatch(/al gewijzigd/);
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
    expect(form.state).toBe('KP-2026-0001|nieuw|niet_opgepakt');
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
    expect(overview).toMatch(/Langst open/);
    expect(textOf((await bot.handle(slack('knelpunt triage hier'))).replies[0]!)).toMatch(/alleen de coördinatoren/i);
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

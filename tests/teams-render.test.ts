import { describe, expect, it } from 'vitest';
import { block, reply, type Block, type Reply } from '../src/core/reply.js';
import { cardBytes, escapeMarkdown, MAX_CARD_BYTES, renderCard, type AdaptiveCard, type CardElement } from '../adapters/teams/render.js';
import { answerCard, helpCard } from '../src/core/answer.js';
import { shippedKnowledge } from './helpers/core.js';

/** The Adaptive Card 1.5 element and action types Teams renders, with their required properties. */
const ELEMENTS: Record<string, string[]> = {
  TextBlock: ['text'],
  FactSet: ['facts'],
  ActionSet: ['actions'],
  'Input.Text': ['id'],
  'Input.ChoiceSet': ['id', 'choices'],
  'Input.Toggle': ['id', 'title'],
  Container: ['items'],
};
const ACTIONS: Record<string, string[]> = { 'Action.Submit': ['title'], 'Action.OpenUrl': ['title', 'url'], 'Action.Execute': ['title'] };
const TEXT_SIZES = ['Small', 'Default', 'Medium', 'Large', 'ExtraLarge'];
const COLORS = ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'];

/** Structural check against the Adaptive Card 1.5 schema rules our cards use. */
function checkCard(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard' || card.version !== '1.5') problems.push('not an AdaptiveCard 1.5');
  const ids = new Set<string>();
  const visit = (el: CardElement, where: string): void => {
    const type = String(el.type);
    const required = ELEMENTS[type];
    if (!required) return void problems.push(`${where}: unknown element ${type}`);
    for (const r of required) if (el[r] === undefined) problems.push(`${where}: ${type} without ${r}`);
    if (type === 'TextBlock') {
      if (typeof el.text !== 'string' || el.text === '') problems.push(`${where}: empty TextBlock`);
      if (el.size !== undefined && !TEXT_SIZES.includes(String(el.size))) problems.push(`${where}: size ${String(el.size)}`);
      if (el.color !== undefined && !COLORS.includes(String(el.color))) problems.push(`${where}: color ${String(el.color)}`);
    }
    if (type.startsWith('Input.')) {
      if (ids.has(String(el.id))) problems.push(`${where}: duplicate id ${String(el.id)}`);
      ids.add(String(el.id));
      if (el.isRequired && !el.errorMessage) problems.push(`${where}: required input without errorMessage`);
      if (typeof el.label !== 'string') problems.push(`${where}: input without label`);
    }
    const checkAction = (a: CardElement): void => {
      const req = ACTIONS[String(a.type)];
      if (!req) problems.push(`${where}: unknown action ${String(a.type)}`);
      for (const r of req ?? []) if (a[r] === undefined) problems.push(`${where}: ${String(a.type)} without ${r}`);
      if (a.type === 'Action.Submit' && typeof a.data !== 'object') problems.push(`${where}: Action.Submit without data`);
    };
    if (type === 'ActionSet') {
      // Teams shows at most five; more disappear into an overflow menu
      if ((el.actions as CardElement[]).length > 5) problems.push(`${where}: more than 5 actions`);
      for (const a of el.actions as CardElement[]) checkAction(a);
    }
    if (type === 'Container') {
      if (el.selectAction) checkAction(el.selectAction as CardElement);
      (el.items as CardElement[]).forEach((x, i) => visit(x, `${where}.items[${i}]`));
    }
  };
  card.body.forEach((el, i) => visit(el, `body[${i}]`));
  return problems;
}

/** What a CommonMark renderer shows for escaped text: the escapes removed. */
const unescape = (s: string): string => s.replace(/\\([\\`*_~[\]()<>&{}#+\-.)])/g, '$1');

const everyBlock: Block[] = [
  block.heading('Kop'),
  block.markdown('Tekst met **vet**, _schuin_ en een [link](https://example.nl/a_(b).\n\n- een\n- twee\n\n1. eerste\n2. tweede'),
  block.facts([{ label: 'Status', value: 'Open' }]),
  block.buttons([
    { label: 'Ja', action: 'feedback', value: 'x|helpful', style: 'primary' },
    { label: 'Nee', action: 'feedback', value: 'x|not_helpful', style: 'danger' },
  ]),
  block.links([
    { label: 'Bron', url: 'https://example.nl' },
    { label: 'Kwaad', url: 'javascript:alert(1)' },
  ]),
  block.divider(),
  block.form({
    id: 'knelpunt',
    title: 'Meld een knelpunt',
    submitLabel: 'Versturen',
    intro: [{ t: 'para', children: [{ t: 'text', text: 'Vertel wat er speelt.' }] }],
    fields: [
      { id: 'titel', kind: 'text', label: 'Titel', required: true, minLength: 5, maxLength: 100, placeholder: 'Kort', initial: 'Eerste' },
      { id: 'omschrijving', kind: 'longtext', label: 'Omschrijving', maxLength: 2000, hint: 'Geen namen.' },
      { id: 'opgave', kind: 'select', label: 'Opgave', required: true, options: [{ value: 'klimaat', label: 'Klimaat' }] },
      { id: 'overheden', kind: 'multiselect', label: 'Overheden', options: [{ value: 'gemeente', label: 'Gemeente' }, { value: 'rijk', label: 'Rijk' }], initial: ['rijk'] },
      { id: 'anoniem', kind: 'checkbox', label: 'Anoniem melden', initial: true },
    ],
    errors: { titel: 'De titel is te kort.' },
    state: 'K-1|open',
  }),
  block.context('Alleen zichtbaar voor jou'),
];

describe('renderCard: Reply -> Adaptive Card 1.5', () => {
  const card = renderCard(reply('nl', 'fallback', everyBlock));

  it('renders every block type into a valid 1.5 structure', () => {
    expect(checkCard(card)).toEqual([]);
    const types = card.body.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['TextBlock', 'FactSet', 'ActionSet', 'Input.Text', 'Input.ChoiceSet', 'Input.Toggle']));
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'Kop', size: 'Large', weight: 'Bolder', wrap: true });
    expect(card.fallbackText).toBe('fallback');
  });

  it('uses Teams markdown for trusted rich text: bold, italic, links, lists', () => {
    const texts = card.body.filter((e) => e.type === 'TextBlock').map((e) => String(e.text));
    expect(texts).toContain('Tekst met **vet**, _schuin_ en een [link](https://example.nl/a_%28b).');
    expect(texts).toContain('- een\r- twee');
    expect(texts).toContain('1. eerste\r2. tweede');
  });

  it('buttons are Action.Submit with ibpAction/value data and do not collect form inputs', () => {
    const submit = card.body.find((e) => e.type === 'ActionSet' && (e.actions as CardElement[])[0]?.title === 'Ja')!;
    expect((submit.actions as CardElement[])[0]).toEqual({
      type: 'Action.Submit',
      title: 'Ja',
      associatedInputs: 'none',
      data: { ibpAction: 'feedback', value: 'x|helpful' },
      style: 'positive',
    });
    expect((submit.actions as CardElement[])[1]).toMatchObject({ style: 'destructive' });
  });

  it('a button that opens a form asks Teams for a dialog (task/fetch)', () => {
    const c = renderCard(reply('nl', 'x', [block.buttons([{ label: 'Niet oppakken', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt', opensForm: true, style: 'danger' }])]));
    expect((c.body[0]!.actions as CardElement[])[0]).toMatchObject({
      type: 'Action.Submit', data: { msteams: { type: 'task/fetch' }, ibpAction: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' }, style: 'destructive',
    });
    expect(checkCard(c)).toEqual([]);
  });

  it('never more than five actions in sight: a long list of choices becomes a ChoiceSet with one submit, next to the other buttons', () => {
    const choices = Array.from({ length: 10 }, (_, i) => ({ label: `Opgave nummer ${i + 1}`, action: 'reflectie.step', value: `opgave|o${i}|3` }));
    const c = renderCard(reply('nl', 'x', [block.buttons([...choices, { label: 'Overslaan', action: 'reflectie.step', value: 'skip|3', style: 'primary' }, { label: 'Stoppen', action: 'reflectie.step', value: 'stop|3', style: 'danger' }])]));
    expect(checkCard(c)).toEqual([]);
    const [list, set] = c.body;
    expect(list).toMatchObject({ type: 'Input.ChoiceSet', id: 'ibpChoice0', style: 'compact', isRequired: true });
    expect((list!.choices as { title: string; value: string }[]).map((x) => x.value)).toEqual(choices.map((x) => x.value));
    expect((set!.actions as CardElement[]).map((a) => [a.title, a.associatedInputs, a.data])).toEqual([
      ['Kiezen', 'auto', { ibpAction: 'reflectie.step', ibpChoice: 'ibpChoice0' }],
      ['Overslaan', 'none', { ibpAction: 'reflectie.step', value: 'skip|3' }],
      ['Stoppen', 'none', { ibpAction: 'reflectie.step', value: 'stop|3' }],
    ]);
    // stamped with the card's language (as the core sends them): the submit carries the stamp for "nothing chosen"
    const stamped = renderCard(reply('en', 'x', [block.buttons(choices.map((b) => ({ ...b, value: `${b.value}~en` })))]));
    expect((stamped.body[1]!.actions as CardElement[])[0]!.data).toEqual({ ibpAction: 'reflectie.step', ibpChoice: 'ibpChoice0', value: '~en' });
    // six of anything else: two ActionSets, none hidden
    const six = renderCard(reply('nl', 'x', [block.buttons(Array.from({ length: 6 }, (_, i) => ({ label: `K${i}`, action: `a${i}`, value: '' })))]));
    expect(six.body.map((e) => (e.actions as CardElement[]).length)).toEqual([5, 1]);
    expect(checkCard(six)).toEqual([]);
  });

  it('buttons with long titles ("Zie ook") become tappable lines that wrap, instead of titles cut mid-word', async () => {
    const kb = await shippedKnowledge();
    const c = renderCard(answerCard(kb, kb.get('zekerheid-7')!, 'nl'));
    expect(checkCard(c)).toEqual([]);
    const lines = c.body.filter((e) => e.type === 'Container');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l.selectAction).toMatchObject({ type: 'Action.Submit', data: { ibpAction: 'topic' } });
      expect((l.items as CardElement[])[0]).toMatchObject({ type: 'TextBlock', wrap: true });
    }
    // every TextBlock wraps, titles included
    const walk = (els: CardElement[]): CardElement[] => els.flatMap((e) => [e, ...walk((e.items as CardElement[] | undefined) ?? [])]);
    for (const t of walk(c.body).filter((e) => e.type === 'TextBlock')) expect(t.wrap).toBe(true);
  });

  it('links are Action.OpenUrl, unsafe URLs dropped', () => {
    const urls = card.body.filter((e) => e.type === 'ActionSet').flatMap((e) => (e.actions as CardElement[]).filter((a) => a.type === 'Action.OpenUrl'));
    expect(urls).toEqual([{ type: 'Action.OpenUrl', title: 'Bron', url: 'https://example.nl' }]);
  });

  it('divider becomes a separator on the next element; context is small and subtle', () => {
    const i = card.body.findIndex((e) => e.separator === true);
    expect(card.body[i]).toMatchObject({ text: 'Meld een knelpunt' });
    expect(card.body.at(-1)).toMatchObject({ type: 'TextBlock', size: 'Small', isSubtle: true, text: 'Alleen zichtbaar voor jou' });
  });

  it('forms use Input.* with validation, field errors next to the field, and an ibpForm submit', () => {
    const byId = (id: string): CardElement => card.body.find((e) => e.id === id)!;
    expect(byId('titel')).toMatchObject({
      type: 'Input.Text',
      label: 'Titel',
      isRequired: true,
      maxLength: 100,
      regex: '^[\\s\\S]{5,}$',
      errorMessage: 'De titel is te kort.',
      placeholder: 'Kort',
      value: 'Eerste',
    });
    const after = card.body[card.body.indexOf(byId('titel')) + 1];
    expect(after).toMatchObject({ type: 'TextBlock', color: 'Attention', text: 'De titel is te kort.' });
    expect(byId('omschrijving')).toMatchObject({ isMultiline: true, maxLength: 2000, errorMessage: expect.stringMatching(/2000/) });
    expect(byId('opgave')).toMatchObject({ type: 'Input.ChoiceSet', style: 'compact', isRequired: true, choices: [{ title: 'Klimaat', value: 'klimaat' }] });
    expect(byId('overheden')).toMatchObject({ isMultiSelect: true, value: 'rijk' });
    expect(byId('anoniem')).toMatchObject({ type: 'Input.Toggle', title: 'Anoniem melden', value: 'true', valueOn: 'true', valueOff: 'false' });
    const submit = card.body.flatMap((e) => (e.type === 'ActionSet' ? (e.actions as CardElement[]) : [])).find((a) => a.title === 'Versturen');
    expect(submit).toMatchObject({
      type: 'Action.Submit',
      associatedInputs: 'auto',
      data: { ibpForm: 'knelpunt', ibpFields: { overheden: 'multiselect', anoniem: 'checkbox' }, ibpState: 'K-1|open' },
    });
  });

  it('renders the real answer and help cards of the core', async () => {
    const kb = await shippedKnowledge();
    const entry = kb.get('zekerheid-7')!;
    for (const r of [answerCard(kb, entry, 'nl'), answerCard(kb, entry, 'en'), helpCard('nl')]) expect(checkCard(renderCard(r))).toEqual([]);
  });
});

describe('escaping text from users and knowledge', () => {
  const hostile = '[klik](https://evil.example) **vet** <at>x</at> _schuin_ # kop {{DATE(2026-01-01T00:00:00Z)}} & `code` ~~weg~~';

  it('escapes every Markdown control character so the text shows literally', () => {
    const escaped = escapeMarkdown(hostile);
    expect(unescape(escaped)).toBe(hostile);
    expect(escaped).not.toMatch(/(^|[^\\])\[/); // no unescaped [
    expect(escaped).not.toMatch(/(^|[^\\])\*/);
    expect(escaped).not.toMatch(/(^|[^\\])</);
    expect(escaped).not.toMatch(/(^|[^\\])\{/);
  });

  it('escapes line starts that would become lists, headings or numbered lists', () => {
    expect(escapeMarkdown('- a\n+ b\n# c\n12. d')).toBe('\\- a\n\\+ b\n\\# c\n12\\. d');
    expect(escapeMarkdown('IBP-bot 2.0')).toBe('IBP-bot 2.0'); // readable where nothing can happen
  });

  it('plain (user) text in a reply renders as literal text in the card', () => {
    const card = renderCard(reply('nl', hostile, [block.plain(hostile), block.heading(hostile), block.facts([{ label: hostile, value: hostile }])]));
    const [para, heading, facts] = card.body;
    expect(unescape(String(para?.text))).toBe(hostile);
    expect(unescape(String(heading?.text))).toBe(hostile);
    const fact = (facts?.facts as Array<{ title: string; value: string }>)[0]!;
    expect(unescape(fact.value)).toBe(hostile);
    expect(JSON.stringify(card.body)).not.toContain('](https://evil.example)');
    expect(card.fallbackText).toBe(hostile); // plain text for notifications, never rendered as Markdown
  });

  it('a trusted link label cannot break out of its link', () => {
    const card = renderCard(reply('nl', 'x', [block.markdown('[a](https://example.nl/x)y)')]));
    expect(card.body[0]?.text).toBe('[a](https://example.nl/x)y\\)');
  });
});

describe('the Teams size limit', () => {
  it('shrinks a 60 KB reply under the limit with a "Lees verder" link to the web chat', () => {
    const long = Array.from({ length: 7000 }, (_, i) => `woord${i}`).join(' '); // ~60 KB
    const big: Reply = reply('nl', 'Lang antwoord', [block.heading('Lang'), block.plain(long), block.buttons([{ label: 'Ja', action: 'feedback', value: 'a|helpful' }])]);
    expect(Buffer.byteLength(long)).toBeGreaterThan(60_000);
    const card = renderCard(big, { publicUrl: 'https://ibp-bot.example.nl' });
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardBytes(card)).toBeGreaterThan(MAX_CARD_BYTES * 0.8); // shortened, not emptied
    expect(card.body[0]).toMatchObject({ text: 'Lang' });
    expect(String(card.body[1]?.text)).toMatch(/…$/);
    const json = JSON.stringify(card);
    expect(json).toContain('ingekort');
    expect(json).toContain('"url":"https://ibp-bot.example.nl/"');
    expect(json).toContain('"title":"Ja"'); // the buttons survive
  });

  it('without PUBLIC_URL the notice says where to read on, and an English reply gets English', () => {
    const long = 'x '.repeat(40_000);
    const card = renderCard(reply('en', 'Long', [block.plain(long)]));
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(JSON.stringify(card)).toMatch(/shortened/);
    expect(JSON.stringify(card)).not.toContain('Action.OpenUrl');
  });

  it('a reply too big in every block (hundreds of buttons) still fits', () => {
    const buttons = Array.from({ length: 800 }, (_, i) => ({ label: `Onderwerp ${i} met een lange naam`, action: 'topic', value: `onderwerp-${i}` }));
    const card = renderCard(reply('nl', 'Veel onderwerpen', [block.heading('Veel'), block.buttons(buttons)]));
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(card.body[0]).toMatchObject({ text: 'Veel' });
  });
});

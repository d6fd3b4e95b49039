import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, mrkdwnLink, richToMrkdwn, splitMrkdwn } from '../adapters/slack/mrkdwn.js';
import { LIMITS, OPEN_FORM_ACTION, renderBlocks } from '../adapters/slack/render.js';
import { CHECKBOX_ON, modalErrors, renderHome, renderModal } from '../adapters/slack/views.js';
import { block, reply, type Block, type Form, type Reply } from '../src/core/reply.js';
import { parseMarkdown } from '../src/domain/richtext.js';

const HOSTILE = '<!channel> <@U123> <https://evil.example|klik> & *vet*';

/** Every Block Kit limit we promise, checked on any rendered message. */
function expectWithinLimits(blocks: types.KnownBlock[], maxBlocks: number = LIMITS.messageBlocks): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  const actionIds: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.sectionFields);
    }
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
      for (const e of b.elements as types.Button[]) {
        expect([...e.text.text].length).toBeLessThanOrEqual(LIMITS.buttonText);
        expect((e.value ?? '').length).toBeLessThanOrEqual(LIMITS.buttonValue);
        actionIds.push(e.action_id!);
      }
    }
  }
  expect(new Set(actionIds).size).toBe(actionIds.length);
}

const texts = (blocks: types.KnownBlock[]): string => JSON.stringify(blocks);

describe('mrkdwn: escaping and rich text', () => {
  it('escapes &, < and > in user text so nothing becomes a mention or a link', () => {
    expect(escapeMrkdwn(HOSTILE)).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|klik&gt; &amp; *vet*');
    const { blocks, text } = renderBlocks(reply('nl', HOSTILE, [block.plain(HOSTILE)]));
    expect(blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|klik&gt; &amp; *vet*' } }]);
    expect(text).toBe(escapeMrkdwn(HOSTILE));
  });

  it('escapes knowledge text too, in every block type that carries text', () => {
    const r = reply('nl', 'x', [
      block.markdown('Gemeente <b> & **provincie** <!here>'),
      block.facts([{ label: '<!channel>', value: 'a & b' }]),
      block.context('<@U1> kijk'),
      block.links([{ label: '<!here> a&b', url: 'https://ibp.nl/zoek?a=1&b=<2>' }, { label: 'geen link', url: 'javascript:alert(1)' }]),
    ]);
    const json = texts(renderBlocks(r).blocks);
    expect(json).not.toMatch(/<!here>|<!channel>|<@U1>|<b>/);
    expect(json).toContain('Gemeente &lt;b&gt; &amp; *provincie* &lt;!here&gt;');
    expect(json).toContain('<https://ibp.nl/zoek?a=1&b=%3C2%3E|&lt;!here&gt; a&amp;b>');
    expect(json).toContain('• geen link');
    expect(json).not.toContain('javascript:');
  });

  it('renders bold, italic, links and lists as Slack mrkdwn', () => {
    const rich = parseMarkdown('**Vet** en _schuin_ met [de site](https://ibp.nl) .\n\n- een\n- twee\n\n1. eerst\n2. dan');
    expect(richToMrkdwn(rich)).toBe('*Vet* en _schuin_ met <https://ibp.nl|de site> .\n\n• een\n• twee\n\n1. eerst\n2. dan');
    expect(mrkdwnLink('https://a.nl/x|y', 'a|b')).toBe('<https://a.nl/x%7Cy|a|b>');
  });

  it('splits long text at paragraph boundaries, never inside a link or an entity', () => {
    const para = `${'woord '.repeat(80)}<https://ibp.nl|link> &amp; eind.`;
    const text = Array.from({ length: 12 }, () => para).join('\n\n');
    const parts = splitMrkdwn(text, 3000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(3000);
      expect(p.endsWith('eind.')).toBe(true);
    }
    const oneLong = splitMrkdwn(`${'x'.repeat(2990)} <https://ibp.nl|link met spaties> y`, 3000);
    expect(oneLong[1]).toBe('<https://ibp.nl|link met spaties> y');
  });
});

describe('renderBlocks: every Reply block type, within Block Kit limits', () => {
  const form: Form = {
    id: 'knelpunt',
    title: 'Knelpunt melden',
    submitLabel: 'Versturen',
    intro: parseMarkdown('Vertel wat er *misgaat*.'),
    fields: [{ id: 'beschrijving', kind: 'longtext', label: 'Beschrijving', required: true }],
  };
  const all: Block[] = [
    block.heading('Titel'),
    block.markdown('Tekst met **nadruk**.'),
    block.facts([{ label: 'Status', value: 'Nieuw' }]),
    block.buttons([{ label: 'Ja', action: 'feedback', value: 'x|helpful', style: 'primary' }]),
    block.links([{ label: 'Bron', url: 'https://ibp.nl' }]),
    block.form(form),
    block.divider(),
    block.context('Had je hier iets aan?'),
  ];

  it('renders each block type', () => {
    const { blocks } = renderBlocks(reply('nl', 'Titel', all), { formButtonValue: () => 'form-key-1' });
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'section', 'section', 'section', 'actions', 'divider', 'context']);
    expect(blocks[3]).toEqual({
      type: 'actions',
      elements: [{ type: 'button', action_id: 'feedback:0', text: { type: 'plain_text', text: 'Ja', emoji: true }, value: 'x|helpful', style: 'primary' }],
    });
    expect((blocks[7] as types.ActionsBlock).elements[0]).toMatchObject({ action_id: `${OPEN_FORM_ACTION}:1`, value: 'form-key-1' });
    expectWithinLimits(blocks);
  });

  it('80 blocks: cut to 50, the feedback buttons kept, a note with a link to the whole answer', () => {
    const many: Block[] = [block.heading('Lang'), ...Array.from({ length: 76 }, (_, i) => block.plain(`Alinea ${i}`))];
    many.push(block.context('Had je hier iets aan?'), block.buttons([{ label: 'Ja', action: 'feedback', value: 'a|helpful' }, { label: 'Nee', action: 'feedback', value: 'a|not_helpful' }]));
    const { blocks } = renderBlocks(reply('nl', 'Lang', many), { moreUrl: 'https://ibp-bot.example.nl' });
    expect(blocks).toHaveLength(50);
    expectWithinLimits(blocks);
    expect(blocks.at(-1)?.type).toBe('actions');
    expect(texts(blocks.slice(-3))).toContain('ingekort');
    expect(texts(blocks.slice(-3))).toContain('<https://ibp-bot.example.nl|');
  });

  it('10,000 characters of text become several sections of at most 3000, nothing lost', () => {
    const long = Array.from({ length: 110 }, (_, i) => `Zin ${i} ${'over samenwerking '.repeat(5)}`.trim()).join('\n\n');
    expect(long.length).toBeGreaterThan(10_000);
    const { blocks } = renderBlocks(reply('nl', 'x', [block.plain(long)]));
    expect(blocks.length).toBeGreaterThan(3);
    expectWithinLimits(blocks);
    const joined = blocks.map((b) => (b as types.SectionBlock).text!.text).join('\n\n');
    expect(joined).toBe(long);
    // one paragraph without blank lines is split at spaces
    const para = 'samenwerking '.repeat(800).trim();
    const single = renderBlocks(reply('nl', 'x', [block.plain(para)])).blocks;
    expectWithinLimits(single);
    expect(single.map((b) => (b as types.SectionBlock).text!.text).join(' ')).toBe(para);
  });

  it('a 200-character button label is cut to 75 with …; an oversized value drops the button', () => {
    const { blocks } = renderBlocks(
      reply('nl', 'x', [
        block.buttons([
          { label: 'L'.repeat(200), action: 'ask', value: 'vraag' },
          { label: 'Te groot', action: 'ask', value: 'v'.repeat(2001) },
        ]),
      ]),
    );
    const [button, ...rest] = (blocks[0] as types.ActionsBlock).elements as types.Button[];
    expect(rest).toEqual([]);
    expect([...button!.text.text]).toHaveLength(75);
    expect(button!.text.text.endsWith('…')).toBe(true);
    expectWithinLimits(blocks);
  });

  it('a long button title of words is cut at a word, never mid-word', () => {
    const title = 'Samenwerking tussen gemeenten, provincies, waterschappen en het Rijk bij de energietransitie';
    const { blocks } = renderBlocks(reply('nl', 'x', [block.buttons([{ label: title, action: 'topic', value: 'x' }])]));
    const text = ((blocks[0] as types.ActionsBlock).elements[0] as types.Button).text.text;
    expect(text).toBe('Samenwerking tussen gemeenten, provincies, waterschappen en het Rijk bij…');
    expect([...text].length).toBeLessThanOrEqual(75);
    expect(title.startsWith(text.slice(0, -1))).toBe(true);
  });

  it('more than 25 buttons are spread over several actions blocks with unique action ids', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ label: `Onderwerp ${i}`, action: 'topic', value: `t${i}` }));
    const { blocks } = renderBlocks(reply('nl', 'x', [block.buttons(buttons)]));
    expect(blocks.map((b) => b.type)).toEqual(['actions', 'actions']);
    expectWithinLimits(blocks);
  });
});

describe('modals and App Home', () => {
  const form: Form = {
    id: 'knelpunt',
    title: 'Een titel die veel te lang is voor Slack',
    submitLabel: 'Versturen',
    state: 'KP-1',
    fields: [
      { id: 'opgave', kind: 'select', label: 'Opgave', required: true, options: [{ value: 'klimaat', label: 'Klimaat' }], initial: 'klimaat' },
      { id: 'beschrijving', kind: 'longtext', label: 'Beschrijving', required: true, minLength: 10, maxLength: 5000, placeholder: '<!channel>' },
      { id: 'kort', kind: 'text', label: 'Kort', initial: 'ja' },
      { id: 'overheden', kind: 'multiselect', label: 'Overheden', options: [{ value: 'rijk', label: 'Rijk' }, { value: 'gemeente', label: 'Gemeente' }], initial: ['gemeente'] },
      { id: 'anoniem', kind: 'checkbox', label: 'Anoniem melden', initial: true },
    ],
    errors: { beschrijving: 'Te kort', onbekend: 'geen veld' },
  };

  it('renders a form as a modal: callback_id is the form id, each field an input block keyed by its id', () => {
    const view = renderModal(form, { locale: 'nl', privateMetadata: '{"c":"C1"}' });
    expect(view).toMatchObject({ type: 'modal', callback_id: 'knelpunt', private_metadata: '{"c":"C1"}', close: { text: 'Annuleren' } });
    expect([...view.title.text].length).toBeLessThanOrEqual(24);
    const inputs = view.blocks as types.InputBlock[];
    expect(inputs.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['opgave', 'static_select', false],
      ['beschrijving', 'plain_text_input', false],
      ['kort', 'plain_text_input', true],
      ['overheden', 'multi_static_select', true],
      ['anoniem', 'checkboxes', true],
    ]);
    expect(inputs[0]!.element).toMatchObject({ initial_option: { value: 'klimaat' } });
    expect(inputs[1]!.element).toMatchObject({ multiline: true, min_length: 10, max_length: 3000 });
    expect(inputs[3]!.element).toMatchObject({ initial_options: [{ value: 'gemeente' }] });
    expect(inputs[4]!.element).toMatchObject({ initial_options: [{ value: CHECKBOX_ON }] });
    // opened fresh, a field error shows as the hint
    expect(inputs[1]!.hint?.text).toBe('⚠️ Te kort');
  });

  it('field errors for response_action: errors only name fields the modal has', () => {
    expect(modalErrors(form)).toEqual({ beschrijving: 'Te kort' });
    expect(modalErrors({ ...form, errors: undefined })).toBeUndefined();
  });

  it('App Home: intro, help and feature sections, at most 100 blocks', () => {
    const help: Reply = reply('nl', 'Hulp', [block.heading('Wat kan ik voor je doen?'), block.buttons([{ label: 'Wat is het IBP?', action: 'ask', value: 'Wat is het IBP?' }])]);
    const section: Reply = reply('nl', 'Mijn knelpunten', Array.from({ length: 120 }, (_, i) => block.plain(`Knelpunt ${i}`)));
    const view = renderHome([help, section], 'nl');
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(texts(view.blocks as types.KnownBlock[])).toContain('Wat kan ik voor je doen?');
  });
});

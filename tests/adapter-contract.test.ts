import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../adapters/slack/render.js';
import { renderModal } from '../adapters/slack/views.js';
import { renderCard } from '../adapters/teams/render.js';
import { renderText } from '../src/cli/render.js';
import { block, reply, type Form, type Reply } from '../src/core/reply.js';

/**
 * One contract every renderer meets: every Reply block type shows its content, and
 * text from users never turns into formatting, links or mentions on that platform.
 */
const HOSTILE = '<!channel> <@U123> **vet** [klik](https://evil.example) <script>x</script>';

const form: Form = {
  id: 'contract-form',
  title: 'Formuliertitel',
  submitLabel: 'Versturen',
  fields: [
    { id: 'f_text', kind: 'text', label: 'Korte tekst', required: true, maxLength: 50 },
    { id: 'f_long', kind: 'longtext', label: 'Lange tekst', minLength: 10, maxLength: 3000 },
    { id: 'f_select', kind: 'select', label: 'Keuze', options: [{ value: 'a', label: 'Optie A' }, { value: 'b', label: 'Optie B' }] },
    { id: 'f_multi', kind: 'multiselect', label: 'Meerkeuze', options: [{ value: 'x', label: 'Optie X' }, { value: 'y', label: 'Optie Y' }] },
    { id: 'f_check', kind: 'checkbox', label: 'Vinkje' },
  ],
};

const full: Reply = reply('nl', 'Terugvaltekst', [
  block.heading('Kopregel'),
  block.markdown('Een **vette** zin met een [link](https://www.overheidvannu.nl).\n\n- punt een\n- punt twee'),
  block.plain(HOSTILE),
  block.facts([{ label: 'Feitlabel', value: 'Feitwaarde' }]),
  block.buttons([{ label: 'Knoplabel', action: 'topic', value: 'ibp' }]),
  block.links([{ label: 'Linklabel', url: 'https://example.nl/pagina' }]),
  block.divider(),
  block.context('Contextregel'),
]);

interface Rendered {
  name: string;
  /** Everything the platform would show, serialised. */
  out: (r: Reply) => string;
  form: (f: Form) => string;
  /** True when the hostile text survived only as inert text. */
  inert: (s: string) => boolean;
}

const renderers: Rendered[] = [
  {
    name: 'Slack Block Kit',
    out: (r) => JSON.stringify(renderBlocks(r)),
    form: (f) => JSON.stringify(renderModal(f, { locale: 'nl', privateMetadata: '{}' })),
    inert: (s) => !s.includes('<!channel>') && !s.includes('<@U123>') && s.includes('&lt;!channel&gt;') && !s.includes('<https://evil.example'),
  },
  {
    name: 'Teams Adaptive Card',
    out: (r) => JSON.stringify(renderCard(r)),
    form: (f) => JSON.stringify(renderCard(reply('nl', 'f', [block.form(f)]))),
    inert: (s) => !s.includes('[klik](https://evil.example)') && !s.includes('**vet**'),
  },
  {
    name: 'terminal (CLI)',
    out: (r) => renderText([r]).text,
    form: (f) => renderText([reply('nl', 'f', [block.form(f)])]).text,
    inert: (s) => s.includes(HOSTILE),
  },
];

describe.each(renderers)('renderer contract: $name', ({ out, form: renderForm, inert }) => {
  it('shows the content of every block type', () => {
    const s = out(full);
    for (const part of ['Kopregel', 'vette', 'punt een', 'punt twee', 'Feitlabel', 'Feitwaarde', 'Knoplabel', 'Linklabel', 'Contextregel']) {
      expect(s, part).toContain(part);
    }
    expect(s).toContain('https://www.overheidvannu.nl');
  });

  it('keeps text typed by users inert', () => {
    expect(inert(out(full))).toBe(true);
  });

  it('renders every form field kind with its label', () => {
    const s = renderForm(form);
    if (s.includes('dit formulier werkt')) return; // the terminal points to the web chat for forms
    for (const label of ['Korte tekst', 'Lange tekst', 'Keuze', 'Optie A', 'Meerkeuze', 'Optie Y', 'Vinkje']) expect(s, label).toContain(label);
  });

  it('survives an empty reply', () => {
    expect(() => out(reply('nl', '', []))).not.toThrow();
  });
});

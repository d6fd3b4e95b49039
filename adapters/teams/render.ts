import type { Block, Form, FormField, Reply } from '../../src/core/reply.js';
import { isSafeUrl, plain, toPlainText, type Inline, type RichBlock, type RichText } from '../../src/domain/richtext.js';
import { isLineTerminator, isWhitespace } from '../../src/domain/whitespace.js';
import type { Button } from '../../src/core/reply.js';
import { readCardLanguage } from '../../src/core/card-language.js';
import { SUBMIT_ACTION_KEY, SUBMIT_CHOICE_KEY, SUBMIT_FIELDS_KEY, SUBMIT_FORM_KEY, SUBMIT_STATE_KEY, SUBMIT_VALUE_KEY } from './parse.js';
import { teamsStrings, type TeamsStrings } from './strings.js';

/**
 * Reply -> Adaptive Card 1.5 (the version every Teams client renders). Pure.
 *
 * Only TextBlock text and FactSet facts are Markdown in Adaptive Cards; every text
 * node that goes there is escaped, so text typed by users (and knowledge text)
 * shows literally and cannot add links or formatting. Labels of inputs, choices and
 * buttons are plain text in Adaptive Cards and are not escaped (escaping them would
 * show backslashes).
 */
export const CARD_VERSION = '1.5';
/**
 * Teams refuses messages above about 28 KB (the whole activity). The card gets
 * 25,000 bytes of that, leaving room for the activity envelope.
 */
export const MAX_CARD_BYTES = 25_000;
const MIN_KEPT_CHARS = 200;
/** The fallback text of a shortened card (notifications show less than this anyway). */
const MAX_SHORTENED_FALLBACK = 2000;
/** Actions Teams shows in one ActionSet; more go into a "…" overflow menu, out of sight. */
export const MAX_ACTIONS = 5;
/**
 * Teams cuts a button title that does not fit, mid-word, and never wraps it. A list of
 * buttons with a title longer than this (the titles of "Zie ook", example questions)
 * becomes a list of tappable lines that wrap.
 */
export const MAX_BUTTON_TITLE = 24;

export type CardElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  fallbackText?: string;
  msteams?: { width: 'Full' };
}

export interface RenderOptions {
  /** Public address of the web chat: the "Lees verder" link of a shortened card. */
  publicUrl?: string;
  maxBytes?: number;
}

/** Backslash-escapes what Adaptive Card Markdown (and Teams' DATE/TIME functions) would interpret. */
export function escapeMarkdown(text: string): string {
  return escapeLineStarts(text.replace(/[\\`*_~[\]()<>&{}]/g, '\\$&'));
}

/**
 * Escapes what would start a list or heading: a `-`, `+` or `#` that is the first
 * non-space of a line, and the `.` or `)` after a number that is. The same as
 * `.replace(/^(\s*)([-+#])/gm, '$1\\$2').replace(/^(\s*\d+)([.)])/gm, '$1\\$2')`, in one pass:
 * those regexes tried every line start and backtracked over the whitespace after it,
 * quadratic on a text of blank lines.
 */
function escapeLineStarts(s: string): string {
  const parts: string[] = [];
  let copied = 0;
  // Only whitespace since the start of the text or the last line terminator (`^` in multiline mode).
  let lineStart = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isLineTerminator(c)) {
      lineStart = true;
      continue;
    }
    if (isWhitespace(c)) continue;
    if (lineStart) {
      if (c === 0x2d || c === 0x2b || c === 0x23) {
        // - + #
        parts.push(s.slice(copied, i), '\\');
        copied = i;
      } else if (isDigit(c)) {
        let end = i + 1;
        while (isDigit(s.charCodeAt(end))) end++;
        const after = s.charCodeAt(end);
        if (after === 0x2e || after === 0x29) {
          // . )
          parts.push(s.slice(copied, end), '\\');
          copied = end;
        }
        i = end - 1;
      }
    }
    lineStart = false;
  }
  if (parts.length === 0) return s;
  parts.push(s.slice(copied));
  return parts.join('');
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Renders a Reply; a card over the size limit is shortened (longest text first)
 * and gets a notice with a link to the web chat, so Teams never refuses it.
 */
export function renderCard(reply: Reply, opts: RenderOptions = {}): AdaptiveCard {
  const budget = opts.maxBytes ?? MAX_CARD_BYTES;
  // Every character of text costs at least a byte in the card: when the text alone is over
  // the budget, the full card is not built and measured just to learn that it is too big.
  let card: AdaptiveCard;
  if (textLength(reply) <= budget) {
    card = buildCard(reply);
    if (cardBytes(card) <= budget) return card;
  }

  const blocks = [...reply.blocks];
  const notice = shortenedNotice(reply, opts.publicUrl);
  // The fallback text travels in the card too: a long one alone would keep it over the limit.
  const fallbackText = truncateAtWord(reply.fallbackText, MAX_SHORTENED_FALLBACK);
  const withNotice = (): Reply => ({ ...reply, fallbackText, blocks: [...blocks, ...notice] });
  card = buildCard(withNotice());
  for (let round = 0; round < 50 && cardBytes(card) > budget; round++) {
    const i = longestTextBlock(blocks);
    if (i < 0) break;
    const text = toPlainText((blocks[i] as { rich: RichText }).rich);
    // Every character removed saves at least one byte (escapes and UTF-8 save more).
    const keep = Math.max(MIN_KEPT_CHARS - 1, text.length - (cardBytes(card) - budget) - 16);
    blocks[i] = { kind: 'text', rich: plain(truncateAtWord(text, keep)) };
    card = buildCard(withNotice());
  }
  if (cardBytes(card) <= budget) return card;
  // Still too big (huge forms, facts or button lists): the heading, the summary and the notice.
  const heading = reply.blocks.find((b) => b.kind === 'heading');
  const minimal: Reply = {
    ...reply,
    fallbackText,
    blocks: [...(heading ? [heading] : []), { kind: 'text', rich: plain(truncateAtWord(reply.fallbackText, 2000)) }, ...notice],
  };
  card = buildCard(minimal);
  if (cardBytes(card) <= budget) return card;
  // Text that escapes to many bytes each (JSON writes a lone surrogate as six): the notice alone.
  return buildCard({ ...reply, fallbackText: '', blocks: notice });
}

/** UTF-16 units of the reply's text nodes and fallback text: a lower bound of their bytes in the card. */
function textLength(reply: Reply): number {
  const inline = (nodes: Inline[]): number => nodes.reduce((n, x) => n + (x.t === 'text' ? x.text.length : inline(x.children)), 0);
  let n = reply.fallbackText.length;
  for (const b of reply.blocks) {
    if (b.kind === 'text') for (const rb of b.rich) n += rb.t === 'para' ? inline(rb.children) : rb.items.reduce((m, it) => m + inline(it), 0);
  }
  return n;
}

function longestTextBlock(blocks: Block[]): number {
  let best = -1;
  let bestLen = MIN_KEPT_CHARS;
  blocks.forEach((b, i) => {
    if (b.kind !== 'text') return;
    const len = toPlainText(b.rich).length;
    if (len > bestLen) {
      best = i;
      bestLen = len;
    }
  });
  return best;
}

export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max));
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function shortenedNotice(reply: Reply, publicUrl: string | undefined): Block[] {
  const t = teamsStrings(reply.locale);
  const blocks: Block[] = [{ kind: 'divider' }, { kind: 'context', text: t.shortened }];
  if (publicUrl && isSafeUrl(publicUrl)) blocks.push({ kind: 'links', links: [{ label: t.readMore, url: `${publicUrl.replace(/\/+$/, '')}/` }] });
  else blocks.push({ kind: 'context', text: t.readMoreHint });
  return blocks;
}

/** One card, no size checks. */
export function buildCard(reply: Reply): AdaptiveCard {
  const body: CardElement[] = [];
  let separate = false;
  let choiceSets = 0;
  const push = (...els: CardElement[]): void => {
    for (const el of els) {
      body.push(separate ? { ...el, separator: true, spacing: 'Medium' } : el);
      separate = false;
    }
  };
  for (const b of reply.blocks) {
    switch (b.kind) {
      case 'heading':
        push(textBlock(escapeMarkdown(b.text), { size: 'Large', weight: 'Bolder', style: 'heading' }));
        break;
      case 'text':
        push(...richBlocks(b.rich));
        break;
      case 'facts':
        push({ type: 'FactSet', facts: b.facts.map((f) => ({ title: escapeMarkdown(f.label), value: escapeMarkdown(f.value) })) });
        break;
      case 'buttons':
        push(...buttonElements(b.buttons, teamsStrings(reply.locale), () => choiceSets++));
        break;
      case 'links': {
        const links = b.links.filter((l) => isSafeUrl(l.url));
        if (links.length > 0) push({ type: 'ActionSet', actions: links.map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })) });
        break;
      }
      case 'form':
        push(...formElements(b.form, teamsStrings(reply.locale)));
        break;
      case 'divider':
        separate = true;
        break;
      case 'context':
        push(textBlock(escapeMarkdown(b.text), { size: 'Small', isSubtle: true }));
        break;
    }
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(reply.fallbackText ? { fallbackText: reply.fallbackText } : {}),
    msteams: { width: 'Full' },
  };
}

/** A button as an Action.Submit; one that opens a form asks Teams for a dialog (task module) instead. */
function submitAction(btn: Button): CardElement {
  return {
    type: 'Action.Submit',
    title: btn.label,
    // Buttons next to a form must not collect (and validate) its inputs.
    associatedInputs: 'none',
    data: { [SUBMIT_ACTION_KEY]: btn.action, [SUBMIT_VALUE_KEY]: btn.value, ...(btn.opensForm ? { msteams: { type: 'task/fetch' } } : {}) },
    ...(btn.style === 'primary' ? { style: 'positive' } : btn.style === 'danger' ? { style: 'destructive' } : {}),
  };
}

function actionSets(buttons: Button[]): CardElement[] {
  const out: CardElement[] = [];
  for (let i = 0; i < buttons.length; i += MAX_ACTIONS) out.push({ type: 'ActionSet', actions: buttons.slice(i, i + MAX_ACTIONS).map(submitAction) });
  return out;
}

/**
 * Buttons as Teams shows them without hiding any: at most MAX_ACTIONS per ActionSet; a
 * longer list of choices (the same action, different values) becomes an Input.ChoiceSet
 * with one submit button, next to the other buttons (so "Overslaan" and "Stoppen" stay in
 * sight); plain buttons with long titles become tappable lines that wrap.
 */
export function buttonElements(buttons: Button[], t: TeamsStrings, nextChoiceSet: () => number): CardElement[] {
  if (buttons.length > MAX_ACTIONS) {
    const byAction = new Map<string, Button[]>();
    for (const b of buttons) if (!b.style && !b.opensForm) byAction.set(b.action, [...(byAction.get(b.action) ?? []), b]);
    const group = [...byAction.values()].sort((a, b) => b.length - a.length)[0];
    if (group && group.length > 1) {
      const rest = buttons.filter((b) => !group.includes(b));
      const id = `ibpChoice${nextChoiceSet()}`;
      const choose: Button = { label: t.choose, action: group[0]!.action, value: '', style: 'primary' };
      // Nothing chosen (a client that lets the submit through without its required choice): the value is the
      // card's language alone, so the answer still comes in the card's language.
      const first = group[0]!.value;
      const stamp = first.slice(readCardLanguage(first).value.length);
      return [
        {
          type: 'Input.ChoiceSet',
          id,
          style: 'compact',
          label: t.choosePlaceholder,
          isRequired: true,
          errorMessage: t.choosePlaceholder,
          choices: group.map((b) => ({ title: b.label, value: b.value })),
        },
        ...actionSets([choose, ...rest]).map((set, i) =>
          i > 0 ? set : { ...set, actions: (set.actions as CardElement[]).map((a, j) => (j > 0 ? a : { ...a, associatedInputs: 'auto', data: { [SUBMIT_ACTION_KEY]: choose.action, [SUBMIT_CHOICE_KEY]: id, ...(stamp ? { [SUBMIT_VALUE_KEY]: stamp } : {}) } })) },
        ),
      ];
    }
  }
  if (buttons.some((b) => b.label.length > MAX_BUTTON_TITLE) && buttons.every((b) => !b.style && !b.opensForm)) {
    return buttons.map((b) => ({
      type: 'Container',
      selectAction: { ...submitAction(b), title: b.label },
      items: [textBlock(`→ ${escapeMarkdown(b.label)}`, { color: 'Accent', spacing: 'Small' })],
    }));
  }
  return actionSets(buttons);
}

function textBlock(text: string, extra: CardElement = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

/** One TextBlock per paragraph or list (Adaptive Cards want a list in a block of its own). */
export function richBlocks(rich: RichText): CardElement[] {
  return rich.map((b: RichBlock) =>
    b.t === 'para'
      ? textBlock(inline(b.children))
      : textBlock(b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inline(it)}`).join('\r')),
  );
}

function inline(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return escapeMarkdown(n.text);
        case 'strong':
          return `**${inline(n.children)}**`;
        case 'em':
          return `_${inline(n.children)}_`;
        case 'link':
          return isSafeUrl(n.url) ? `[${inline(n.children)}](${linkTarget(n.url)})` : inline(n.children);
      }
    })
    .join('');
}

/** A URL that cannot end the Markdown link early. */
function linkTarget(url: string): string {
  return url.trim().replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function formElements(form: Form, t: TeamsStrings): CardElement[] {
  const els: CardElement[] = [textBlock(escapeMarkdown(form.title), { size: 'Medium', weight: 'Bolder', style: 'heading' })];
  if (form.intro) els.push(...richBlocks(form.intro));
  const kinds: Record<string, string> = {};
  for (const field of form.fields) {
    if (field.kind === 'multiselect' || field.kind === 'checkbox') kinds[field.id] = field.kind;
    els.push(inputElement(field, form.errors?.[field.id], t));
    if (field.hint) els.push(textBlock(escapeMarkdown(field.hint), { size: 'Small', isSubtle: true, spacing: 'None' }));
    const error = form.errors?.[field.id];
    if (error) els.push(textBlock(escapeMarkdown(error), { color: 'Attention', size: 'Small', spacing: 'None' }));
  }
  els.push({
    type: 'ActionSet',
    actions: [
      {
        type: 'Action.Submit',
        title: form.submitLabel,
        style: 'positive',
        associatedInputs: 'auto',
        data: {
          [SUBMIT_FORM_KEY]: form.id,
          ...(Object.keys(kinds).length > 0 ? { [SUBMIT_FIELDS_KEY]: kinds } : {}),
          ...(form.state !== undefined ? { [SUBMIT_STATE_KEY]: form.state } : {}),
        },
      },
    ],
  });
  return els;
}

function inputElement(field: FormField, error: string | undefined, t: TeamsStrings): CardElement {
  const common: CardElement = {
    id: field.id,
    label: field.label,
    ...(field.required ? { isRequired: true } : {}),
    // Shown by the client when its own validation fails (required, length); our own message wins when we have one.
    ...(field.required || field.maxLength || field.minLength ? { errorMessage: error ?? t.fieldCheck(field.label, field.minLength, field.maxLength) } : {}),
  };
  switch (field.kind) {
    case 'text':
    case 'longtext':
      return {
        type: 'Input.Text',
        ...common,
        ...(field.kind === 'longtext' ? { isMultiline: true } : {}),
        ...(field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(field.minLength ? { regex: `^[\\s\\S]{${field.minLength},}$` } : {}),
        ...(field.placeholder ? { placeholder: field.placeholder } : {}),
        ...(typeof field.initial === 'string' ? { value: field.initial } : {}),
      };
    case 'select':
    case 'multiselect':
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        ...(field.kind === 'multiselect' ? { isMultiSelect: true } : {}),
        choices: (field.options ?? []).map((o) => ({ title: o.label, value: o.value })),
        ...(field.placeholder ? { placeholder: field.placeholder } : {}),
        ...(typeof field.initial === 'string' ? { value: field.initial } : Array.isArray(field.initial) ? { value: field.initial.join(',') } : {}),
      };
    case 'checkbox':
      return {
        type: 'Input.Toggle',
        ...common,
        title: field.label,
        valueOn: 'true',
        valueOff: 'false',
        value: field.initial === true ? 'true' : 'false',
      };
  }
}

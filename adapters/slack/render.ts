import type { types } from '@slack/bolt';
import type { Block, Button, Form, Reply } from '../../src/core/reply.js';
import { isSafeUrl } from '../../src/domain/richtext.js';
import { escapeMrkdwn, mrkdwnLink, richToMrkdwn, splitMrkdwn, truncate, truncateAtWord } from './mrkdwn.js';
import { slackTexts } from './texts.js';

type KnownBlock = types.KnownBlock;
type ActionsElement = types.Button;

/** Block Kit limits (https://docs.slack.dev/reference/block-kit). Renderers never exceed them. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  actionsElements: 25,
  contextText: 3000,
  fallbackText: 3000,
} as const;

/**
 * Button action ids are `<core action>:<index in message>`: Slack wants them unique
 * per message, and the core action name is everything before the last `:`.
 */
export function buttonActionId(action: string, index: number): string {
  return `${action}:${index}`;
}

/** The action id of the "open form" button of a form that arrives outside a modal. */
export const OPEN_FORM_ACTION = 'ibp_open_form';

export interface RenderOptions {
  /** Where the whole answer can be read when a message must be cut (the web chat). */
  moreUrl?: string;
  /**
   * A form outside a modal (no trigger id) becomes an "open form" button whose value
   * this returns (a key of a short-lived form cache); without it, only the title shows.
   */
  formButtonValue?: (form: Form) => string | undefined;
}

export interface RenderedMessage {
  blocks: KnownBlock[];
  /** Notification / screen-reader text; Slack parses it as mrkdwn, so it is escaped. */
  text: string;
}

function mrkdwnSection(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function renderButtons(buttons: Button[], counter: { n: number }): KnownBlock[] {
  const elements: ActionsElement[] = [];
  for (const b of buttons) {
    // A cut value would mean something else to the core (feedback on another entry): drop the button instead.
    if (b.value.length > LIMITS.buttonValue) continue;
    const actionId = buttonActionId(b.action, counter.n++);
    if (actionId.length > LIMITS.actionId) continue;
    elements.push({
      type: 'button',
      action_id: actionId,
      text: { type: 'plain_text', text: truncateAtWord(b.label, LIMITS.buttonText), emoji: true },
      value: b.value,
      ...(b.style ? { style: b.style } : {}),
    });
  }
  const out: KnownBlock[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.actionsElements) {
    out.push({ type: 'actions', elements: elements.slice(i, i + LIMITS.actionsElements) });
  }
  return out;
}

function renderBlock(b: Block, counter: { n: number }, opts: RenderOptions, locale: Reply['locale']): KnownBlock[] {
  switch (b.kind) {
    case 'heading':
      // plain_text is never parsed for mentions or links, so it needs no escaping
      return [{ type: 'header', text: { type: 'plain_text', text: truncate(b.text, LIMITS.headerText), emoji: true } }];
    case 'text':
      return splitMrkdwn(richToMrkdwn(b.rich), LIMITS.sectionText).map(mrkdwnSection);
    case 'facts': {
      const fields = b.facts.map((f) => ({
        type: 'mrkdwn' as const,
        text: truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, LIMITS.fieldText),
      }));
      const out: KnownBlock[] = [];
      for (let i = 0; i < fields.length; i += LIMITS.sectionFields) {
        out.push({ type: 'section', fields: fields.slice(i, i + LIMITS.sectionFields) });
      }
      return out;
    }
    case 'buttons':
      return renderButtons(b.buttons, counter);
    case 'links': {
      const lines = b.links.map((l) => `• ${mrkdwnLink(l.url, l.label)}`).join('\n');
      return lines ? splitMrkdwn(lines, LIMITS.sectionText).map(mrkdwnSection) : [];
    }
    case 'form': {
      const out: KnownBlock[] = [mrkdwnSection(`*${escapeMrkdwn(b.form.title)}*`)];
      if (b.form.intro?.length) out.push(...splitMrkdwn(richToMrkdwn(b.form.intro), LIMITS.sectionText).map(mrkdwnSection));
      const value = opts.formButtonValue?.(b.form);
      if (value) {
        out.push(...renderButtons([{ label: slackTexts(locale).openForm, action: OPEN_FORM_ACTION, value, style: 'primary' }], counter));
      }
      return out;
    }
    case 'divider':
      return [{ type: 'divider' }];
    case 'context':
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(escapeMrkdwn(b.text), LIMITS.contextText) }] }];
  }
}

/** The blocks at the end of a message that must survive a cut (feedback buttons and their question). */
function tailLength(blocks: KnownBlock[]): number {
  let n = 0;
  for (let i = blocks.length - 1; i >= 0 && n < 6; i -= 1) {
    const t = blocks[i]?.type;
    if (t !== 'actions' && t !== 'context' && t !== 'divider') break;
    n += 1;
  }
  return n;
}

/** Keeps a message within `max` blocks: cuts the middle, keeps the buttons, says so. */
export function fitBlocks(blocks: KnownBlock[], max: number, locale: Reply['locale'], moreUrl?: string): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const t = slackTexts(locale);
  const note = moreUrl && isSafeUrl(moreUrl) ? `${escapeMrkdwn(t.truncated)} ${mrkdwnLink(moreUrl, t.readMore)}` : escapeMrkdwn(t.truncated);
  const tail = blocks.slice(blocks.length - tailLength(blocks));
  const head = blocks.slice(0, max - tail.length - 1);
  return [...head, { type: 'context', elements: [{ type: 'mrkdwn', text: note }] }, ...tail];
}

/** A Reply as a Block Kit message: every block type, within Slack's limits. */
export function renderBlocks(reply: Reply, opts: RenderOptions = {}): RenderedMessage {
  const counter = { n: 0 };
  const blocks = reply.blocks.flatMap((b) => renderBlock(b, counter, opts, reply.locale));
  return {
    blocks: fitBlocks(blocks, LIMITS.messageBlocks, reply.locale, opts.moreUrl),
    text: truncate(escapeMrkdwn(reply.fallbackText), LIMITS.fallbackText),
  };
}

/** The form block of a reply, if it has one. */
export function formOf(reply: Reply): Form | undefined {
  for (const b of reply.blocks) if (b.kind === 'form') return b.form;
  return undefined;
}

/** The reply without its form block(s): what is left to post when the form opens as a modal. */
export function withoutForm(reply: Reply): Reply {
  return { ...reply, blocks: reply.blocks.filter((b) => b.kind !== 'form') };
}

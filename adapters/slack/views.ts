import type { types } from '@slack/bolt';
import type { FieldOption, Form, FormField, Reply } from '../../src/core/reply.js';
import type { Locale } from '../../src/domain/turn.js';
import { richToMrkdwn, splitMrkdwn, truncate } from './mrkdwn.js';
import { LIMITS, renderBlocks, type RenderOptions } from './render.js';
import { slackTexts } from './texts.js';

type KnownBlock = types.KnownBlock;
type PlainTextOption = types.PlainTextOption;

/** Every input element of a modal uses this action id; the block id is the form field id. */
export const FIELD_ACTION_ID = 'value';
/** The option value of a single checkbox field. */
export const CHECKBOX_ON = 'on';

const VIEW_LIMITS = { title: 24, button: 24, label: 2000, hint: 2000, placeholder: 150, optionText: 75, optionValue: 150, options: 100, privateMetadata: 3000, inputMax: 3000 } as const;

const plain = (text: string, max: number): types.PlainTextElement => ({ type: 'plain_text', text: truncate(text, max), emoji: true });

function option(o: FieldOption): PlainTextOption {
  return { text: plain(o.label, VIEW_LIMITS.optionText), value: o.value.slice(0, VIEW_LIMITS.optionValue) };
}

function element(field: FormField): types.InputBlockElement {
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder, VIEW_LIMITS.placeholder) } : {};
  const options = (field.options ?? []).slice(0, VIEW_LIMITS.options).map(option);
  const initialOptions = (values: string[]): PlainTextOption[] => options.filter((o) => values.includes(o.value ?? ''));
  switch (field.kind) {
    case 'text':
    case 'longtext': {
      const max = Math.min(field.maxLength ?? VIEW_LIMITS.inputMax, VIEW_LIMITS.inputMax);
      return {
        type: 'plain_text_input',
        action_id: FIELD_ACTION_ID,
        multiline: field.kind === 'longtext',
        ...(field.minLength !== undefined ? { min_length: field.minLength } : {}),
        max_length: max,
        // Slack refuses an initial value longer than max_length
        ...(typeof field.initial === 'string' ? { initial_value: field.initial.slice(0, max) } : {}),
        ...placeholder,
      };
    }
    case 'select': {
      const initial = typeof field.initial === 'string' ? initialOptions([field.initial])[0] : undefined;
      return { type: 'static_select', action_id: FIELD_ACTION_ID, options, ...(initial ? { initial_option: initial } : {}), ...placeholder };
    }
    case 'multiselect': {
      const initial = Array.isArray(field.initial) ? initialOptions(field.initial) : [];
      return { type: 'multi_static_select', action_id: FIELD_ACTION_ID, options, ...(initial.length ? { initial_options: initial } : {}), ...placeholder };
    }
    case 'checkbox': {
      const on: PlainTextOption = { text: plain(field.label, VIEW_LIMITS.optionText), value: CHECKBOX_ON };
      return { type: 'checkboxes', action_id: FIELD_ACTION_ID, options: [on], ...(field.initial === true ? { initial_options: [on] } : {}) };
    }
  }
}

export interface ModalOptions {
  locale: Locale;
  /** Where the answer to the submission goes (channel, thread, response_url); opaque JSON. */
  privateMetadata: string;
}

/** A core Form as a Slack modal; the form id is the view's callback_id. */
export function renderModal(form: Form, opts: ModalOptions): types.ModalView {
  const blocks: KnownBlock[] = [];
  if (form.intro?.length) {
    blocks.push(...splitMrkdwn(richToMrkdwn(form.intro), LIMITS.sectionText).map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })));
  }
  for (const field of form.fields) {
    // Opened fresh (not via response_action: errors), a field error can only show as the hint.
    const error = form.errors?.[field.id];
    const hint = error ? `⚠️ ${error}` : field.hint;
    blocks.push({
      type: 'input',
      block_id: field.id,
      label: plain(field.label, VIEW_LIMITS.label),
      optional: !field.required,
      element: element(field),
      ...(hint ? { hint: plain(hint, VIEW_LIMITS.hint) } : {}),
    });
  }
  if (opts.privateMetadata.length > VIEW_LIMITS.privateMetadata) throw new RangeError('private_metadata over 3000 characters');
  return {
    type: 'modal',
    callback_id: form.id,
    title: plain(form.title, VIEW_LIMITS.title),
    submit: plain(form.submitLabel, VIEW_LIMITS.button),
    close: plain(slackTexts(opts.locale).cancel, VIEW_LIMITS.button),
    private_metadata: opts.privateMetadata,
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/**
 * Field errors for `response_action: errors`, keyed by block id (= field id). Slack
 * shows them under the fields; an error for a field the modal lacks would be refused.
 */
export function modalErrors(form: Form): Record<string, string> | undefined {
  const fieldIds = new Set(form.fields.map((f) => f.id));
  const errors = Object.entries(form.errors ?? {}).filter(([id]) => fieldIds.has(id));
  return errors.length ? Object.fromEntries(errors.map(([id, msg]) => [id, truncate(msg, VIEW_LIMITS.hint)])) : undefined;
}

/** The App Home view: an intro, then the core's replies (help, the user's knelpunten, …), within 100 blocks. */
export function renderHome(replies: Reply[], locale: Locale, opts: RenderOptions = {}): types.HomeView {
  const t = slackTexts(locale);
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t.homeTitle, LIMITS.headerText) },
    { type: 'section', text: { type: 'mrkdwn', text: t.homeIntro } },
  ];
  for (const r of replies) {
    blocks.push({ type: 'divider' }, ...renderBlocks(r, opts).blocks);
  }
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}

import type { Locale } from '../domain/turn.js';
import { parseMarkdown, plain, type RichText } from '../domain/richtext.js';

/**
 * The Reply block model: small enough that Slack Block Kit, Adaptive Cards and the
 * web chat can all render every block. No platform types here.
 */
export interface Button {
  label: string;
  /** Action id the core routes on (`feedback`, `topic`, …). */
  action: string;
  value: string;
  style?: 'primary' | 'danger';
  /**
   * Pressing it answers with a form (the toelichting of a status change). A platform with
   * dialogs asks that form in one, where the button was pressed (Teams: a dialog fetched
   * with `task/fetch`; Slack opens every form from a button as a modal anyway).
   */
  opensForm?: boolean;
}

export interface Link {
  label: string;
  url: string;
}

export interface Fact {
  label: string;
  value: string;
}

export type FieldKind = 'text' | 'longtext' | 'select' | 'multiselect' | 'checkbox';

export interface FieldOption {
  value: string;
  label: string;
}

export interface FormField {
  id: string;
  kind: FieldKind;
  label: string;
  required?: boolean;
  /** Text fields: length limits in characters. */
  minLength?: number;
  maxLength?: number;
  placeholder?: string;
  hint?: string;
  options?: FieldOption[];
  /** Pre-filled value: string for text/select, string[] for multiselect, boolean for checkbox. */
  initial?: string | string[] | boolean;
}

export interface Form {
  /** Routed back to the core as `{ kind: 'form', formId }`. */
  id: string;
  title: string;
  submitLabel: string;
  intro?: RichText;
  fields: FormField[];
  /** Field errors from a previous submission, by field id (shown next to the field). */
  errors?: Record<string, string>;
  /**
   * Opaque state the adapter returns untouched with the submission (Slack
   * private_metadata, Teams submit data, web chat), e.g. which knelpunt a form is about.
   * Never shown; never trusted for authorisation (handlers check again).
   */
  state?: string;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; rich: RichText }
  | { kind: 'facts'; facts: Fact[] }
  | { kind: 'buttons'; buttons: Button[] }
  | { kind: 'links'; links: Link[] }
  | { kind: 'form'; form: Form }
  | { kind: 'divider' }
  | { kind: 'context'; text: string };

export interface Reply {
  locale: Locale;
  blocks: Block[];
  /** Plain text for notifications, screen readers and platforms that show no cards. */
  fallbackText: string;
  /** Only the asking user sees it (Slack ephemeral, Teams personal). */
  private?: boolean;
  /**
   * In a turn's replies: this reply takes the place of the card the turn came from (the
   * card whose button was pressed, the form that was submitted) instead of adding a
   * message, so that card shows the new state and only the buttons still valid. Where a
   * platform cannot update that card, the reply is added as a message instead.
   */
  replacesSource?: boolean;
  /**
   * In a proactive send: the platform's id of an earlier message in the same conversation
   * (the `messageId` its send returned) that this reply replaces, instead of posting a new
   * one (a triage card after a status change).
   */
  replacesMessage?: string;
  /**
   * A card that must keep showing the truth about this subject (a knelpunt reference):
   * where it lands is remembered (store.cards), so it is updated in place whenever the
   * subject changes. Adapters remember the replies of a turn they can update later;
   * proactive sends are remembered by their sender.
   */
  track?: string;
}

/** Builders keep the call sites short and make trusted vs untrusted text explicit. */
export const block = {
  heading: (text: string): Block => ({ kind: 'heading', text }),
  /** Trusted Markdown (knowledge base, message catalogue). */
  markdown: (source: string): Block => ({ kind: 'text', rich: parseMarkdown(source) }),
  /** Already-parsed rich text (knowledge bodies are parsed at load time). */
  rich: (rich: RichText): Block => ({ kind: 'text', rich }),
  /** Untrusted text (anything a user typed): never parsed, always shown literally. */
  plain: (text: string): Block => ({ kind: 'text', rich: plain(text) }),
  facts: (facts: Fact[]): Block => ({ kind: 'facts', facts }),
  buttons: (buttons: Button[]): Block => ({ kind: 'buttons', buttons }),
  links: (links: Link[]): Block => ({ kind: 'links', links }),
  form: (form: Form): Block => ({ kind: 'form', form }),
  divider: (): Block => ({ kind: 'divider' }),
  context: (text: string): Block => ({ kind: 'context', text }),
};

export function reply(locale: Locale, fallbackText: string, blocks: Block[], opts: { private?: boolean; replacesSource?: boolean } = {}): Reply {
  return { locale, fallbackText, blocks, ...(opts.private ? { private: true } : {}), ...(opts.replacesSource ? { replacesSource: true } : {}) };
}

/** The same reply, taking the place of the card the turn came from. */
export function replacing(r: Reply): Reply {
  return { ...r, replacesSource: true };
}

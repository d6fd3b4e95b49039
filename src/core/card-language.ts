import { truncateText } from '../domain/text.js';
import type { Locale, Turn } from '../domain/turn.js';
import type { Block, Reply } from './reply.js';

/**
 * A button press keeps the language of the card it is on. A press or a submitted form
 * carries no words to tell its language, and the client's locale may be another one (an
 * English Teams client pressing a button on a Dutch answer). So every button value and
 * every form state the core sends out ends in the card's language, `~nl` or `~en`: the
 * platforms return both untouched (Slack's button value and private_metadata, the Teams
 * card's submit data, the web chat), and the core reads the language back before the
 * feature sees the value. The one place this happens for every platform: the Bot stamps
 * a turn's replies, the outbox every proactive one.
 *
 * At the end, so values that are split on `|` or start with a reference keep their
 * meaning; a value without it (a card from before) is left to the other signals.
 *
 * Exactly one stamp is added, never one taken off first: a value may end in text someone
 * typed (a question, a reflection) that itself ends in `~en`. A reply is stamped once: the
 * stamped copy is marked (a symbol, so it survives a spread and never reaches JSON), and
 * stamping it again changes nothing.
 */
/** Longest button value or form state a platform takes back (the web chat and Slack: 2000). */
export const MAX_CARD_VALUE = 2000;
const STAMPED: unique symbol = Symbol('card language stamped');
type Stamped = Reply & { [STAMPED]?: true };

const STAMPS: readonly [string, Locale][] = [['~nl', 'nl'], ['~en', 'en']];

/** A value (or form state) as it came back: the card's language, and the value as the feature made it. */
export function readCardLanguage(value: string): { locale?: Locale; value: string } {
  // endsWith, not a regular expression: a value may be long and is typed by no one we trust.
  for (const [mark, locale] of STAMPS) if (value.endsWith(mark)) return { locale, value: value.slice(0, -mark.length) };
  return { value };
}

/** The value with its stamp; a value too long for it loses the end of its text, never the stamp. */
function stamped(value: string, locale: Locale): string {
  const mark = `~${locale}`;
  return `${truncateText(value, MAX_CARD_VALUE - mark.length)}${mark}`;
}

function stampBlock(b: Block, locale: Locale): Block {
  if (b.kind === 'buttons') return { kind: 'buttons', buttons: b.buttons.map((x) => ({ ...x, value: stamped(x.value, locale) })) };
  if (b.kind === 'form') return { kind: 'form', form: { ...b.form, state: stamped(b.form.state ?? '', locale) } };
  return b;
}

/** The reply with its language in every button value and form state; a reply stamped before is returned as it is. */
export function stampCardLanguage(reply: Reply): Reply {
  if ((reply as Stamped)[STAMPED] || !reply.blocks.some((b) => b.kind === 'buttons' || b.kind === 'form')) return reply;
  const out: Stamped = { ...reply, blocks: reply.blocks.map((b) => stampBlock(b, reply.locale)), [STAMPED]: true };
  return out;
}

/**
 * A turn as the features expect it: an action's value or a form's state without the
 * card's language, which is returned beside it (undefined for text, or an old card).
 */
export function openCardLanguage(turn: Turn): { turn: Turn; card?: Locale } {
  const { input } = turn;
  if (input.kind === 'action') {
    const { locale, value } = readCardLanguage(input.value);
    return locale ? { turn: { ...turn, input: { ...input, value } }, card: locale } : { turn };
  }
  if (input.kind === 'form' && input.state !== undefined) {
    const { locale, value } = readCardLanguage(input.state);
    if (!locale) return { turn };
    const { state: _dropped, ...rest } = input;
    return { turn: { ...turn, input: value === '' ? rest : { ...rest, state: value } }, card: locale };
  }
  return { turn };
}

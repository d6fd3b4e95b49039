import { isSafeUrl, type Inline, type RichBlock, type RichText } from '../../src/domain/richtext.js';
import { isWhitespace } from '../../src/domain/whitespace.js';

/**
 * Slack mrkdwn from our rich-text model. Slack parses `<…>` as mentions (`<@U1>`,
 * `<!channel>`) and links, and `&` starts an entity; so every text node, whether a
 * user typed it or the knowledge base holds it, has `&`, `<` and `>` escaped. Only
 * links we build ourselves produce a real `<url|label>`.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A URL inside `<url|label>`: `<`, `>` and `|` would end the token, so they are
 * percent-encoded; `&` stays as is (Slack does not decode entities in a link target).
 */
export function mrkdwnUrl(url: string): string {
  return url.trim().replace(/[<>|\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `<url|label>` for safe URLs; just the escaped label otherwise. */
export function mrkdwnLink(url: string, label: string): string {
  const text = escapeMrkdwn(label);
  return isSafeUrl(url) ? `<${mrkdwnUrl(url)}|${text}>` : text;
}

export function inlineToMrkdwn(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return escapeMrkdwn(n.text);
        case 'strong':
          return wrap('*', inlineToMrkdwn(n.children));
        case 'em':
          return wrap('_', inlineToMrkdwn(n.children));
        case 'link':
          return isSafeUrl(n.url) ? `<${mrkdwnUrl(n.url)}|${inlineToMrkdwn(n.children)}>` : inlineToMrkdwn(n.children);
      }
    })
    .join('');
}

/**
 * Slack only formats `*x*` when the markers touch the text: move surrounding spaces outside.
 * Trimmed by index: `/^(\s*)([\s\S]*?)(\s*)$/` retried the trailing `\s*` at every
 * character, quadratic in a long run of spaces inside the text.
 */
function wrap(marker: string, inner: string): string {
  const core = inner.trim();
  if (core === '') return inner;
  const lead = inner.length - inner.trimStart().length;
  const trail = inner.length - inner.trimEnd().length;
  return `${inner.slice(0, lead)}${marker}${core}${marker}${inner.slice(inner.length - trail)}`;
}

export function richBlockToMrkdwn(b: RichBlock): string {
  if (b.t === 'para') return inlineToMrkdwn(b.children);
  return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '•'} ${inlineToMrkdwn(item)}`).join('\n');
}

/** Whole rich text as one mrkdwn string, blocks separated by a blank line. */
export function richToMrkdwn(rich: RichText): string {
  return rich.map(richBlockToMrkdwn).join('\n\n');
}

/**
 * Splits mrkdwn into pieces of at most `max` characters: at blank lines first, then
 * at line ends, then at spaces; never inside a `<…>` link token or an `&…;` entity.
 * When a piece has no such safe place at all (a token longer than `max`), it is cut at `max`.
 *
 * Linear in the text: where a cut is safe is looked up in tables built in one pass,
 * and pieces are offsets into the text, not copies of the rest.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const out: string[] = [];
  const tokens = openTokens(text);
  let start = 0;
  while (text.length - start > max) {
    const cut = start + cutPoint(text, start, max, tokens);
    out.push(text.slice(start, cut).trimEnd());
    start = cut;
    while (start < text.length && isWhitespace(text.charCodeAt(start))) start++;
  }
  if (start < text.length) out.push(text.slice(start));
  return out.filter((p) => p.length > 0);
}

interface OpenTokens {
  /** For each index i: where the `<` is that is still open before i (no `>` since), or -1. */
  link: Int32Array;
  /** For each index i: where the `&` is that is still open before i (no `;` since), or -1. */
  entity: Int32Array;
}

function openTokens(text: string): OpenTokens {
  const link = new Int32Array(text.length + 1);
  const entity = new Int32Array(text.length + 1);
  let lt = -1;
  let amp = -1;
  for (let i = 0; i <= text.length; i++) {
    link[i] = lt;
    entity[i] = amp;
    const c = text[i];
    if (c === '<') lt = i;
    else if (c === '>') lt = -1;
    else if (c === '&') amp = i;
    else if (c === ';') amp = -1;
  }
  return { link, entity };
}

/** Where to end the piece that starts at `start` (an offset from `start`, 1..max). */
function cutPoint(text: string, start: number, max: number, tokens: OpenTokens): number {
  // Only what lies inside the piece counts: a `<` or `&` before `start` belongs to an earlier piece.
  const safe = (i: number): boolean => {
    const open = tokens.link[start + i]!;
    if (open >= start) return false; // inside <url|label>
    const amp = tokens.entity[start + i]!;
    return !(amp >= start && start + i - amp < 6); // inside &amp;
  };
  // Separators are looked for in this piece only (plus one character, for a `\n\n` that starts at its end):
  // `lastIndexOf` on the whole text would run back to its start for every piece.
  const piece = text.slice(start, start + max + 1);
  for (const sep of ['\n\n', '\n', ' ']) {
    for (let i = piece.lastIndexOf(sep, max - 1); i > max / 2; i = piece.lastIndexOf(sep, i - 1)) {
      if (safe(i)) return i + sep.length;
    }
  }
  let i = max;
  while (i > 1 && !safe(i)) i -= 1;
  // No safe place at all: cut the token rather than split off one character at a time.
  return i > 1 || safe(1) ? i : max;
}

/**
 * Truncates plain text to `max` characters (code points kept whole), ending in `…`.
 * Reads at most `max + 1` code points, however long the text.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // never more code points than UTF-16 units
  let end = 0; // index after the first max - 1 code points
  let i = 0;
  for (let n = 0; n <= max; n++) {
    if (i >= text.length) return text; // at most `max` code points
    if (n === max - 1) end = i;
    i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  }
  return `${text.slice(0, end).trimEnd()}…`;
}

/**
 * At most `max` characters, cut at the last whole word with "…" (a button title that is
 * cut mid-word reads as a different word). A first word longer than that is cut anyway.
 */
export function truncateAtWord(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.search(/\s\S*$/);
  return `${(space > 0 ? head.slice(0, space) : head).trimEnd()}…`;
}

import { isSafeUrl, type Inline, type RichBlock, type RichText } from '../../src/domain/richtext.js';

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

/** Slack only formats `*x*` when the markers touch the text: move surrounding spaces outside. */
function wrap(marker: string, inner: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [lead = '', core = '', trail = ''] = m ? m.slice(1) : ['', inner, ''];
  return core === '' ? inner : `${lead}${marker}${core}${marker}${trail}`;
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
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0) out.push(rest);
  return out.filter((p) => p.length > 0);
}

function cutPoint(text: string, max: number): number {
  const safe = (i: number): boolean => {
    const before = text.slice(0, i);
    const open = before.lastIndexOf('<');
    if (open > before.lastIndexOf('>')) return false; // inside <url|label>
    const amp = before.lastIndexOf('&');
    return !(amp >= 0 && amp > before.lastIndexOf(';') && i - amp < 6); // inside &amp;
  };
  for (const sep of ['\n\n', '\n', ' ']) {
    for (let i = text.lastIndexOf(sep, max - 1); i > max / 2; i = text.lastIndexOf(sep, i - 1)) {
      if (safe(i)) return i + sep.length;
    }
  }
  let i = max;
  while (i > 1 && !safe(i)) i -= 1;
  return i;
}

/** Truncates plain text to `max` characters (code points kept whole), ending in `…`. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
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

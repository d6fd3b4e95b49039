/**
 * A tiny rich-text model: the only formatting a Reply may carry (bold, italic,
 * links, lists). Knowledge Markdown is parsed into it once, at load time; text
 * typed by users becomes plain `text` nodes and is never parsed as Markdown, so
 * it cannot inject formatting, links or mentions. Every renderer walks this tree
 * and escapes text nodes for its own platform.
 */
export type Inline =
  | { t: 'text'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'link'; url: string; children: Inline[] };

export type RichBlock =
  | { t: 'para'; children: Inline[] }
  | { t: 'list'; ordered: boolean; items: Inline[][] };

export type RichText = RichBlock[];

/** Plain, untrusted text as rich text: one paragraph per blank-line-separated chunk. */
export function plain(text: string): RichText {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => ({ t: 'para', children: [{ t: 'text', text: p }] }));
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Only http(s) and mailto links survive; anything else (javascript:, data:) stays text. */
export function isSafeUrl(url: string): boolean {
  return SAFE_URL.test(url.trim());
}

/**
 * Parses our limited Markdown dialect (trusted authors only: knowledge files and
 * our own message catalogue). Supported: paragraphs, `-`/`*`/`1.` lists,
 * `**bold**`, `*italic*`/`_italic_`, `[label](url)`, and `#` headings (rendered as
 * a bold paragraph). Everything else is kept as literal text.
 */
export function parseMarkdown(source: string): RichText {
  const out: RichText = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;

  const flushPara = (): void => {
    if (para.length > 0) {
      out.push({ t: 'para', children: parseInline(para.join(' ')) });
      para = [];
    }
  };
  const flushList = (): void => {
    if (list) {
      out.push({ t: 'list', ordered: list.ordered, items: list.items.map(parseInline) });
      list = null;
    }
  };

  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      flushPara();
      flushList();
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flushPara();
      flushList();
      out.push({ t: 'para', children: [{ t: 'strong', children: parseInline(heading[1] ?? '') }] });
      continue;
    }
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      flushPara();
      const ordered = numbered !== null;
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[1] ?? '');
      continue;
    }
    if (list && /^\s{2,}/.test(raw)) {
      // continuation line of the previous list item
      list.items[list.items.length - 1] += ' ' + line;
      continue;
    }
    flushList();
    para.push(line);
  }
  flushPara();
  flushList();
  return out;
}

/** Inline parser: bold, italic, links; unmatched markers stay literal text. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let linkAt: ReturnType<typeof linkFinder> | undefined; // made at the first `[`: most texts have none
  let buf = '';
  const flush = (): void => {
    if (buf) {
      out.push({ t: 'text', text: buf });
      buf = '';
    }
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (!mayStartMarkup(src.charCodeAt(i))) {
      // Plain text up to the next character that may start markup, copied in one piece.
      let next = i + 1;
      while (next < src.length && !mayStartMarkup(src.charCodeAt(next))) next++;
      buf += src.slice(i, next);
      i = next;
      continue;
    }
    if (ch === '\\' && i + 1 < src.length && /[\\*_[\]()#`-]/.test(src[i + 1] ?? '')) {
      buf += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' && src[i + 1] === '*') {
      const end = src.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ t: 'strong', children: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      const end = src.indexOf(ch, i + 1);
      // `_` inside words (snake_case) is not emphasis
      const wordBefore = ch === '_' && i > 0 && /\w/.test(src[i - 1] ?? '');
      if (end > i + 1 && !wordBefore && src[i + 1] !== ' ') {
        flush();
        out.push({ t: 'em', children: parseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      linkAt ??= linkFinder(src);
      const link = linkAt(i);
      if (link && isSafeUrl(link.url)) {
        flush();
        out.push({ t: 'link', url: link.url, children: parseInline(link.label) });
        i = link.end;
        continue;
      }
    }
    buf += ch;
    i += 1;
  }
  flush();
  return out;
}

/** `\`, `*`, `_` or `[`: the characters where parseInline may find markup. */
const mayStartMarkup = (c: number): boolean => c === 0x5c || c === 0x2a || c === 0x5f || c === 0x5b;
/** Where a link's url ends; global only for `lastIndex` (set before every use). */
const URL_END = /[)\s]/g;

/**
 * `[label](url)` at an index, as `/^\[([^\]]+)\]\(([^)\s]+)\)/` matches it there. Indexes
 * only grow during one parse, so the next `]` and the end of the url are remembered
 * and each character is scanned once: that regex rescanned the rest of the text from
 * every `[` (quadratic on a run of `[`).
 */
function linkFinder(src: string): (i: number) => { label: string; url: string; end: number } | undefined {
  let close = -1; // the first `]` at or after the last index asked for (src.length: none)
  let stop = -1; // the first `)` or whitespace at or after the last url start asked for
  return (i) => {
    if (close < i + 1) {
      const k = src.indexOf(']', i + 1);
      close = k < 0 ? src.length : k;
    }
    if (close >= src.length || close === i + 1 || src[close + 1] !== '(') return undefined;
    const urlStart = close + 2;
    if (stop < urlStart) {
      URL_END.lastIndex = urlStart;
      stop = URL_END.exec(src)?.index ?? src.length;
    }
    if (stop === urlStart || src[stop] !== ')') return undefined;
    return { label: src.slice(i + 1, close), url: src.slice(urlStart, stop), end: stop + 1 };
  };
}

/** The visible text of rich text, without formatting (for fallbacks, logs, search). */
export function toPlainText(rich: RichText): string {
  const inl = (nodes: Inline[]): string =>
    nodes.map((n) => (n.t === 'text' ? n.text : inl(n.children))).join('');
  return rich
    .map((b) => (b.t === 'para' ? inl(b.children) : b.items.map((it) => `- ${inl(it)}`).join('\n')))
    .join('\n\n');
}

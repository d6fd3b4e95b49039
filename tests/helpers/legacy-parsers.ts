import type { Activity, ChannelAccount } from 'botbuilder';
import { isSafeUrl, type Inline } from '../../src/domain/richtext.js';

/**
 * The parsers as they were before issue #16 made them linear, kept only as oracles:
 * on short text (where their backtracking costs nothing) the linear versions must give
 * exactly the same result. Do not use them anywhere else.
 */

export function legacyCleanText(text: string, entities: Partial<Activity>['entities'], recipient: ChannelAccount | undefined): string {
  let t = text;
  for (const e of entities ?? []) {
    if (e.type !== 'mention') continue;
    const m = e as { mentioned?: { id?: string }; text?: string };
    if (recipient?.id && m.mentioned?.id === recipient.id && m.text) t = t.split(m.text).join(' ');
  }
  if (recipient?.name) t = t.replace(new RegExp(`<at>\\s*${escapeRegExp(recipient.name)}\\s*</at>`, 'gi'), ' ');
  t = t.replace(/<at>([\s\S]*?)<\/at>/gi, '$1');
  t = t
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return t.replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim().replace(/^[,:;]\s*/, '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function legacyEscapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]()<>&{}]/g, '\\$&')
    .replace(/^(\s*)([-+#])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

/** Slack's bold/italic wrapping (adapters/slack/mrkdwn.ts `wrap`). */
export function legacyWrap(marker: string, inner: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [lead = '', core = '', trail = ''] = m ? m.slice(1) : ['', inner, ''];
  return core === '' ? inner : `${lead}${marker}${core}${marker}${trail}`;
}

/**
 * splitMrkdwn as it was, with the one change made on purpose: when a piece has no safe
 * place to cut at all, it is cut at `max` (it used to split off one character, then the
 * next, ...: a quadratic number of tiny pieces).
 */
export function legacySplitMrkdwn(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = legacyCutPoint(rest, max);
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0) out.push(rest);
  return out.filter((p) => p.length > 0);
}

function legacyCutPoint(text: string, max: number): number {
  const safe = (i: number): boolean => {
    const before = text.slice(0, i);
    const open = before.lastIndexOf('<');
    if (open > before.lastIndexOf('>')) return false;
    const amp = before.lastIndexOf('&');
    return !(amp >= 0 && amp > before.lastIndexOf(';') && i - amp < 6);
  };
  for (const sep of ['\n\n', '\n', ' ']) {
    for (let i = text.lastIndexOf(sep, max - 1); i > max / 2; i = text.lastIndexOf(sep, i - 1)) {
      if (safe(i)) return i + sep.length;
    }
  }
  let i = max;
  while (i > 1 && !safe(i)) i -= 1;
  return i > 1 || safe(1) ? i : max; // the deliberate change (see above)
}

export function legacyParseInline(src: string): Inline[] {
  const out: Inline[] = [];
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
    if (ch === '\\' && i + 1 < src.length && /[\\*_[\]()#`-]/.test(src[i + 1] ?? '')) {
      buf += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' && src[i + 1] === '*') {
      const end = src.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ t: 'strong', children: legacyParseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      const end = src.indexOf(ch, i + 1);
      const wordBefore = ch === '_' && i > 0 && /\w/.test(src[i - 1] ?? '');
      if (end > i + 1 && !wordBefore && src[i + 1] !== ' ') {
        flush();
        out.push({ t: 'em', children: legacyParseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(src.slice(i));
      if (m && isSafeUrl(m[2] ?? '')) {
        flush();
        out.push({ t: 'link', url: m[2] ?? '', children: legacyParseInline(m[1] ?? '') });
        i += m[0].length;
        continue;
      }
    }
    buf += ch;
    i += 1;
  }
  flush();
  return out;
}

export const LEGACY_THANKS = /^(bedankt|dank( je| u)?( wel)?|dankjewel|dankuwel|thanks|thank you|thx|top|super|prima|helder|ok(é|e)? dank)[\s!.,]*(bot)?[\s!.,]*$/i;

/** The grouping key of a knowledge gap's phrasing (src/dashboard/gaps.ts). */
export function legacyPhrasingKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase().replace(/[\s\p{P}]+$/u, '');
}

/** Slack's truncate (adapters/slack/mrkdwn.ts). */
export function legacyTruncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The first MAX_TEXT (200) code points of a dashboard query text (src/dashboard/query.ts `queryText`). */
export function legacyQueryTextHead(v: string, max: number): string {
  const chars = [...v];
  return chars.length > max ? chars.slice(0, max).join('') : v;
}

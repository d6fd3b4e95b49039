import type { Activity } from 'botbuilder';
import { cleanText, splitConversationId } from '../../adapters/teams/parse.js';
import { escapeMarkdown, renderCard, truncateAtWord } from '../../adapters/teams/render.js';
import { slackTextToPlain } from '../../adapters/slack/parse.js';
import { escapeMrkdwn, inlineToMrkdwn, mrkdwnUrl, splitMrkdwn, truncate } from '../../adapters/slack/mrkdwn.js';
import { renderBlocks } from '../../adapters/slack/render.js';
import { isGreeting, isThanks, parseCommand } from '../../src/core/commands.js';
import { csvCell, knelpuntenCsv } from '../../src/core/knelpunt/export.js';
import { chooseLocale } from '../../src/core/language.js';
import { parseReflectieArgs } from '../../src/core/reflectie/feature.js';
import { block, reply } from '../../src/core/reply.js';
import { isSafeUrl, parseInline, parseMarkdown, plain } from '../../src/domain/richtext.js';
import { groupGaps, knowledgeFile } from '../../src/dashboard/gaps.js';
import { filterKnelpunten, parseKnelpuntQuery } from '../../src/dashboard/query.js';
import { KnowledgeBase } from '../../src/knowledge/base.js';
import { fold, joinedStems, normalise, stem } from '../../src/knowledge/normalise.js';
import type { KnowledgeIndex } from '../../src/knowledge/search.js';
import { parseDutchDate, parseSchedule } from '../../src/domain/schedule.js';
import type { KnelpuntRecord, KnowledgeGapRecord } from '../../src/store/types.js';

/**
 * Hostile text for the parsers: the worst cases we know for backtracking regexes and
 * quadratic loops, at any length. Shared by tests/linear-input.test.ts (correctness at
 * 100,000 characters) and bench/parsers.ts (the time each parser takes on them).
 */
export interface HostileCase {
  name: string;
  /** About `n` characters (a repeated unit is cut to whole units). */
  make: (n: number) => string;
}

const rep = (unit: string, n: number): string => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'U+2003 run', make: (n) => rep('\u2003', n) },
  { name: 'U+2003 run, then x', make: (n) => `${rep('\u2003', n)}x` },
  { name: 'spaces, then x', make: (n) => `${rep(' ', n)}x` },
  { name: 'x, spaces, x', make: (n) => `x${rep(' ', n)}x` },
  { name: 'newlines', make: (n) => rep('\n', n) },
  { name: 'newline, spaces, x', make: (n) => `\n${rep(' ', n)}x` },
  { name: 'spaces and one newline', make: (n) => `${rep(' ', n / 2)}\n${rep(' ', n / 2)}` },
  { name: 'CRLF', make: (n) => rep('\r\n', n) },
  { name: 'U+2003 and newlines', make: (n) => rep('\u2003\u2003\u2003\n', n) },
  { name: 'tabs and U+00A0', make: (n) => rep('\t\u00a0', n) },
  { name: '<@ repeated', make: (n) => rep('<@', n) },
  { name: '<at> repeated', make: (n) => rep('<at>', n) },
  { name: '<at>, spaces', make: (n) => `<at>${rep(' ', n)}` },
  { name: '<at>x</at> repeated', make: (n) => rep('<at>x</at>', n) },
  { name: '*_~ repeated', make: (n) => rep('*_~', n) },
  { name: '** repeated', make: (n) => rep('**', n) },
  { name: 'a_ repeated', make: (n) => rep('a_', n) },
  { name: 'unclosed <', make: (n) => rep('<', n) },
  { name: 'unclosed [', make: (n) => rep('[', n) },
  { name: 'unclosed (', make: (n) => rep('(', n) },
  { name: '[x]( repeated, unclosed', make: (n) => `${rep('[', n / 2)}x](${rep('a', n / 2)}` },
  { name: 'nested brackets', make: (n) => `${rep('[', n / 2)}${rep(']', n / 2)}` },
  { name: '<a| repeated', make: (n) => rep('<a|', n) },
  { name: 'a then dashes', make: (n) => `a${rep('-', n)}` },
  { name: 'a- repeated', make: (n) => rep('a-', n) },
  { name: 'one long word', make: (n) => rep('a', n) },
  { name: 'je repeated', make: (n) => rep('je', n) },
  { name: 'x, punctuation, x', make: (n) => `x${rep('!', n)}x` },
  { name: 'punctuation and spaces, then x', make: (n) => `${rep('!. ,', n)}x` },
  { name: '& repeated', make: (n) => rep('&', n) },
  { name: '&amp; repeated', make: (n) => rep('&amp;', n) },
  { name: '&lt;at&gt; repeated', make: (n) => rep('&lt;at&gt;', n) },
  { name: '1. lines', make: (n) => rep('1.\n', n) },
  { name: 'digits, then x', make: (n) => `${rep('1', n)}x` },
  { name: '- and # lines', make: (n) => rep('\n -\n #', n) },
  { name: '/ repeated', make: (n) => rep('/', n) },
  { name: 'apostrophe-s', make: (n) => rep("a's ", n) },
  { name: 'combining marks', make: (n) => `e${rep('\u0301', n)}` },
  { name: 'emoji', make: (n) => rep('😀', n) },
  { name: 'lone surrogates', make: (n) => rep('\ud800', n) },
  { name: 'NUL and controls', make: (n) => rep('\u0000\u0007\u001b', n) },
  { name: 'words and spaces', make: (n) => rep('tz elke om uur ', n) },
  { name: 'mixed hostile', make: (n) => mixed(n) },
];

/** A deterministic mix of everything above. */
function mixed(n: number): string {
  const units = ['\u2003', ' ', '\n', '<', '>', '[', ']', '(', ')', '*', '_', '~', '&', ';', '<at>', '</at>', '-', 'a', '1', '.', '|', '@', '!', '\u0301'];
  let s = 0x2003;
  let out = '';
  while (out.length < n) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += units[s % units.length];
  }
  return out;
}

/** One function that runs on user text, with prefixes that steer hostile text into its worst path. */
export interface HostileParser {
  name: string;
  run: (text: string) => unknown;
  prefixes?: readonly string[];
}

export const BOT_ACCOUNT = { id: '28:bot', name: 'IBP-bot' };
const MENTION = `<at>${BOT_ACCOUNT.name}</at>`;
const MENTION_ENTITIES = [{ type: 'mention', mentioned: { id: BOT_ACCOUNT.id, name: BOT_ACCOUNT.name }, text: MENTION }] as Activity['entities'];

export function knelpunt(beschrijving: string, extra: Partial<KnelpuntRecord> = {}): KnelpuntRecord {
  const at = '2026-11-23T10:00:00.000Z';
  return {
    ref: 'KP-2026-0001', year: 2026, seq: 1, opgave: 'anders', beschrijving, overheden: ['gemeente'], urgentie: 'laag', anoniem: false,
    reporter: { platform: 'local', userId: 'u1', name: beschrijving.slice(0, 100) }, platform: 'local', status: 'nieuw',
    history: [{ at, by: 'local:u1', from: 'nieuw', to: 'in_behandeling', toelichting: beschrijving }], createdAt: at, updatedAt: at, ...extra,
  };
}

export function gap(text: string, i = 0): KnowledgeGapRecord {
  return { id: `g${i}`, text, locale: 'nl', platform: 'local', outcome: 'unknown', at: `2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.000Z` };
}

const thirds = (s: string): string[] => [s.slice(0, s.length / 3), s.slice(s.length / 3, (2 * s.length) / 3), s.slice((2 * s.length) / 3)];

/**
 * Every function that runs a regular expression or a loop over text a user typed (or
 * that a platform passes on from a user), as the bench and the tests call them.
 */
export function hostileParsers(index: KnowledgeIndex): HostileParser[] {
  const kb = new KnowledgeBase([]);
  const today = { y: 2026, m: 11, d: 23 };
  return [
    { name: 'teams: cleanText', run: (s) => cleanText(s, MENTION_ENTITIES, BOT_ACCOUNT), prefixes: ['', `${MENTION} `, '<at>', 'IBP-bot, '] },
    { name: 'teams: splitConversationId', run: (s) => splitConversationId(`${s};messageid=1`) },
    { name: 'teams: escapeMarkdown', run: (s) => escapeMarkdown(s), prefixes: ['', '\n'] },
    { name: 'teams: truncateAtWord', run: (s) => truncateAtWord(s, 2000) },
    // A reply that shows what the user typed (a knelpunt, a shared reflection) as its text and fallback.
    { name: 'teams: renderCard (user text)', run: (s) => renderCard(reply('nl', s, [block.plain(s)])) },
    { name: 'slack: slackTextToPlain', run: (s) => slackTextToPlain(s, 'U0BOT'), prefixes: ['', '<@U0BOT> ', '<'] },
    { name: 'slack: escapeMrkdwn', run: (s) => escapeMrkdwn(s) },
    { name: 'slack: mrkdwnUrl', run: (s) => mrkdwnUrl(s) },
    { name: 'slack: bold user text', run: (s) => inlineToMrkdwn([{ t: 'strong', children: [{ t: 'text', text: s }] }]), prefixes: ['', 'x '] },
    { name: 'slack: splitMrkdwn', run: (s) => splitMrkdwn(s, 3000), prefixes: ['', '<', 'x ', '&'] },
    { name: 'slack: truncate', run: (s) => truncate(s, 3000) },
    { name: 'slack: renderBlocks (user text)', run: (s) => renderBlocks(reply('nl', s, [block.plain(s)])) },
    { name: 'richtext: plain', run: (s) => plain(s) },
    { name: 'richtext: parseMarkdown', run: (s) => parseMarkdown(s), prefixes: ['', '- ', '# '] },
    { name: 'richtext: parseInline', run: (s) => parseInline(s), prefixes: ['', '**', '[x](', '_'] },
    { name: 'richtext: isSafeUrl', run: (s) => isSafeUrl(s), prefixes: ['', 'https://'] },
    { name: 'core: parseCommand', run: (s) => parseCommand(s), prefixes: ['', '/knelpunt ', 'help'] },
    { name: 'core: isGreeting', run: (s) => isGreeting(s), prefixes: ['', 'hoi', 'hoi bot'] },
    { name: 'core: isThanks', run: (s) => isThanks(s), prefixes: ['', 'bedankt', 'dank je wel'] },
    { name: 'core: chooseLocale', run: (s) => chooseLocale(s, undefined, 'nl') },
    { name: 'knowledge: fold', run: (s) => fold(s) },
    { name: 'knowledge: normalise', run: (s) => normalise(s), prefixes: ['', 'zevende '] },
    { name: 'knowledge: joinedStems', run: (s) => joinedStems(s) },
    { name: 'knowledge: stem (one word)', run: (s) => stem(s) },
    { name: 'knowledge: search', run: (s) => index.search(s), prefixes: ['', 'klimaat '] },
    { name: 'scheduler: parseSchedule', run: (s) => parseSchedule(s), prefixes: ['', 'elke vrijdag ', 'tz ', 'om '] },
    { name: 'scheduler: parseDutchDate', run: (s) => parseDutchDate(s, today), prefixes: ['', '1 ', '2026-'] },
    { name: 'reflectie: command arguments', run: (s) => parseReflectieArgs(s), prefixes: ['', 'pauze tot ', 'pauze', 'plan elke vrijdag '] },
    { name: 'knelpunt: csvCell', run: (s) => csvCell(s, ';'), prefixes: ['', '='] },
    { name: 'knelpunt: knelpuntenCsv', run: (s) => knelpuntenCsv([knelpunt(s)]) },
    // Three questions that share the text between them.
    { name: 'dashboard: groupGaps', run: (s) => groupGaps(thirds(s).map((t, i) => gap(t, i))), prefixes: ['', 'wat is '] },
    { name: 'dashboard: knowledgeFile', run: (s) => groupGaps([gap(s)]).map((g) => knowledgeFile(g, kb, new Date(0))) },
    { name: 'dashboard: parseKnelpuntQuery', run: (s) => parseKnelpuntQuery({ q: s, van: s, tot: s, opgave: [s, s], status: s, sorteer: s, pagina: s }, ['klimaat']) },
    {
      name: 'dashboard: filterKnelpunten',
      run: (s) => filterKnelpunten([knelpunt(s)], { opgave: [], status: [], urgentie: [], overheden: [], q: s.slice(0, 200), sort: 'nieuwste', page: 1 }),
    },
  ];
}

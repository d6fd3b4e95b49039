import { createHash } from 'node:crypto';
import { stringify as yamlStringify } from 'yaml';
import { dateText } from './dates.js';
import { texts } from './texts.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import { analyse, tokens } from '../knowledge/normalise.js';
import { MAX_QUERY_WORDS } from '../knowledge/search.js';
import type { Platform } from '../domain/turn.js';
import type { FeedbackRecord, GapOutcome, KnowledgeGapRecord } from '../store/types.js';

/**
 * Questions the bot could not answer, grouped by similarity: the same Dutch
 * normalisation as search (folded, stop words dropped, stemmed), then greedy
 * clustering on token-set overlap (Jaccard ≥ 0.5 with the group's first question).
 *
 * Questions are taken oldest first and a question only ever joins an existing group
 * or starts one, so a group's key (a hash of its first question) stays the same as new
 * questions arrive: links and "afgehandeld" forms keep pointing at the same group.
 * Candidate groups are found with prefix filtering (a set similarity join): two sets
 * with Jaccard ≥ t must share a token among the rarest |S| - ceil(t·|S|) + 1 of each, so
 * only those are indexed and probed. Exact, and fast on 20,000 questions.
 */
export const SIMILARITY = 0.5;

export interface GapGroup {
  /** Stable id: hash of the first question's tokens (or text). */
  key: string;
  /** Distinct phrasings (whitespace collapsed) with how often each was asked, most asked first. */
  questions: { text: string; count: number }[];
  /** The most asked phrasing. */
  representative: string;
  total: number;
  open: number;
  /** Ids of the questions not yet handled, with when they were asked. */
  openGaps: { id: string; at: string }[];
  firstSeen: string;
  lastSeen: string;
  platforms: Platform[];
  /** How many of its questions ended how ("Bedoelde je…", "weet ik niet", "niet nuttig"). */
  outcomes: Record<GapOutcome, number>;
  /** Entries the bot offered for these questions, most often first, with how often. */
  offered: { id: string; count: number }[];
  /** Suggestions the users pressed, most often first. */
  picked: { id: string; count: number }[];
}

interface Draft {
  key: string;
  seed: string[];
  byText: Map<string, number>;
  total: number;
  openGaps: { id: string; at: string }[];
  firstSeen: string;
  lastSeen: string;
  platforms: Set<Platform>;
  outcomes: Record<GapOutcome, number>;
  offered: Map<string, number>;
  picked: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
const counted = (m: Map<string, number>): { id: string; count: number }[] =>
  [...m.entries()].map(([id, count]) => ({ id, count })).sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Tokens per distinct text are cached: the same questions come back on every page view. */
const tokenCache = new Map<string, string[]>();
function tokenSet(text: string): string[] {
  let t = tokenCache.get(text);
  if (!t) {
    if (tokenCache.size > 100_000) tokenCache.clear();
    t = [...new Set(tokens(text, 64))].sort();
    tokenCache.set(text, t);
  }
  return t;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** One phrasing whatever the case, spacing or closing punctuation ("Wat is X?" = "wat is x"). */
export function phrasingKey(text: string): string {
  return dropTrailing(collapse(text).toLowerCase(), /[\s\p{P}]/u);
}

/**
 * The text without the characters at its end that `oneChar` matches (code point by code
 * point, from the end). `.replace(/[\s\p{P}]+$/u, '')` tried every position of a run of
 * punctuation and ran each try to the end of the text: quadratic in the run.
 */
function dropTrailing(text: string, oneChar: RegExp): string {
  let end = text.length;
  while (end > 0) {
    const low = text.charCodeAt(end - 1);
    const pair = low >= 0xdc00 && low <= 0xdfff && end >= 2 && isHighSurrogate(text.charCodeAt(end - 2));
    const from = pair ? end - 2 : end - 1;
    if (!oneChar.test(text.slice(from, end))) break;
    end = from;
  }
  return text.slice(0, end);
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const hashKey = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

function jaccard(a: readonly string[], b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.length + b.size - shared);
}

/** Groups knowledge gaps (oldest first, as the store lists them). */
export function groupGaps(gaps: readonly KnowledgeGapRecord[], threshold = SIMILARITY): GapGroup[] {
  // Distinct phrasings, in the order they were first asked.
  const distinct = new Map<string, KnowledgeGapRecord[]>();
  for (const g of gaps) {
    const key = phrasingKey(g.text);
    const list = distinct.get(key);
    if (list) list.push(g);
    else distinct.set(key, [g]);
  }
  const sets = new Map<string, string[]>();
  const df = new Map<string, number>();
  for (const [key, list] of distinct) {
    const s = tokenSet(collapse(list[0]!.text));
    sets.set(key, s);
    for (const tok of s) df.set(tok, (df.get(tok) ?? 0) + 1);
  }
  const rareFirst = (s: readonly string[]): string[] => [...s].sort((a, b) => df.get(a)! - df.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const prefixLength = (n: number): number => n - Math.ceil(threshold * n) + 1;

  const drafts: Draft[] = [];
  const seedSets: Set<string>[] = [];
  const bySignature = new Map<string, number>();
  const index = new Map<string, number[]>();

  for (const [key, list] of distinct) {
    const set = sets.get(key)!;
    const signature = set.length > 0 ? set.join(' ') : `text:${key}`;
    let target = bySignature.get(signature);
    if (target === undefined && set.length > 0) {
      let best = -1;
      let bestScore = -1;
      const seen = new Set<number>();
      for (const tok of rareFirst(set).slice(0, prefixLength(set.length))) {
        for (const gi of index.get(tok) ?? []) {
          if (seen.has(gi)) continue;
          seen.add(gi);
          const seed = seedSets[gi]!;
          // Size filter: Jaccard ≥ t needs t·|A| ≤ |B| ≤ |A|/t.
          if (seed.size < threshold * set.length || seed.size * threshold > set.length) continue;
          const score = jaccard(set, seed);
          // The most similar group wins; on a tie, the oldest.
          if (score >= threshold && (score > bestScore || (score === bestScore && gi < best))) {
            best = gi;
            bestScore = score;
          }
        }
      }
      if (best >= 0) target = best;
    }
    if (target === undefined) {
      target = drafts.length;
      drafts.push({
        key: hashKey(signature), seed: set, byText: new Map(), total: 0, openGaps: [],
        firstSeen: list[0]!.at, lastSeen: list[0]!.at, platforms: new Set(),
        outcomes: { suggested: 0, unknown: 0, 'not-helpful': 0 }, offered: new Map(), picked: new Map(),
      });
      seedSets.push(new Set(set));
      bySignature.set(signature, target);
      for (const tok of rareFirst(set).slice(0, prefixLength(set.length))) {
        const postings = index.get(tok);
        if (postings) postings.push(target);
        else index.set(tok, [target]);
      }
    } else if (!bySignature.has(signature)) {
      bySignature.set(signature, target);
    }
    const draft = drafts[target]!;
    const text = collapse(list[0]!.text);
    draft.byText.set(text, (draft.byText.get(text) ?? 0) + list.length);
    for (const g of list) {
      draft.total++;
      if (!g.handledAt) draft.openGaps.push({ id: g.id, at: g.at });
      if (g.at < draft.firstSeen) draft.firstSeen = g.at;
      if (g.at > draft.lastSeen) draft.lastSeen = g.at;
      draft.platforms.add(g.platform);
      draft.outcomes[g.outcome ?? 'unknown']++;
      for (const id of g.offered ?? []) bump(draft.offered, id);
      if (g.picked) bump(draft.picked, g.picked);
    }
  }
  return drafts.map((d) => {
    const questions = [...d.byText.entries()].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count);
    return {
      key: d.key, questions, representative: questions[0]?.text ?? '', total: d.total, open: d.openGaps.length,
      openGaps: d.openGaps, firstSeen: d.firstSeen, lastSeen: d.lastSeen, platforms: [...d.platforms].sort(),
      outcomes: d.outcomes, offered: counted(d.offered), picked: counted(d.picked),
    };
  });
}

/** Most asked first, then the most recent. */
export function sortGroups(groups: GapGroup[], showHandled: boolean): GapGroup[] {
  return groups
    .filter((g) => showHandled || g.open > 0)
    .sort((a, b) => (showHandled ? b.total - a.total : b.open - a.open) || b.lastSeen.localeCompare(a.lastSeen));
}

export interface EntryFeedback {
  entryId: string;
  notHelpful: number;
  helpful: number;
  lastNotHelpful: string;
  /** Questions the unhelpful answers were given to (distinct, most recent first, at most 5). */
  questions: string[];
}

/** Per knowledge entry: how often an answer was marked not helpful (and helpful), worst first. */
export function feedbackPerEntry(list: readonly FeedbackRecord[]): EntryFeedback[] {
  const per = new Map<string, EntryFeedback>();
  for (const f of list) {
    let e = per.get(f.entryId);
    if (!e) per.set(f.entryId, (e = { entryId: f.entryId, notHelpful: 0, helpful: 0, lastNotHelpful: '', questions: [] }));
    if (f.value === 'helpful') {
      e.helpful++;
      continue;
    }
    e.notHelpful++;
    if (f.at > e.lastNotHelpful) e.lastNotHelpful = f.at;
    const q = f.question ? collapse(f.question) : '';
    if (q && !e.questions.includes(q)) {
      e.questions.unshift(q);
      if (e.questions.length > 5) e.questions.pop();
    }
  }
  return [...per.values()].filter((e) => e.notHelpful > 0).sort((a, b) => b.notHelpful - a.notHelpful || b.lastNotHelpful.localeCompare(a.lastNotHelpful));
}

// ---- "Maak kennisitem" --------------------------------------------------------------

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_FILE_QUESTIONS = 50;

/** An entry id from the group's main question (`wat-is-regiodeal`), unique in the knowledge base. */
export function knowledgeId(group: GapGroup, kb: KnowledgeBase): string {
  const words = searchedWords(group.representative)
    .map((w) => w.replace(/[^a-z0-9]+/g, ''))
    .filter(Boolean);
  let base = '';
  for (const w of words) {
    if (`${base}-${w}`.length > 50) break;
    base = base ? `${base}-${w}` : w;
  }
  if (!ID_PATTERN.test(base)) base = `kennisvraag-${group.key.slice(0, 8)}`;
  let id = base;
  for (let n = 2; kb.get(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * The normalised words of a question that search reads (the first MAX_QUERY_WORDS):
 * the rest never decided an answer, and a pasted essay should not cost the dashboard
 * a normalisation of all of it.
 */
function searchedWords(text: string): string[] {
  return analyse(text, MAX_QUERY_WORDS).map((w) => w.text);
}

/** The most used words of the group's questions (not stemmed), as suggested keywords. */
function keywords(group: GapGroup, max = 6): string[] {
  const count = new Map<string, number>();
  for (const q of group.questions) {
    for (const w of new Set(searchedWords(q.text))) if (w.length > 2 && !/^\d+$/.test(w)) count.set(w, (count.get(w) ?? 0) + q.count);
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, max).map(([w]) => w);
}

/**
 * A knowledge file (Markdown with YAML front matter) for a group to start from: the
 * group's questions as `questions`, "TODO" placeholders for the texts only an author
 * can write. `ibp-bot validate` refuses it, naming each field, until every TODO is
 * replaced (src/knowledge/placeholders.ts), so an unedited download never goes live.
 * The dashboard never writes to `knowledge/` itself.
 */
export function knowledgeFile(group: GapGroup, kb: KnowledgeBase, now: Date): { id: string; fileName: string; content: string } {
  const t = texts().gaps.file;
  const id = knowledgeId(group, kb);
  const questions = group.questions.slice(0, MAX_FILE_QUESTIONS).map((q) => q.text);
  const front = {
    id,
    type: 'programma',
    title: t.title,
    title_en: t.titleEn,
    summary: t.summary,
    summary_en: t.summaryEn,
    keywords: keywords(group),
    questions,
    related: [] as string[],
  };
  const comments = t.header(group.total, dateText(now), id).map((line) => `# ${line}`).join('\n');
  const yaml = yamlStringify(front, { lineWidth: 0 }).trimEnd();
  return { id, fileName: `${id}.md`, content: `---\n${comments}\n${yaml}\n---\n${t.body}\n` };
}

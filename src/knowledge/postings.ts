/**
 * Builds the inverted index behind KnowledgeIndex: which entries hold each
 * stem (and each pair of neighbouring stems), in which fields, and the
 * "names" (title, English title, keywords) a query may quote. Built once;
 * queries only read it.
 */
import type { KnowledgeEntry } from './types.js';
import { analyse, type Word } from './normalise.js';
import { Vocabulary } from './vocabulary.js';

export const FIELDS = ['title', 'title_en', 'keywords', 'questions', 'summary', 'summary_en', 'body'] as const;
export type Field = (typeof FIELDS)[number];

/**
 * How strongly a word in each field says "this entry is about it". Titles and
 * keywords are chosen words; a body mentions many things in passing.
 */
export const FIELD_WEIGHTS: Readonly<Record<Field, number>> = {
  title: 1,
  title_en: 0.9,
  keywords: 0.75,
  questions: 0.75,
  summary: 0.6,
  summary_en: 0.55,
  body: 0.3,
};

/** Share of the remaining weight each further field holding a word adds. */
const FURTHER_FIELD_BONUS = 0.1;

/** Fields whose neighbouring words form phrases worth matching (a body is too long and loose). */
const PHRASE_FIELDS: ReadonlySet<Field> = new Set(['title', 'title_en', 'keywords', 'questions']);

/** Entries holding a term, with the term's weight there (0..1). */
export interface Posting {
  entries: Int32Array;
  weights: Float32Array;
}

export interface IndexData {
  vocabulary: Vocabulary;
  /** By term id. */
  postings: Posting[];
  /** Pair of neighbouring term ids (see pairKey) -> entries holding that phrase. */
  bigrams: Map<number, Posting>;
  /** By entry: its names (title parts, keywords). */
  names: EntryName[][];
}

/** Text units of one field; keywords and questions stay separate so phrases never cross them. */
function fieldTexts(entry: KnowledgeEntry, field: Field): string[] {
  switch (field) {
    case 'keywords':
      return entry.keywords;
    case 'questions':
      return entry.questions;
    case 'body':
      // Link targets are addresses, not content; the link text stays.
      return [entry.body.replace(/\]\([^)]*\)/g, '] ')];
    default:
      return [entry[field]];
  }
}

/** Stems of multi-word hyphen groups joined together, e.g. "ibp-team" -> "ibpteam". */
export function joinedGroups(words: Word[]): string[] {
  const groups = new Map<number, Word[]>();
  for (const w of words) groups.set(w.group, [...(groups.get(w.group) ?? []), w]);
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.map((w) => w.stem).join(''));
}

/** A name an entry goes by, as stems, and how much it counts as the entry's own name. */
export interface EntryName {
  stems: string[];
  /** 1 for (part of) a title; less for a keyword, which other entries may share. */
  strength: number;
}

/** How much a keyword counts as a name, relative to the title. */
export const KEYWORD_NAME_STRENGTH = 0.7;

/** A title splits into names at a colon or parenthesis: "Interbestuurlijk Programma (IBP)" is named both ways. */
function entryNames(entry: KnowledgeEntry): EntryName[] {
  const titles = [entry.title, entry.title_en].flatMap((t) => [t, ...t.split(/[:()]/)]);
  const sources = [
    ...titles.map((text) => ({ text, strength: 1 })),
    ...entry.keywords.map((text) => ({ text, strength: KEYWORD_NAME_STRENGTH })),
  ];
  const seen = new Set<string>();
  const out: EntryName[] = [];
  for (const { text, strength } of sources) {
    const stems = [...new Set(analyse(text).map((w) => w.stem))];
    const key = stems.join(' ');
    if (stems.length > 0 && !seen.has(key)) {
      seen.add(key);
      out.push({ stems, strength });
    }
  }
  return out;
}

/**
 * Collects, per key, the entries holding it and a bitmask of their fields.
 * Entries are added in order, so an entry's mask is always the last one: no
 * per-key map is needed, which keeps building 5,000 entries fast.
 */
class MaskCollector<K> {
  readonly keys = new Map<K, number>();
  private readonly entries: number[][] = [];
  private readonly masks: number[][] = [];

  /** Returns the key's id. */
  add(key: K, entry: number, bit: number): number {
    let id = this.keys.get(key);
    if (id === undefined) {
      id = this.entries.length;
      this.keys.set(key, id);
      this.entries.push([]);
      this.masks.push([]);
    }
    const list = this.entries[id] as number[];
    const masks = this.masks[id] as number[];
    const last = list.length - 1;
    if (list[last] === entry) masks[last] = (masks[last] ?? 0) | bit;
    else {
      list.push(entry);
      masks.push(bit);
    }
    return id;
  }

  posting(id: number): Posting {
    return {
      entries: Int32Array.from(this.entries[id] ?? []),
      weights: Float32Array.from(this.masks[id] ?? [], maskWeight),
    };
  }
}

/**
 * The strongest field decides; each further field adds a little
 * (FURTHER_FIELD_BONUS of what is left), so a word in a summary and a body
 * never rivals the same word in a title.
 */
function maskWeight(mask: number): number {
  let strongest = 0;
  let count = 0;
  FIELDS.forEach((f, i) => {
    if (mask & (1 << i)) {
      strongest = Math.max(strongest, FIELD_WEIGHTS[f]);
      count += 1;
    }
  });
  return strongest + (1 - strongest) * FURTHER_FIELD_BONUS * Math.max(0, count - 1);
}

/** One number for an ordered pair of term ids: cheaper to hash than a "stem stem" string. */
export function pairKey(first: number, second: number): number {
  return first * 0x4000000 + second;
}

export function buildIndexData(entries: readonly KnowledgeEntry[]): IndexData {
  const terms = new MaskCollector<string>();
  const pairs = new MaskCollector<number>();
  entries.forEach((entry, e) => {
    FIELDS.forEach((field, f) => {
      const bit = 1 << f;
      for (const text of fieldTexts(entry, field)) {
        const words = analyse(text);
        const ids = words.map((w) => terms.add(w.stem, e, bit));
        for (const joined of joinedGroups(words)) terms.add(joined, e, bit);
        if (!PHRASE_FIELDS.has(field)) continue;
        for (let i = 1; i < ids.length; i += 1) pairs.add(pairKey(ids[i - 1] as number, ids[i] as number), e, bit);
      }
    });
  });
  return {
    vocabulary: new Vocabulary([...terms.keys.keys()]),
    postings: [...terms.keys.values()].map((id) => terms.posting(id)),
    bigrams: new Map([...pairs.keys].map(([k, id]) => [k, pairs.posting(id)])),
    names: entries.map(entryNames),
  };
}

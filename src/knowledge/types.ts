import type { RichText } from '../domain/richtext.js';

export const ENTRY_TYPES = ['programma', 'zekerheid', 'opgave', 'bot'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Front matter of one knowledge file, as written by authors. */
export interface EntryFrontMatter {
  id: string;
  type: EntryType;
  title: string;
  title_en: string;
  summary: string;
  summary_en: string;
  keywords: string[];
  /** Example phrasings users type, Dutch and English mixed. */
  questions: string[];
  /** Ids of related entries, shown as "Zie ook". */
  related: string[];
  /** URL or seed name. */
  source?: string;
}

export interface KnowledgeEntry extends EntryFrontMatter {
  /** The Dutch answer, Markdown source. */
  body: string;
  /** The body parsed once at load time. */
  bodyRich: RichText;
  /** Path relative to the knowledge directory, for error messages. */
  file: string;
}

export interface KnowledgeError {
  file: string;
  field?: string;
  message: string;
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KnowledgeInvalidError } from './base.js';
import { markdownFiles, readFrontMatter } from './load.js';
import type { KnowledgeError } from './types.js';

/**
 * Reflection questions for nudges: `knowledge/reflectie/zekerheid-<n>.md`, one file per
 * zekerheid, validated like the rest of the knowledge base (every error with file and field).
 */
export interface ReflectieQuestion {
  id: string;
  zekerheid: string;
  nl: string;
  en: string;
  file: string;
}

export const REFLECTIE_DIR = 'reflectie';
export const QUESTION_MAX = 300;
export const MIN_QUESTIONS_PER_FILE = 2;
export const ZEKERHEID_IDS = ['zekerheid-1', 'zekerheid-2', 'zekerheid-3', 'zekerheid-4', 'zekerheid-5', 'zekerheid-6', 'zekerheid-7'] as const;
const KNOWN = new Set(['zekerheid', 'questions']);
const QUESTION_FIELDS = new Set(['id', 'nl', 'en']);
const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Parses one file. Pure. */
export function parseQuestionFile(file: string, source: string): { questions: ReflectieQuestion[]; errors: KnowledgeError[] } {
  const errors: KnowledgeError[] = [];
  const err = (message: string, field?: string): void => {
    errors.push(field ? { file, field, message } : { file, message });
  };
  const read = readFrontMatter(file, source);
  if ('errors' in read) return { questions: [], errors: read.errors };
  const { fm } = read;
  for (const key of Object.keys(fm)) if (!KNOWN.has(key)) err(`unknown field (allowed: ${[...KNOWN].join(', ')})`, key);
  const zekerheid = fm.zekerheid;
  const expected = path.basename(file, '.md');
  if (typeof zekerheid !== 'string' || zekerheid.trim() === '') err('required: the zekerheid id, such as zekerheid-7', 'zekerheid');
  else {
    if (!(ZEKERHEID_IDS as readonly string[]).includes(zekerheid)) err(`must be one of ${ZEKERHEID_IDS.join(', ')}`, 'zekerheid');
    if (zekerheid !== expected) err(`must equal the file name ("${expected}")`, 'zekerheid');
  }
  const list = fm.questions;
  const questions: ReflectieQuestion[] = [];
  if (!Array.isArray(list)) err('required: a list of questions, each with id, nl and en', 'questions');
  else {
    if (list.length < MIN_QUESTIONS_PER_FILE) err(`needs at least ${MIN_QUESTIONS_PER_FILE} questions`, 'questions');
    list.forEach((q: unknown, i) => {
      const where = `questions[${i}]`;
      if (typeof q !== 'object' || q === null || Array.isArray(q)) {
        err('must be a mapping with id, nl and en', where);
        return;
      }
      const rec = q as Record<string, unknown>;
      for (const key of Object.keys(rec)) if (!QUESTION_FIELDS.has(key)) err(`unknown field (allowed: id, nl, en)`, `${where}.${key}`);
      let ok = true;
      for (const key of ['id', 'nl', 'en'] as const) {
        const v = rec[key];
        if (typeof v !== 'string' || v.trim() === '') {
          err('must be a non-empty string', `${where}.${key}`);
          ok = false;
        } else if (key !== 'id' && [...v.trim()].length > QUESTION_MAX) {
          err(`at most ${QUESTION_MAX} characters`, `${where}.${key}`);
          ok = false;
        }
      }
      if (typeof rec.id === 'string' && !ID_PATTERN.test(rec.id)) {
        err('must be lowercase letters, digits and single dashes', `${where}.id`);
        ok = false;
      }
      if (ok && typeof zekerheid === 'string') {
        questions.push({ id: String(rec.id), zekerheid, nl: String(rec.nl).trim(), en: String(rec.en).trim(), file });
      }
    });
  }
  return errors.length > 0 ? { questions: [], errors } : { questions, errors };
}

/** Loads `dir` (normally `<KNOWLEDGE_DIR>/reflectie`): every error at once, duplicate ids and missing zekerheden too. */
export async function loadReflectieQuestions(dir: string): Promise<{ questions: ReflectieQuestion[]; errors: KnowledgeError[] }> {
  let names: string[];
  try {
    names = await markdownFiles(dir);
  } catch (e) {
    return { questions: [], errors: [{ file: dir, message: `cannot read the reflection questions: ${(e as Error).message}` }] };
  }
  const questions: ReflectieQuestion[] = [];
  const errors: KnowledgeError[] = [];
  for (const name of names) {
    const res = parseQuestionFile(`${REFLECTIE_DIR}/${name}`, await readFile(path.join(dir, name), 'utf8'));
    questions.push(...res.questions);
    errors.push(...res.errors);
  }
  const seen = new Map<string, string>();
  for (const q of questions) {
    const prev = seen.get(q.id);
    if (prev) errors.push({ file: q.file, field: 'questions.id', message: `duplicate id "${q.id}" (also in ${prev})` });
    else seen.set(q.id, q.file);
  }
  for (const z of ZEKERHEID_IDS) {
    if (!questions.some((q) => q.zekerheid === z) && !errors.some((e) => e.file === `${REFLECTIE_DIR}/${z}.md`)) {
      errors.push({ file: `${REFLECTIE_DIR}/${z}.md`, message: `no reflection questions for ${z}` });
    }
  }
  return { questions: errors.length > 0 ? [] : questions, errors };
}

/** The questions in nudge order: one of each zekerheid in turn (1, 2, … 7, 1, …). */
export class ReflectieQuestions {
  private list: readonly ReflectieQuestion[];

  constructor(questions: readonly ReflectieQuestion[]) {
    const byZ = ZEKERHEID_IDS.map((z) => questions.filter((q) => q.zekerheid === z));
    const out: ReflectieQuestion[] = [];
    for (let i = 0; out.length < questions.length; i++) for (const list of byZ) if (list[i]) out.push(list[i]!);
    this.list = out;
  }

  get ordered(): readonly ReflectieQuestion[] {
    return this.list;
  }

  /** Takes the questions of `other` (a knowledge reload, src/server/reload.ts): nudges sent after it use them. */
  replaceWith(other: ReflectieQuestions): void {
    this.list = other.list;
  }

  get size(): number {
    return this.ordered.length;
  }

  get(id: string): ReflectieQuestion | undefined {
    return this.ordered.find((q) => q.id === id);
  }

  /** The question at `cursor`, never `lastId` (so a channel does not get the same one twice in a row). */
  pick(cursor: number, lastId?: string): { question: ReflectieQuestion; cursor: number } | undefined {
    const n = this.ordered.length;
    if (n === 0) return undefined;
    let c = cursor % n;
    if (this.ordered[c]?.id === lastId && n > 1) c = (c + 1) % n;
    return { question: this.ordered[c]!, cursor: c + 1 };
  }
}

/** Loads and validates; throws KnowledgeInvalidError (like openKnowledgeBase) listing every error. */
export async function openReflectieQuestions(knowledgeDir: string): Promise<ReflectieQuestions> {
  const dir = path.join(knowledgeDir, REFLECTIE_DIR);
  const { questions, errors } = await loadReflectieQuestions(dir);
  if (errors.length > 0) throw new KnowledgeInvalidError(errors, dir);
  return new ReflectieQuestions(questions);
}

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseMarkdown } from '../domain/richtext.js';
import { CONTRACT_IDS } from './contract.js';
import { nearDuplicates, NEAR_DUPLICATE_SIMILARITY } from './duplicates.js';
import { findPlaceholder } from './placeholders.js';
import { ENTRY_TYPES, type EntryFrontMatter, type KnowledgeEntry, type KnowledgeError } from './types.js';

const REQUIRED: (keyof EntryFrontMatter)[] = [
  'id', 'type', 'title', 'title_en', 'summary', 'summary_en', 'keywords', 'questions', 'related',
];
const OPTIONAL: (keyof EntryFrontMatter)[] = ['source'];
const KNOWN = new Set<string>([...REQUIRED, ...OPTIONAL]);
const LIST_FIELDS = new Set<keyof EntryFrontMatter>(['keywords', 'questions', 'related']);
const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface LoadResult {
  entries: KnowledgeEntry[];
  errors: KnowledgeError[];
}

/** Splits `---\nyaml\n---\nbody`. Front matter is three lines of logic; YAML itself is the `yaml` library's job. */
export function splitFrontMatter(source: string): { yaml: string; body: string } | null {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!m) return null;
  return { yaml: m[1] ?? '', body: text.slice(m[0].length).trim() };
}

/**
 * The front matter of a Markdown file as a mapping, with the body; or the errors
 * (missing, not YAML, not a mapping) naming the file. Shared by every knowledge loader.
 */
export function readFrontMatter(file: string, source: string): { fm: Record<string, unknown>; body: string } | { errors: KnowledgeError[] } {
  const parts = splitFrontMatter(source);
  if (!parts) {
    return { errors: [{ file, message: 'missing YAML front matter (the file must start with a line "---", the fields, and a closing "---")' }] };
  }
  let data: unknown;
  try {
    data = parseYaml(parts.yaml);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line + 1}` : '';
    return { errors: [{ file, message: `front matter is not valid YAML${where}: ${(e as Error).message.split('\n')[0]}` }] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { errors: [{ file, message: 'front matter must be a mapping of fields' }] };
  }
  return { fm: data as Record<string, unknown>, body: parts.body };
}

/** Parses and checks one file's content. Pure: no I/O, so it is easy to test. */
export function parseEntry(file: string, source: string): { entry?: KnowledgeEntry; errors: KnowledgeError[] } {
  const errors: KnowledgeError[] = [];
  const err = (message: string, field?: string): void => {
    errors.push(field ? { file, field, message } : { file, message });
  };
  const read = readFrontMatter(file, source);
  if ('errors' in read) return { errors: read.errors };
  const { fm, body } = read;
  const parts = { body };
  for (const key of Object.keys(fm)) {
    if (!KNOWN.has(key)) err(`unknown field (allowed: ${[...KNOWN].join(', ')})`, key);
  }
  for (const key of REQUIRED) {
    const v = fm[key];
    if (v === undefined || v === null) {
      err('required field is missing', key);
    } else if (LIST_FIELDS.has(key)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
        err('must be a list of non-empty strings', key);
      }
    } else if (typeof v !== 'string' || v.trim() === '') {
      err('must be a non-empty string', key);
    }
  }
  if (fm.source !== undefined && (typeof fm.source !== 'string' || fm.source.trim() === '')) {
    err('must be a non-empty string (a URL or a seed name)', 'source');
  }
  if (typeof fm.id === 'string') {
    if (!ID_PATTERN.test(fm.id)) err('must be lowercase letters, digits and single dashes', 'id');
    const expected = path.basename(file, '.md');
    if (fm.id !== expected) err(`must equal the file name ("${expected}")`, 'id');
  }
  if (typeof fm.type === 'string' && !(ENTRY_TYPES as readonly string[]).includes(fm.type)) {
    err(`must be one of ${ENTRY_TYPES.join(', ')}`, 'type');
  }
  if (Array.isArray(fm.questions) && fm.questions.length === 0) err('needs at least one example question', 'questions');
  if (parts.body === '') err('the Markdown body (the Dutch answer) is empty');
  for (const key of [...REQUIRED, ...OPTIONAL]) {
    const v = fm[key];
    const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const marker = texts.map(findPlaceholder).find((m) => m !== undefined);
    if (marker) err(`still holds the template placeholder "${marker}": replace it with the real text`, key);
  }
  const bodyMarker = findPlaceholder(parts.body);
  if (bodyMarker) err(`the Markdown body still holds the template placeholder "${bodyMarker}": replace it with the real answer`);
  if (errors.length > 0) return { errors };

  const front = fm as unknown as EntryFrontMatter;
  const entry: KnowledgeEntry = {
    id: front.id,
    type: front.type,
    title: front.title.trim(),
    title_en: front.title_en.trim(),
    summary: front.summary.trim(),
    summary_en: front.summary_en.trim(),
    keywords: front.keywords.map((k) => k.trim()),
    questions: front.questions.map((q) => q.trim()),
    related: front.related.map((r) => r.trim()),
    ...(front.source ? { source: front.source.trim() } : {}),
    body: parts.body,
    bodyRich: parseMarkdown(parts.body),
    file,
  };
  return { entry, errors };
}

/** Cross-file checks: duplicate ids, dangling `related`, missing contract ids, example questions two entries claim. */
export function validateSet(entries: KnowledgeEntry[], contractIds: readonly string[] = CONTRACT_IDS): KnowledgeError[] {
  const errors: KnowledgeError[] = [];
  const byId = new Map<string, KnowledgeEntry>();
  for (const e of entries) {
    const prev = byId.get(e.id);
    if (prev) errors.push({ file: e.file, field: 'id', message: `duplicate id "${e.id}" (also in ${prev.file})` });
    else byId.set(e.id, e);
  }
  for (const e of entries) {
    for (const r of e.related) {
      if (!byId.has(r)) errors.push({ file: e.file, field: 'related', message: `unknown id "${r}"` });
      if (r === e.id) errors.push({ file: e.file, field: 'related', message: 'an entry cannot be related to itself' });
    }
  }
  for (const id of contractIds) {
    if (!byId.has(id)) errors.push({ file: `${id}.md`, field: 'id', message: `contract topic "${id}" has no entry` });
  }
  const files = new Map(entries.map((e) => [e.id, e.file]));
  const questions = entries.flatMap((e) => e.questions.map((text) => ({ owner: e.id, text })));
  for (const { first, second, similarity } of nearDuplicates(questions)) {
    const how = similarity === 1 ? 'the same question as' : `nearly the same question as (${Math.round(similarity * 100)} % of the words shared, limit ${NEAR_DUPLICATE_SIMILARITY * 100} %)`;
    errors.push({
      file: files.get(second.owner) ?? second.owner,
      field: 'questions',
      message: `"${second.text}" is ${how} "${first.text}" in ${files.get(first.owner) ?? first.owner}: the bot can answer it with one entry only, keep it in one`,
    });
  }
  return errors;
}

/** The `*.md` files directly in `dir`, sorted, without README.md. Throws when `dir` cannot be read. */
export async function markdownFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && d.name.endsWith('.md') && d.name.toLowerCase() !== 'readme.md')
    .map((d) => d.name)
    .sort();
}

/**
 * Loads every `*.md` directly in `dir` (sub-folders such as `reflectie/` have loaders
 * of their own). Returns all errors at once so an author can fix them in one go.
 */
export async function loadKnowledge(dir: string, contractIds: readonly string[] = CONTRACT_IDS): Promise<LoadResult> {
  let names: string[];
  try {
    names = await markdownFiles(dir);
  } catch (e) {
    return { entries: [], errors: [{ file: dir, message: `cannot read knowledge directory: ${(e as Error).message}` }] };
  }
  const entries: KnowledgeEntry[] = [];
  const errors: KnowledgeError[] = [];
  for (const name of names) {
    const source = await readFile(path.join(dir, name), 'utf8');
    const res = parseEntry(name, source);
    errors.push(...res.errors);
    if (res.entry) entries.push(res.entry);
  }
  errors.push(...validateSet(entries, contractIds));
  return { entries, errors };
}

export function formatKnowledgeErrors(errors: KnowledgeError[]): string {
  return errors.map((e) => `  ${e.file}${e.field ? ` [${e.field}]` : ''}: ${e.message}`).join('\n');
}

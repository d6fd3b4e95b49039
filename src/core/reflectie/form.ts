import { messages } from '../../i18n/index.js';
import type { KnowledgeBase } from '../../knowledge/base.js';
import type { ReflectionAnswers } from '../../domain/reflection.js';
import type { Form, FormField } from '../reply.js';
import type { FormValue, FormValues, Locale } from '../../domain/turn.js';

export const REFLECTIE_FORM_ID = 'reflectie';
/** Longest answer to one question, in characters. */
export const ANSWER_MAX = 1000;
export const TEXT_FIELDS = ['goed', 'beter', 'meenemen'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export function entryLabel(kb: KnowledgeBase, id: string, locale: Locale): string {
  const e = kb.get(id);
  return e ? (locale === 'en' ? e.title_en : e.title) : id;
}

/** `zekerheid-7` -> `7. Er gaan altijd dingen mis, blijf leren!` */
export function zekerheidLabel(kb: KnowledgeBase, id: string, locale: Locale): string {
  const n = /(\d+)$/.exec(id)?.[1];
  return n ? `${n}. ${entryLabel(kb, id, locale)}` : entryLabel(kb, id, locale);
}

export function opgaveOptions(kb: KnowledgeBase, locale: Locale): { value: string; label: string }[] {
  return kb.ofType('opgave').map((e) => ({ value: e.id, label: locale === 'en' ? e.title_en : e.title }));
}

export function zekerheidOptions(kb: KnowledgeBase, locale: Locale): { value: string; label: string }[] {
  return kb
    .ofType('zekerheid')
    .filter((e) => /^zekerheid-[1-7]$/.test(e.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((e) => ({ value: e.id, label: zekerheidLabel(kb, e.id, locale) }));
}

/** The reflection form. `state` is the draft id: it ties the submission to who opened it and where it may be shared. */
export function reflectieForm(
  kb: KnowledgeBase,
  locale: Locale,
  state: string,
  initial: Partial<Record<keyof ReflectionAnswers, FormValue>> = {},
  errors?: Record<string, string>,
): Form {
  const t = messages(locale).reflectie;
  const text = (id: TextField, label: string): FormField => ({
    id, kind: 'longtext', label, maxLength: ANSWER_MAX, hint: t.textHint(ANSWER_MAX),
    ...(typeof initial[id] === 'string' ? { initial: initial[id] } : {}),
  });
  const select = (id: 'opgave' | 'zekerheid', label: string, options: { value: string; label: string }[]): FormField => ({
    id, kind: 'select', label, options, ...(typeof initial[id] === 'string' && initial[id] ? { initial: initial[id] } : {}),
  });
  return {
    id: REFLECTIE_FORM_ID,
    title: t.formTitle,
    submitLabel: t.submit,
    intro: [{ t: 'para', children: [{ t: 'text', text: t.formIntro }] }],
    state,
    fields: [
      text('goed', t.goed),
      text('beter', t.beter),
      text('meenemen', t.meenemen),
      select('opgave', t.opgave, opgaveOptions(kb, locale)),
      select('zekerheid', t.zekerheid, zekerheidOptions(kb, locale)),
    ],
    ...(errors && Object.keys(errors).length > 0 ? { errors } : {}),
  };
}

const str = (v: FormValue | undefined): string => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '');

/**
 * Checks a submitted reflection. Pure. Every answer is optional but at least one of
 * the three questions must be answered (the error shows next to the first field).
 */
export function validateReflectie(
  values: FormValues,
  opgaveIds: readonly string[],
  zekerheidIds: readonly string[],
  locale: Locale,
): { ok: true; value: ReflectionAnswers } | { ok: false; errors: Record<string, string> } {
  const t = messages(locale).reflectie;
  const errors: Record<string, string> = {};
  const value: ReflectionAnswers = {};
  for (const f of TEXT_FIELDS) {
    const v = str(values[f]);
    if ([...v].length > ANSWER_MAX) errors[f] = t.errTooLong(ANSWER_MAX);
    else if (v) value[f] = v;
  }
  if (!TEXT_FIELDS.some((f) => str(values[f]))) errors.goed = t.errAtLeastOne;
  const opgave = str(values.opgave);
  if (opgave && !opgaveIds.includes(opgave)) errors.opgave = t.errChoice;
  else if (opgave) value.opgave = opgave;
  const zekerheid = str(values.zekerheid);
  if (zekerheid && !zekerheidIds.includes(zekerheid)) errors.zekerheid = t.errChoice;
  else if (zekerheid) value.zekerheid = zekerheid;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

import { messages } from '../../i18n/index.js';
import type { KnowledgeBase } from '../../knowledge/base.js';
import { type NewKnelpunt } from '../../store/types.js';
import { OVERHEDEN, URGENTIES, type Overheid, type Urgentie } from '../../domain/knelpunt.js';
import type { Form, FormField } from '../reply.js';
import type { FormValue, FormValues, Locale } from '../../domain/turn.js';

export const KNELPUNT_FORM_ID = 'knelpunt';
export const TOELICHTING_FORM_ID = 'knelpunt-toelichting';
export const OPGAVE_ANDERS = 'anders';
export const BESCHRIJVING_MIN = 10;
export const BESCHRIJVING_MAX = 3000;
export const TOELICHTING_MIN = 3;
export const TOELICHTING_MAX = 500;

/** The fields a user fills in; identity and platform come from the turn. */
export type KnelpuntInput = Pick<NewKnelpunt, 'opgave' | 'beschrijving' | 'overheden' | 'urgentie' | 'anoniem'>;

/** The report form. The opgaven come from the knowledge base, so the list stays in step with it. */
export function knelpuntForm(
  kb: KnowledgeBase,
  locale: Locale,
  initial: Partial<Record<keyof KnelpuntInput, FormValue>> = {},
  errors?: Record<string, string>,
): Form {
  const t = messages(locale).knelpunt;
  const opgaven = kb.ofType('opgave').map((e) => ({ value: e.id, label: locale === 'en' ? e.title_en : e.title }));
  const fields: FormField[] = [
    {
      id: 'opgave', kind: 'select', label: t.opgave, required: true,
      options: [...opgaven, { value: OPGAVE_ANDERS, label: t.opgaveAnders }],
      ...(initial.opgave !== undefined ? { initial: initial.opgave } : {}),
    },
    {
      id: 'beschrijving', kind: 'longtext', label: t.beschrijving, required: true, hint: t.beschrijvingHint,
      minLength: BESCHRIJVING_MIN, maxLength: BESCHRIJVING_MAX,
      ...(initial.beschrijving !== undefined ? { initial: initial.beschrijving } : {}),
    },
    {
      id: 'overheden', kind: 'multiselect', label: t.overheden,
      options: OVERHEDEN.map((o) => ({ value: o, label: t.overheid[o] })),
      ...(initial.overheden !== undefined ? { initial: initial.overheden } : {}),
    },
    {
      id: 'urgentie', kind: 'select', label: t.urgentie, required: true,
      options: URGENTIES.map((u) => ({ value: u, label: t.urgentieLabel[u] })),
      initial: initial.urgentie ?? 'middel',
    },
    { id: 'anoniem', kind: 'checkbox', label: t.anoniem, hint: t.anoniemHint, initial: initial.anoniem ?? false },
  ];
  return {
    id: KNELPUNT_FORM_ID,
    title: t.formTitle,
    submitLabel: t.submit,
    intro: [{ t: 'para', children: [{ t: 'text', text: t.formIntro }] }],
    fields,
    ...(errors && Object.keys(errors).length > 0 ? { errors } : {}),
  };
}

const str = (v: FormValue | undefined): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: FormValue | undefined): string[] => (Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(',') : []).map((x) => x.trim()).filter(Boolean);
const bool = (v: FormValue | undefined): boolean => v === true || v === 'true' || v === 'on';

/**
 * Checks a submitted report. Pure. Returns the cleaned input, or an error per field
 * (in the user's language) so the form can show each next to its field.
 */
export function validateKnelpunt(
  values: FormValues,
  opgaveIds: readonly string[],
  locale: Locale,
): { ok: true; value: KnelpuntInput } | { ok: false; errors: Record<string, string> } {
  const t = messages(locale).knelpunt;
  const errors: Record<string, string> = {};
  const opgave = str(values.opgave);
  if (!opgave) errors.opgave = t.errRequired;
  else if (opgave !== OPGAVE_ANDERS && !opgaveIds.includes(opgave)) errors.opgave = t.errChoice;
  const beschrijving = str(values.beschrijving).replace(/\r\n?/g, '\n');
  if (!beschrijving) errors.beschrijving = t.errRequired;
  else if ([...beschrijving].length < BESCHRIJVING_MIN) errors.beschrijving = t.errTooShort(BESCHRIJVING_MIN);
  else if ([...beschrijving].length > BESCHRIJVING_MAX) errors.beschrijving = t.errTooLong(BESCHRIJVING_MAX);
  const overheden = [...new Set(list(values.overheden))];
  if (overheden.some((o) => !(OVERHEDEN as readonly string[]).includes(o))) errors.overheden = t.errChoice;
  const urgentie = str(values.urgentie) || 'middel';
  if (!(URGENTIES as readonly string[]).includes(urgentie)) errors.urgentie = t.errChoice;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { opgave, beschrijving, overheden: overheden as Overheid[], urgentie: urgentie as Urgentie, anoniem: bool(values.anoniem) },
  };
}

/**
 * The form that asks why a knelpunt is not taken up, or why it is reopened; `state` carries
 * which one, from what status and to what.
 */
export function toelichtingForm(locale: Locale, ref: string, state: string, errors?: Record<string, string>, initial?: string, reopen = false): Form {
  const t = messages(locale).knelpunt;
  return {
    id: TOELICHTING_FORM_ID,
    title: reopen ? t.reopenTitle(ref) : t.toelichtingTitle(ref),
    submitLabel: t.toelichtingSubmit,
    state,
    fields: [
      {
        id: 'toelichting', kind: 'longtext', label: t.toelichting, hint: reopen ? t.reopenHint : t.toelichtingHint, required: true,
        minLength: TOELICHTING_MIN, maxLength: TOELICHTING_MAX, ...(initial ? { initial } : {}),
      },
    ],
    ...(errors ? { errors } : {}),
  };
}

export function validateToelichting(values: FormValues, locale: Locale): { ok: true; value: string } | { ok: false; errors: Record<string, string> } {
  const t = messages(locale).knelpunt;
  const v = str(values.toelichting);
  if (!v) return { ok: false, errors: { toelichting: t.errRequired } };
  if ([...v].length < TOELICHTING_MIN) return { ok: false, errors: { toelichting: t.errTooShort(TOELICHTING_MIN) } };
  if ([...v].length > TOELICHTING_MAX) return { ok: false, errors: { toelichting: t.errTooLong(TOELICHTING_MAX) } };
  return { ok: true, value: v };
}

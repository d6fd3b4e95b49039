import type { Locale } from '../domain/turn.js';
import { en } from './en.js';
import { nl, type Messages } from './nl.js';

export type { Messages };

const catalogues: Record<Locale, Messages> = { nl, en };

export function messages(locale: Locale): Messages {
  return catalogues[locale];
}

/** `en-US` -> `en`; anything not English is Dutch (our users are Dutch civil servants). */
export function localeFromTag(tag: string | undefined, fallback: Locale = 'nl'): Locale {
  if (!tag) return fallback;
  const t = tag.toLowerCase();
  if (t.startsWith('en')) return 'en';
  if (t.startsWith('nl')) return 'nl';
  return fallback;
}

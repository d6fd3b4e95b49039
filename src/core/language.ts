import type { Locale } from '../domain/turn.js';

// Short function words that tell the two languages apart in a question.
const EN = new Set(['what', 'which', 'who', 'how', 'why', 'when', 'where', 'the', 'is', 'are', 'does', 'do', 'can', 'i', 'you', 'about', 'of', 'and', 'to', 'with', 'tell', 'me', 'please', 'my', 'our', 'a', 'an', 'it', 'this', 'that', 'there']);
const NL = new Set(['wat', 'welke', 'wie', 'hoe', 'waarom', 'wanneer', 'waar', 'de', 'het', 'een', 'is', 'zijn', 'doet', 'kan', 'ik', 'je', 'jij', 'over', 'van', 'en', 'naar', 'met', 'vertel', 'mij', 'graag', 'mijn', 'ons', 'onze', 'dit', 'dat', 'er', 'zit', 'moet', 'wordt']);

/**
 * Characters read. The core answers a longer message only to say it is too long (its
 * limit is 4,000 characters), so the start of a message is enough to pick the language
 * of that answer; a 500 KB message would otherwise cost tens of milliseconds here.
 */
const MAX_CHARS_READ = 4000;

/**
 * English when the user's locale is English or the text is clearly English (more
 * English than Dutch function words, and at least two); otherwise the default.
 */
export function chooseLocale(text: string | undefined, userLocale: Locale | undefined, fallback: Locale): Locale {
  if (userLocale === 'en') return 'en';
  if (text) {
    const words = text.slice(0, MAX_CHARS_READ).toLowerCase().match(/[a-z']+/g) ?? [];
    let en = 0;
    let nl = 0;
    for (const w of words) {
      if (EN.has(w)) en++;
      if (NL.has(w)) nl++;
    }
    if (en >= 2 && en > nl) return 'en';
    if (nl > 0 && nl >= en) return 'nl';
  }
  return userLocale ?? fallback;
}

/**
 * The one text boundary. Everything a person types (turn text, form values, display
 * names, dashboard fields) passes `cleanText` once, where it enters the core; the
 * stores additionally make every string `storable` (see src/store/guard.ts), so what
 * one backend accepts, the other accepts too.
 *
 * Pure and linear: one pass over the UTF-16 code units, no regular expression that
 * can backtrack.
 */

const REPLACEMENT = '\uFFFD';

/** True for a code unit that is half of a surrogate pair. */
const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * Control characters a person never means to send: C0 except tab and newline, DEL, and
 * C1. Carriage returns are not dropped here: `cleanText` turns them into newlines.
 */
const isControl = (c: number): boolean => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f);

/**
 * User text as the core and the stores want it: lone surrogates become U+FFFD, NUL and
 * other control characters (except tab and newline) are removed, `\r\n` and `\r` become
 * `\n`, and the result is in Unicode NFC (so `e` + combining accent equals `é`).
 */
export function cleanText(s: string): string {
  let out = '';
  let from = 0; // start of the run of code units kept as they are
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (c === 0x09 || c === 0x0a) continue;
      out += s.slice(from, i);
      if (c === 0x0d) {
        out += '\n';
        if (s.charCodeAt(i + 1) === 0x0a) i++;
      } else if (!isControl(c)) {
        out += s[i];
      }
      from = i + 1;
    } else if (isHigh(c)) {
      if (i + 1 < n && isLow(s.charCodeAt(i + 1))) i++; // a valid pair: keep both
      else {
        out += s.slice(from, i) + REPLACEMENT;
        from = i + 1;
      }
    } else if (isLow(c)) {
      out += s.slice(from, i) + REPLACEMENT; // a low half without its high half
      from = i + 1;
    }
  }
  out = from === 0 ? s : out + s.slice(from);
  // NFC only when something could change: pure ASCII is already normalised.
  return isAscii(out) ? out : out.normalize('NFC');
}

/**
 * The minimum every store backend needs: no NUL (PostgreSQL text and jsonb refuse it)
 * and no lone surrogate (jsonb refuses it, text columns silently turn it into U+FFFD).
 * Everything else is kept exactly, so lowdb and PostgreSQL return the same string.
 */
export function storable(s: string): string {
  let out = '';
  let from = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) {
      out += s.slice(from, i);
      from = i + 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1))) i++;
      else {
        out += s.slice(from, i) + REPLACEMENT;
        from = i + 1;
      }
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Whether `storable` would change the string; a fast check for the common case. */
export function needsStorable(s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return true;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1))) i++;
      else return true;
    }
  }
  return false;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * At most `max` UTF-16 code units, never cutting a surrogate pair in half (that would
 * create the lone surrogate `cleanText` removes). For values that are cut silently
 * (display names); fields a person fills in are refused with a message instead.
 */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = max > 0 && isHigh(s.charCodeAt(max - 1)) ? max - 1 : max;
  return s.slice(0, end);
}

/** Display names, channel names: cleaned, single line, trimmed, bounded. */
export const MAX_NAME_LENGTH = 200;

export function cleanName(s: string): string {
  return truncateText(cleanText(s).replace(/\s+/g, ' ').trim(), MAX_NAME_LENGTH);
}

/** Ids and keys from a platform (user, conversation, activity ids): cleaned, bounded, never a character a backend refuses. */
export const MAX_ID_LENGTH = 512;

export function cleanId(s: string): string {
  return truncateText(cleanText(s), MAX_ID_LENGTH);
}

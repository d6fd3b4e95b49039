/**
 * Template markers an author must replace before an entry is published. The
 * dashboard's "Maak kennisitem" download fills every field it cannot know with
 * such a marker ("TODO: titel in gewone taal"), so an unedited download fails
 * `ibp-bot validate` with the file and field named, and never reaches users.
 *
 * Refused, anywhere in a field: the word TODO or FIXME in capitals (so also
 * "== TODO ==" and "TODO:"), and a "vul in" placeholder in angle or square
 * brackets ("<vul in>", "[vul hier de titel in]").
 */
const MARKERS: readonly RegExp[] = [/\b(?:TODO|FIXME)\b/, /[<[]\s*vul\b[^>\]\n]{0,80}[>\]]/i];

/** The first template marker in `text`, as written, or undefined. */
export function findPlaceholder(text: string): string | undefined {
  for (const marker of MARKERS) {
    const m = marker.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

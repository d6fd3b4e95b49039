/**
 * Character classes for parsers that scan text by hand instead of with a regex that
 * could backtrack (issue #16). They match JavaScript's own definitions exactly, so a
 * scan gives what the regex gave; tests/linear-input.test.ts holds them to the regex.
 */

/** Exactly the UTF-16 code units `\s` matches (WhiteSpace and LineTerminator; also what `trim` removes). */
export function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** The line terminators: where `^` matches in a multiline regex. */
export function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

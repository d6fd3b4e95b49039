/**
 * Text on its way to a terminal. Stored text was typed by users, and a terminal acts on
 * some characters instead of showing them: ESC starts a sequence that can recolour, move
 * the cursor, rewrite the window title or (in some terminals) the clipboard; a lone CR
 * lets the rest of a line overwrite what came before. Those are shown as visible symbols
 * instead (U+241B for ESC, and so on). Tab and line ends (LF, CR LF) stay.
 *
 * Only for a terminal: a file or a pipe gets the data exactly as stored.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /\r(?!\n)|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    // C0 controls and DEL have a control picture (U+2400 + code, DEL at U+2421); C1 controls
    // (8-bit CSI and OSC among them) and bidi overrides do not.
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return '\uFFFD';
  });
}

/**
 * A tiny HTML builder: `html` is a tagged template that escapes every interpolation,
 * so text from users (knelpunten, questions, reflections, names) can never become
 * markup. Only `SafeHtml` passes through unescaped: the result of another `html`
 * template, or `raw()` for a fragment the code itself wrote. Attribute values must be
 * quoted in the template; escaping covers both quote kinds.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated. `false`, `null` and `undefined` render nothing (for `${cond && html`…`}`). */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(v: HtmlValue): string {
  if (v instanceof SafeHtml) return v.value;
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted markup written by this code (never user text). */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** Parts joined with a separator, each escaped unless already SafeHtml. */
export function join(parts: readonly HtmlValue[], separator: HtmlValue = ''): SafeHtml {
  const sep = render(separator);
  return new SafeHtml(parts.map(render).filter((p) => p !== '').join(sep));
}

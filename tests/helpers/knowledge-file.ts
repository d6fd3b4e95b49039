/**
 * What an author does with a "Maak kennisitem" download before it may go live:
 * replace every TODO placeholder with real text. The fields the template leaves
 * open are exactly these; `ibp-bot validate` refuses the file until they are filled in.
 */
export const TEMPLATE_FIELDS = ['title', 'title_en', 'summary', 'summary_en'] as const;

export function fillInTemplate(content: string): string {
  const [, front = '', body = ''] = /^(---\n[\s\S]*?\n---\n)([\s\S]*)$/.exec(content) ?? [];
  let filled = front;
  for (const field of TEMPLATE_FIELDS) filled = filled.replace(new RegExp(`^${field}: .*$`, 'm'), `${field}: "Ingevuld ${field}"`);
  return `${filled}${body ? 'Een Regio Deal is een afspraak tussen het Rijk en een regio.\n' : ''}`;
}

import type { KnelpuntRecord } from '../../store/types.js';

export type CsvSeparator = ';' | ',';

export const CSV_COLUMNS = [
  'referentie', 'status', 'opgave', 'urgentie', 'betrokken_overheden', 'beschrijving',
  'anoniem', 'melder', 'platform', 'gemeld_op', 'bijgewerkt_op', 'laatste_toelichting',
] as const;

/**
 * One CSV cell: quoted when needed, and safe against formula injection (a cell that
 * Excel would run as a formula gets a leading apostrophe, the OWASP advice).
 */
export function csvCell(value: string, sep: CsvSeparator): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  if (v.includes(sep) || /["\r\n]/.test(v) || v.startsWith("'")) v = `"${v.replace(/"/g, '""')}"`;
  return v;
}

/** CSV that Excel opens with Dutch characters intact: UTF-8 BOM, CRLF line ends. */
export function knelpuntenCsv(list: readonly KnelpuntRecord[], sep: CsvSeparator = ';'): string {
  const rows = list.map((k) => [
    k.ref,
    k.status,
    k.opgave,
    k.urgentie,
    k.overheden.join(', '),
    k.beschrijving,
    k.anoniem ? 'ja' : 'nee',
    k.reporter?.name ?? k.reporter?.userId ?? '',
    k.platform,
    k.createdAt,
    k.updatedAt,
    k.history.filter((h) => h.toelichting).at(-1)?.toelichting ?? '',
  ]);
  const lines = [[...CSV_COLUMNS], ...rows].map((r) => r.map((c) => csvCell(c, sep)).join(sep));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function knelpuntenJson(list: readonly KnelpuntRecord[]): string {
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** `--since 2026-01-01` / `?since=`: a calendar date, as the start of that day (UTC). */
export function parseSince(value: string | undefined): { ok: true; since?: string } | { ok: false } {
  if (value === undefined || value === '') return { ok: true };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return { ok: false };
  const d = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return { ok: false };
  return { ok: true, since: d.toISOString() };
}

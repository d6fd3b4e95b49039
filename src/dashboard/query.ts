import { texts } from './texts.js';
import { fold } from '../knowledge/normalise.js';
import { dayNumber, fromDayNumber, parseIsoDate, zonedInstant } from '../domain/time.js';
import { type KnelpuntFilter, type KnelpuntRecord } from '../store/types.js';
import { KNELPUNT_STATUSES, OVERHEDEN, URGENTIES, type KnelpuntStatus, type Overheid, type Urgentie } from '../domain/knelpunt.js';
import { DASHBOARD_TIME_ZONE } from './dates.js';

/**
 * Query strings are user input: unknown values are ignored and reported (never a 500),
 * long texts and long lists are cut with a notice, a page out of range shows the
 * nearest page. Everything here is pure.
 */
export const MAX_TEXT = 200;
export const MAX_VALUES = 20;
export const PAGE_SIZE = 25;

/** Raw query values as express's simple parser gives them. */
export type RawQuery = Record<string, unknown>;

const d = () => texts().query;

/** The strings given for `key` (one or repeated), capped in number and length; anything else is ignored. */
export function queryValues(raw: RawQuery, key: string, notices: string[]): string[] {
  const v = raw[key];
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  if (list.length > MAX_VALUES) notices.push(d().tooManyValues(key, MAX_VALUES));
  return list.slice(0, MAX_VALUES).map((s) => s.trim()).filter((s) => s !== '');
}

export function queryText(raw: RawQuery, key: string, notices: string[]): string {
  const v = queryValues(raw, key, notices)[0] ?? '';
  const head = firstCodePoints(v, MAX_TEXT);
  if (head.length < v.length) notices.push(d().textTrimmed(MAX_TEXT));
  return head;
}

/** The first `n` code points of a text, without splitting the rest of a long text into characters. */
function firstCodePoints(text: string, n: number): string {
  let i = 0;
  for (let k = 0; k < n && i < text.length; k++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return text.slice(0, i);
}

/** Only values from `allowed`; the others are reported by name. */
function pick<T extends string>(raw: RawQuery, key: string, label: string, allowed: readonly T[], notices: string[]): T[] {
  const out: T[] = [];
  for (const v of queryValues(raw, key, notices)) {
    if ((allowed as readonly string[]).includes(v)) {
      if (!out.includes(v as T)) out.push(v as T);
    } else notices.push(d().ignored(label, clip(v)));
  }
  return out;
}

/** More than 40 code points: the first 39 and `…`. */
const clip = (v: string): string => (firstCodePoints(v, 40).length < v.length ? `${firstCodePoints(v, 39)}…` : v);

/** `2026-03-01` as a local calendar date, or undefined (reported) when it is not one. */
export function queryDate(raw: RawQuery, key: string, label: string, notices: string[]): string | undefined {
  const v = queryValues(raw, key, notices)[0];
  if (v === undefined) return undefined;
  if (parseIsoDate(v)) return v;
  notices.push(d().badDate(label, clip(v)));
  return undefined;
}

/** A page number: whole and at least 1; anything else is page 1 (reported). */
export function queryPage(raw: RawQuery, notices: string[]): number {
  const v = queryValues(raw, 'pagina', notices)[0];
  if (v === undefined) return 1;
  if (/^\d{1,9}$/.test(v) && Number(v) >= 1) return Number(v);
  notices.push(d().badPage(clip(v)));
  return 1;
}

/** Start of a local day, and the start of the day after (for "tot en met"). */
export function dayStart(isoDay: string, tz = DASHBOARD_TIME_ZONE): string {
  return zonedInstant({ ...parseIsoDate(isoDay)!, h: 0, mi: 0 }, tz).toISOString();
}
export function dayAfter(isoDay: string, tz = DASHBOARD_TIME_ZONE): string {
  const next = fromDayNumber(dayNumber(parseIsoDate(isoDay)!) + 1);
  return zonedInstant({ ...next, h: 0, mi: 0 }, tz).toISOString();
}

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

/** The page asked for, or the nearest one that exists (`clampedFrom` says which was asked). */
export function paginate<T>(list: readonly T[], page: number, size = PAGE_SIZE): Page<T> & { clampedFrom?: number } {
  const pages = Math.max(1, Math.ceil(list.length / size));
  const p = Math.min(Math.max(1, page), pages);
  return { items: list.slice((p - 1) * size, p * size), page: p, pages, total: list.length, ...(p !== page ? { clampedFrom: page } : {}) };
}

// ---- the knelpunten list -----------------------------------------------------------

export const SORTS = ['nieuwste', 'oudste', 'referentie', 'status', 'urgentie', 'opgave', 'bijgewerkt'] as const;
export type Sort = (typeof SORTS)[number];

export interface KnelpuntQuery {
  opgave: string[];
  status: KnelpuntStatus[];
  urgentie: Urgentie[];
  overheden: Overheid[];
  van?: string;
  tot?: string;
  q: string;
  sort: Sort;
  page: number;
}

export function parseKnelpuntQuery(raw: RawQuery, opgaveIds: readonly string[]): { query: KnelpuntQuery; notices: string[] } {
  const notices: string[] = [];
  const f = texts().knelpunten.filters;
  let van = queryDate(raw, 'van', f.from, notices);
  let tot = queryDate(raw, 'tot', f.to, notices);
  if (van && tot && van > tot) {
    notices.push(d().swappedDates);
    [van, tot] = [tot, van];
  }
  const sort = pick(raw, 'sorteer', f.sort, SORTS, notices)[0] ?? 'nieuwste';
  const query: KnelpuntQuery = {
    opgave: pick(raw, 'opgave', f.opgave, opgaveIds, notices),
    status: pick(raw, 'status', f.status, KNELPUNT_STATUSES, notices),
    urgentie: pick(raw, 'urgentie', f.urgentie, URGENTIES, notices),
    overheden: pick(raw, 'overheid', f.overheden, OVERHEDEN, notices),
    ...(van ? { van } : {}),
    ...(tot ? { tot } : {}),
    q: queryText(raw, 'q', notices),
    sort,
    page: queryPage(raw, notices),
  };
  return { query, notices };
}

/** The part of the query the store can do itself (every backend supports these). */
export function storeFilter(q: KnelpuntQuery): KnelpuntFilter {
  return {
    ...(q.van ? { since: dayStart(q.van) } : {}),
    ...(q.status.length > 0 ? { status: q.status } : {}),
    ...(q.opgave.length > 0 ? { opgave: q.opgave } : {}),
  };
}

function searchable(k: KnelpuntRecord): string {
  const toelichtingen = k.history.map((h) => h.toelichting ?? '').join(' ');
  return fold(`${k.ref} ${k.beschrijving} ${k.reporter?.name ?? ''} ${toelichtingen}`);
}

/** The rest of the filter, in memory; keeps the store's order (creation order, like the CLI export). */
export function filterKnelpunten(list: readonly KnelpuntRecord[], q: KnelpuntQuery): KnelpuntRecord[] {
  const until = q.tot ? dayAfter(q.tot) : undefined;
  const since = q.van ? dayStart(q.van) : undefined;
  const needle = q.q ? fold(q.q) : '';
  return list.filter(
    (k) =>
      (q.opgave.length === 0 || q.opgave.includes(k.opgave)) &&
      (q.status.length === 0 || q.status.includes(k.status)) &&
      (q.urgentie.length === 0 || q.urgentie.includes(k.urgentie)) &&
      (q.overheden.length === 0 || k.overheden.some((o) => q.overheden.includes(o))) &&
      (!since || k.createdAt >= since) &&
      (!until || k.createdAt < until) &&
      (!needle || searchable(k).includes(needle)),
  );
}

const STATUS_ORDER = new Map(KNELPUNT_STATUSES.map((s, i) => [s, i]));
const URGENTIE_ORDER = new Map<Urgentie, number>([['hoog', 0], ['middel', 1], ['laag', 2]]);

/** A sorted copy; ties fall back to newest first, so the order is always stable. */
export function sortKnelpunten(list: readonly KnelpuntRecord[], sort: Sort, opgaveLabel: (id: string) => string): KnelpuntRecord[] {
  const labels = new Map<string, string>();
  const label = (id: string): string => {
    let l = labels.get(id);
    if (l === undefined) labels.set(id, (l = opgaveLabel(id)));
    return l;
  };
  const newest = (a: KnelpuntRecord, b: KnelpuntRecord): number => b.createdAt.localeCompare(a.createdAt) || b.ref.localeCompare(a.ref);
  const by: Record<Sort, (a: KnelpuntRecord, b: KnelpuntRecord) => number> = {
    nieuwste: newest,
    oudste: (a, b) => -newest(a, b),
    referentie: (a, b) => a.year - b.year || a.seq - b.seq,
    status: (a, b) => STATUS_ORDER.get(a.status)! - STATUS_ORDER.get(b.status)! || newest(a, b),
    urgentie: (a, b) => URGENTIE_ORDER.get(a.urgentie)! - URGENTIE_ORDER.get(b.urgentie)! || newest(a, b),
    opgave: (a, b) => label(a.opgave).localeCompare(label(b.opgave), 'nl') || newest(a, b),
    bijgewerkt: (a, b) => b.updatedAt.localeCompare(a.updatedAt) || newest(a, b),
  };
  return [...list].sort(by[sort]);
}

/** The query as a query string (for the pager, the sort links and the export), without defaults. */
export function knelpuntQueryString(q: KnelpuntQuery, over: Partial<KnelpuntQuery> = {}): string {
  const v = { ...q, ...over };
  const p = new URLSearchParams();
  for (const o of v.opgave) p.append('opgave', o);
  for (const s of v.status) p.append('status', s);
  for (const u of v.urgentie) p.append('urgentie', u);
  for (const o of v.overheden) p.append('overheid', o);
  if (v.van) p.set('van', v.van);
  if (v.tot) p.set('tot', v.tot);
  if (v.q) p.set('q', v.q);
  if (v.sort !== 'nieuwste') p.set('sorteer', v.sort);
  if (v.page !== 1) p.set('pagina', String(v.page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

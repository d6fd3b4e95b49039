/**
 * Row -> record helpers. Records must have exactly the shape the lowdb store returns:
 * an optional field that is NULL in the database is left out, never `null`.
 */

/** `{ [key]: value }` when the column has a value, else nothing (spread it into a record). */
export function opt<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A timestamptz column as the ISO string lowdb stores (`2026-11-23T10:00:00.000Z`). */
export function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export function isoOpt<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return value === null || value === undefined ? {} : ({ [key]: iso(value) } as { [P in K]?: string });
}

/** JSONB parameters are passed as text: pg would turn a JS array into a PostgreSQL array. */
export function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** `count(*)` is a bigint, which pg returns as a string. */
export function count(rows: { n: string | number }[]): number {
  return Number(rows[0]?.n ?? 0);
}

/**
 * A `since`/`until` bound as an instant. lowdb compares ISO strings, so a date such as
 * `2026-06-01` means midnight UTC there; `new Date` reads it the same way. Anything
 * unparsable is passed on as is (PostgreSQL refuses it with a StoreError).
 */
export function bound(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/**
 * Privacy: one UPDATE that rewrites `by` ($1) to $2, and drops the name kept beside it
 * (`byName`), in every item of a table's `history` jsonb array (order kept), only in rows
 * that have it.
 */
export const forgetActorSql = (table: 'knelpunten' | 'subscriptions'): string => `
  UPDATE ${table} SET history = (
    SELECT jsonb_agg(CASE WHEN h->>'by' = $1 THEN jsonb_set(h, '{by}', to_jsonb($2::text)) - 'byName' ELSE h END ORDER BY i)
    FROM jsonb_array_elements(history) WITH ORDINALITY AS e(h, i))
  WHERE history @> jsonb_build_array(jsonb_build_object('by', $1::text))`;

/**
 * The median of the days from one timestamptz column to another (rows where either is
 * NULL are left out; NULL when none is left). The median is taken over intervals
 * (cheap to compare, exact to the microsecond) and turned into days once: about five
 * times faster than converting every row to a number first.
 */
export const medianDaysSql = (from: string, to: string): string =>
  `(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY ${to} - ${from})) * 1000)::float8 / 86400000`;

/**
 * Counts per bucket of `bounds` (parameter `$1`, an ascending ISO instant array) as a
 * JSON array of `[bucket, count]` (buckets from 1), read back with `bucketCounts`. The
 * range condition lets the column's index skip everything outside the bounds.
 */
export function bucketCountsSql(table: string, column: string): string {
  const b = '$1::timestamptz[]';
  return `(SELECT coalesce(json_agg(json_build_array(w, n)), '[]'::json) FROM (
    SELECT width_bucket(${column}, ${b}) AS w, count(*)::int AS n FROM ${table}
    WHERE ${column} >= (${b})[1] AND ${column} < (${b})[cardinality(${b})] GROUP BY 1) AS buckets)`;
}

export function bucketCounts(json: unknown, bounds: readonly string[]): number[] {
  const counts = new Array<number>(Math.max(0, bounds.length - 1)).fill(0);
  for (const [w, n] of json as [number, number][]) counts[w - 1] = n;
  return counts;
}

/** A float8 column that may be NULL (a median of nothing). */
export const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

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
 * Privacy: one UPDATE that rewrites `by` ($1) to $2 in every item of a table's `history`
 * jsonb array (order kept), only in rows that have it.
 */
export const forgetActorSql = (table: 'knelpunten' | 'subscriptions'): string => `
  UPDATE ${table} SET history = (
    SELECT jsonb_agg(CASE WHEN h->>'by' = $1 THEN jsonb_set(h, '{by}', to_jsonb($2::text)) ELSE h END ORDER BY i)
    FROM jsonb_array_elements(history) WITH ORDINALITY AS e(h, i))
  WHERE history @> jsonb_build_array(jsonb_build_object('by', $1::text))`;

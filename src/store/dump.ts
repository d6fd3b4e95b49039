import { DUMP_TABLES } from './registry.js';

/**
 * Every durable record a store keeps, per table (the lowdb tables of the record kinds):
 * what `ibp-bot store copy` moves between backends. Short-lived state (redelivery keys,
 * rate-limit buckets) is not in it.
 */
export type StoreDump = Record<string, unknown[]>;

/** The tables of a dump, in registry order. */
export const DUMP_KINDS: readonly string[] = DUMP_TABLES;

/** How many records of each table. */
export function dumpCounts(d: StoreDump): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of DUMP_KINDS) out[k] = (d[k] ?? []).length;
  return out;
}

export function isEmptyDump(d: StoreDump): boolean {
  return Object.values(dumpCounts(d)).every((n) => n === 0);
}

/** A store that can be dumped and loaded whole (both backends; not part of the Store interface). */
export interface Dumpable {
  /** Everything, as one consistent snapshot. */
  exportAll(): Promise<StoreDump>;
  /** Loads a dump into an empty store in one atomic step; refuses a store that holds any record. */
  importAll(dump: StoreDump): Promise<void>;
}

import type { Data } from './lowdb/schema.js';

/**
 * Every record a store keeps beyond one process, in one plain object: what
 * `ibp-bot store copy` moves between backends. The shape is the lowdb data file's
 * (the schema in src/store/lowdb/schema.ts checks it), without its version and
 * without the transient records: redelivery dedupe keys and rate-limit buckets.
 */
export type StoreDump = Omit<Data, 'version' | 'dedupe'>;

export const DUMP_KINDS = [
  'feedback', 'gaps', 'conversations', 'knelpunten', 'knelpuntCounters', 'knelpuntSubmissions', 'triageChannels',
  'reflections', 'dialogues', 'subscriptions', 'nudges', 'sessions',
] as const satisfies readonly (keyof StoreDump)[];
export type DumpKind = (typeof DUMP_KINDS)[number];

/** How many records of each kind (list entries, or keys of a map). */
export function dumpCounts(d: StoreDump): Record<DumpKind, number> {
  const out = {} as Record<DumpKind, number>;
  for (const k of DUMP_KINDS) {
    const v = d[k] as unknown;
    out[k] = Array.isArray(v) ? v.length : Object.keys(v as object).length;
  }
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

import type { Db, Query } from './postgres/db.js';

/**
 * A record kind: one repository of the Store, with its lowdb and its PostgreSQL
 * implementation side by side in `src/store/kinds/<kind>/`. The registry
 * (src/store/registry.ts) lists every kind once; from it come the Store's fields, the
 * lowdb tables, what `store copy` moves, the PostgreSQL tables, and the wrappers every
 * repository gets (text guard, metrics). See README "The store" for the recipe.
 */
export interface RecordKind<Name extends string = string, Repo extends object = object> {
  /** The Store field (`store.knelpunten`), and the `repo` label in metrics. */
  readonly name: Name;
  readonly lowdb: LowdbPart<Repo>;
  readonly postgres: PostgresPart<Repo>;
}

/** A lowdb table: records by key, in insertion order, kept in the journal (src/store/lowdb/journal.ts). */
export interface LowdbTableSpec<R = unknown> {
  readonly name: string;
  key(record: R): string;
  /** Checks a record read from disk: a problem (`field: message`), or null. */
  check(record: unknown): string | null;
  /** The records of this table in a version-1 data file (the single-file store), for the one-time conversion. */
  fromV1(v1: Record<string, unknown>): unknown[];
  /** A record written by an older release (checked already), with the fields added since filled in: what the repository and `store copy` see. */
  upgrade?(record: unknown): unknown;
}

export interface LowdbPart<Repo> {
  /** The durable tables this kind owns (none for short-lived state that lives in memory). */
  readonly tables: readonly LowdbTableSpec[];
  repo(db: LowdbDb): Repo;
}

/** One table while a change runs: every `put` and `delete` goes into the journal when the change commits. */
export interface Table<R> {
  get(key: string): R | undefined;
  has(key: string): boolean;
  values(): IterableIterator<R>;
  readonly size: number;
  /** Sets the record under its key (the table's `key`), replacing what was there. */
  put(record: R): void;
  delete(key: string): boolean;
}

/** How a lowdb repository reaches its tables. Records are never changed in place: `put` a new one. */
export interface LowdbDb {
  read<T>(fn: (tables: LowdbTables) => T): Promise<T>;
  /** Runs `fn` (synchronously, so changes never interleave) and resolves once its changes are on disk. */
  mutate<T>(fn: (tables: LowdbTables) => T): Promise<T>;
}

export interface LowdbTables {
  table<R>(name: string): Table<R>;
}

export interface PostgresPart<Repo> {
  /** The SQL tables this kind owns, in an order that satisfies foreign keys when loading. */
  readonly tables: readonly string[];
  repo(db: Db): Repo;
  /** `store copy`: every record, per lowdb table name (the same shape lowdb dumps), in one snapshot transaction. */
  dump?(q: Query): Promise<Record<string, unknown[]>>;
  /** `store copy`: loads records (as `dump` gives them) into the empty tables. */
  load?(q: Query, records: Record<string, unknown[]>): Promise<void>;
}

export function defineKind<const Name extends string, Repo extends object>(kind: RecordKind<Name, Repo>): RecordKind<Name, Repo> {
  return kind;
}

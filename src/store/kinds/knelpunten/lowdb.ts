import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FORGOTTEN_ACTOR, KNELPUNT_STATUSES, knelpuntRef, OVERHEDEN, URGENTIES } from '../../../domain/knelpunt.js';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { platform } from '../../lowdb/schemas.js';
import { knelpuntStats } from '../../stats.js';
import type { KnelpuntRecord, KnelpuntRepo } from './index.js';

/** Submission keys are stored hashed: they may contain platform ids, and anonymous reports must not. */
export function submissionHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}

const status = z.enum(KNELPUNT_STATUSES);
const schema = z.object({
  ref: z.string(),
  year: z.number().int(),
  seq: z.number().int().positive(),
  opgave: z.string(),
  beschrijving: z.string(),
  overheden: z.array(z.enum(OVERHEDEN)),
  urgentie: z.enum(URGENTIES),
  anoniem: z.boolean(),
  reporter: z.object({
    platform,
    userId: z.string(),
    name: z.string().optional(),
    aadObjectId: z.string().optional(),
    conversationKey: z.string().optional(),
  }).optional(),
  platform,
  status,
  history: z.array(z.object({ at: z.string(), by: z.string(), byName: z.string().optional(), from: status, to: status, toelichting: z.string().optional() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The last reference number handed out in a year. */
interface Counter { year: number; seq: number }
/** A submission already stored: its (hashed) key and the knelpunt it made. */
interface Submission { key: string; ref: string }

export const KNELPUNT_TABLES: readonly LowdbTableSpec[] = [
  { name: 'knelpunten', key: (r) => (r as KnelpuntRecord).ref, check: checkWith(schema), fromV1: (v1) => v1List(v1, 'knelpunten') } satisfies LowdbTableSpec,
  {
    name: 'knelpuntCounters',
    key: (r) => String((r as Counter).year),
    check: checkWith(z.object({ year: z.number().int(), seq: z.number().int().nonnegative() })),
    fromV1: (v1) => Object.entries((v1.knelpuntCounters ?? {}) as Record<string, number>).map(([year, seq]) => ({ year: Number(year), seq })),
  },
  {
    name: 'knelpuntSubmissions',
    key: (r) => (r as Submission).key,
    check: checkWith(z.object({ key: z.string(), ref: z.string() })),
    fromV1: (v1) => Object.entries((v1.knelpuntSubmissions ?? {}) as Record<string, string>).map(([key, ref]) => ({ key, ref })),
  },
];

/**
 * A deep copy written out by hand: about ten times faster than structuredClone, which
 * matters when the dashboard reads 10,000 knelpunten. Every nested array and object of
 * KnelpuntRecord is copied here; a new nested field must be added too.
 */
const copy = (k: KnelpuntRecord): KnelpuntRecord => ({
  ...k,
  overheden: [...k.overheden],
  ...(k.reporter ? { reporter: { ...k.reporter } } : {}),
  history: k.history.map((h) => ({ ...h })),
});

const knelpunten = (t: LowdbTables): Table<KnelpuntRecord> => t.table<KnelpuntRecord>('knelpunten');

export function lowdbKnelpunten(db: LowdbDb): KnelpuntRepo {
  return {
    // One synchronous step inside `mutate`: counter, record and submission key are journalled together.
    create: (input, submissionKey, now) =>
      db.mutate((t) => {
        const key = submissionHash(submissionKey);
        const seen = t.table<Submission>('knelpuntSubmissions').get(key);
        const prior = seen ? knelpunten(t).get(seen.ref) : undefined;
        if (prior) return { knelpunt: copy(prior), created: false };
        const year = now.getUTCFullYear();
        const counters = t.table<Counter>('knelpuntCounters');
        const seq = (counters.get(String(year))?.seq ?? 0) + 1;
        const at = now.toISOString();
        const rec: KnelpuntRecord = {
          ...structuredClone(input), ref: knelpuntRef(year, seq), year, seq, status: 'nieuw', history: [], createdAt: at, updatedAt: at,
        };
        if (rec.anoniem) delete rec.reporter;
        counters.put({ year, seq });
        knelpunten(t).put(rec);
        t.table<Submission>('knelpuntSubmissions').put({ key, ref: rec.ref });
        return { knelpunt: copy(rec), created: true };
      }),
    get: (ref) => db.read((t) => {
      const k = knelpunten(t).get(ref);
      return k ? copy(k) : undefined;
    }),
    list: (filter) =>
      db.read((t) => {
        const out: KnelpuntRecord[] = [];
        for (const k of knelpunten(t).values()) {
          if ((!filter?.since || k.createdAt >= filter.since)
            && (!filter?.status || filter.status.includes(k.status))
            && (!filter?.opgave || filter.opgave.includes(k.opgave))
            && (!filter?.reporter || (k.reporter?.platform === filter.reporter.platform && k.reporter.userId === filter.reporter.userId))) {
            out.push(copy(k));
          }
        }
        return out;
      }),
    changeStatus: (ref, change) =>
      db.mutate((t) => {
        const k = knelpunten(t).get(ref);
        if (!k || k.status !== change.from) return { knelpunt: k ? copy(k) : undefined, changed: false };
        const next: KnelpuntRecord = { ...k, status: change.to, updatedAt: change.at, history: [...k.history, { ...change }] };
        knelpunten(t).put(next);
        return { knelpunt: copy(next), changed: true };
      }),
    forgetReporter: (platformName, userId) =>
      db.mutate((t) => {
        let n = 0;
        for (const k of [...knelpunten(t).values()]) {
          if (k.reporter?.platform !== platformName || k.reporter.userId !== userId) continue;
          const { reporter: _gone, ...rest } = k;
          knelpunten(t).put(rest);
          n++;
        }
        return n;
      }),
    forgetActor: (by) => db.mutate((t) => forgetActorIn(knelpunten(t), by)),
    count: () => db.read((t) => knelpunten(t).size),
    // One pass over the records in memory, without copying them: only the few oldest are copied.
    stats: (bounds, oldest) =>
      db.read((t) => {
        const s = knelpuntStats([...knelpunten(t).values()], bounds, oldest);
        return { ...s, oldestOpen: s.oldestOpen.map(copy) };
      }),
  };
}

/** Privacy: `by` becomes FORGOTTEN_ACTOR in every history item it made, and its name goes; returns how many records changed. */
export function forgetActorIn<R extends { history: { by: string; byName?: string }[] }>(table: Table<R>, by: string): number {
  let n = 0;
  for (const r of [...table.values()]) {
    if (!r.history.some((h) => h.by === by)) continue;
    const forget = (h: R['history'][number]): R['history'][number] => {
      const { byName: _name, ...rest } = h;
      return { ...rest, by: FORGOTTEN_ACTOR };
    };
    table.put({ ...r, history: r.history.map((h) => (h.by === by ? forget(h) : h)) });
    n++;
  }
  return n;
}

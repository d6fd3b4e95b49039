import { createHash } from 'node:crypto';
import { knelpuntStats } from '../stats.js';
import { FORGOTTEN_ACTOR, type KnelpuntRecord, type KnelpuntRepo, type TriageChannelRepo } from '../types.js';
import type { Data } from './schema.js';

/** How a lowdb repository reaches the data: reads, and changes that resolve once on disk. */
export interface LowdbAccess {
  read<T>(fn: (d: Data) => T): Promise<T>;
  mutate<T>(fn: (d: Data) => T): Promise<T>;
}

/** `KP-2026-0007`. Four digits, more when a year has over 9,999. */
export function knelpuntRef(year: number, seq: number): string {
  return `KP-${year}-${String(seq).padStart(4, '0')}`;
}

/** Submission keys are stored hashed: they may contain platform ids, and anonymous reports must not. */
export function submissionHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}

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

export function lowdbKnelpunten(db: LowdbAccess): KnelpuntRepo {
  return {
    // One synchronous step inside `mutate`: counter, record and submission key change
    // together, and a failed flush rolls all three back (the store reloads from disk).
    create: (input, submissionKey, now) =>
      db.mutate((d) => {
        const key = submissionHash(submissionKey);
        const existing = d.knelpuntSubmissions[key];
        const prior = existing ? d.knelpunten.find((k) => k.ref === existing) : undefined;
        if (prior) return { knelpunt: copy(prior), created: false };
        const year = now.getUTCFullYear();
        const seq = (d.knelpuntCounters[String(year)] ?? 0) + 1;
        const at = now.toISOString();
        const rec: KnelpuntRecord = {
          ...structuredClone(input),
          ref: knelpuntRef(year, seq),
          year,
          seq,
          status: 'nieuw',
          history: [],
          createdAt: at,
          updatedAt: at,
        };
        if (rec.anoniem) delete rec.reporter;
        d.knelpuntCounters[String(year)] = seq;
        d.knelpunten.push(rec);
        d.knelpuntSubmissions[key] = rec.ref;
        return { knelpunt: copy(rec), created: true };
      }),
    get: (ref) => db.read((d) => {
      const k = d.knelpunten.find((x) => x.ref === ref);
      return k ? copy(k) : undefined;
    }),
    list: (filter) =>
      db.read((d) =>
        d.knelpunten
          .filter(
            (k) =>
              (!filter?.since || k.createdAt >= filter.since) &&
              (!filter?.status || filter.status.includes(k.status)) &&
              (!filter?.opgave || filter.opgave.includes(k.opgave)) &&
              (!filter?.reporter ||
                (k.reporter?.platform === filter.reporter.platform && k.reporter.userId === filter.reporter.userId)),
          )
          .map(copy),
      ),
    changeStatus: (ref, change) =>
      db.mutate((d) => {
        const k = d.knelpunten.find((x) => x.ref === ref);
        if (!k || k.status !== change.from) return { knelpunt: k ? copy(k) : undefined, changed: false };
        k.status = change.to;
        k.updatedAt = change.at;
        k.history.push({ ...change });
        return { knelpunt: copy(k), changed: true };
      }),
    forgetReporter: (platform, userId) =>
      db.mutate((d) => {
        let n = 0;
        for (const k of d.knelpunten) {
          if (k.reporter?.platform === platform && k.reporter.userId === userId) {
            delete k.reporter;
            n++;
          }
        }
        return n;
      }),
    forgetActor: (by) => db.mutate((d) => forgetActorIn(d.knelpunten, by)),
    count: () => db.read((d) => d.knelpunten.length),
    // One pass over the records in memory, without copying them: only the few oldest are copied.
    stats: (bounds, oldest) =>
      db.read((d) => {
        const s = knelpuntStats(d.knelpunten, bounds, oldest);
        return { ...s, oldestOpen: s.oldestOpen.map(copy) };
      }),
  };
}

/** Privacy: `by` becomes FORGOTTEN_ACTOR in every history item it made; returns how many records changed. */
export function forgetActorIn(records: readonly { history: { by: string }[] }[], by: string): number {
  let n = 0;
  for (const r of records) {
    if (!r.history.some((h) => h.by === by)) continue;
    for (const h of r.history) if (h.by === by) h.by = FORGOTTEN_ACTOR;
    n++;
  }
  return n;
}

export function lowdbTriageChannels(db: LowdbAccess): TriageChannelRepo {
  return {
    add: (key, by, now) =>
      db.mutate((d) => {
        if (!d.triageChannels.some((c) => c.key === key)) d.triageChannels.push({ key, by, at: now.toISOString() });
      }),
    remove: (key) =>
      db.mutate((d) => {
        d.triageChannels = d.triageChannels.filter((c) => c.key !== key);
      }),
    list: () => db.read((d) => d.triageChannels.map((c) => c.key)),
  };
}

import { randomUUID } from 'node:crypto';
import {
  type DialogueRepo, type NudgeRecord, type NudgeRepo, type NudgeStatus, type NudgeSubscription, type ReflectionRecord, type ReflectionRepo,
  type SubscriptionRepo,
} from '../types.js';
import { reflectionStats } from '../stats.js';
import { forgetActorIn, type LowdbAccess } from './knelpunten.js';

/**
 * Reflectie repositories on lowdb. Every change is one synchronous step inside
 * `mutate`, so it is atomic (a failed flush rolls it back) and never interleaves.
 */

const nudgeKey = (subscriptionId: string, slot: string): string => `${subscriptionId}|${slot}`;
/** Finished nudges older than this are pruned; claim-once stays guaranteed by `nextSlotAt` only moving forward. */
export const NUDGE_RETENTION_MS = 180 * 86_400_000;
const FINAL = new Set<NudgeStatus>(['sent', 'failed', 'gone', 'unconfirmed', 'skipped-holiday', 'skipped-late', 'skipped-empty', 'skipped-inactive']);

export function lowdbReflections(db: LowdbAccess): ReflectionRepo {
  return {
    add: (rec) =>
      db.mutate((d) => {
        const full: ReflectionRecord = { id: randomUUID(), ...structuredClone(rec) };
        if (full.anonymous) {
          delete full.authorName;
          delete full.authorKey;
        }
        d.reflections.push(full);
        return structuredClone(full);
      }),
    list: (f) =>
      db.read((d) =>
        d.reflections
          .filter((r) => (!f?.channelKey || r.channelKey === f.channelKey) && (!f?.since || r.createdAt >= f.since) && (!f?.until || r.createdAt < f.until)
            && (!f?.authorKey || r.authorKey === f.authorKey))
          .map((r) => ({ ...r })), // flat records: a shallow copy is a full copy
      ),
    forgetAuthor: (authorKey) =>
      db.mutate((d) => {
        let n = 0;
        for (const r of d.reflections) {
          if (r.authorKey !== authorKey) continue;
          r.anonymous = true;
          delete r.authorName;
          delete r.authorKey;
          n++;
        }
        return n;
      }),
    count: () => db.read((d) => d.reflections.length),
    stats: (bounds) => db.read((d) => reflectionStats(d.reflections, bounds)),
  };
}

export function lowdbDialogues(db: LowdbAccess): DialogueRepo {
  const live = (exp: string, now: Date): boolean => exp > now.toISOString();
  return {
    get: (key, now) =>
      db.read((d) => {
        const r = d.dialogues[key];
        return r && live(r.expiresAt, now) ? structuredClone(r) : undefined;
      }),
    put: (rec) =>
      db.mutate((d) => {
        d.dialogues[rec.key] = structuredClone(rec);
      }),
    take: (key, now) =>
      db.mutate((d) => {
        const r = d.dialogues[key];
        delete d.dialogues[key];
        return r && live(r.expiresAt, now) ? r : undefined;
      }),
    remove: (key) =>
      db.mutate((d) => {
        const had = key in d.dialogues;
        delete d.dialogues[key];
        return had;
      }),
    prune: (now) =>
      db.mutate((d) => {
        let n = 0;
        for (const [k, r] of Object.entries(d.dialogues)) {
          if (!live(r.expiresAt, now)) {
            delete d.dialogues[k];
            n++;
          }
        }
        return n;
      }),
  };
}

export function lowdbSubscriptions(db: LowdbAccess): SubscriptionRepo {
  return {
    create: (sub) =>
      db.mutate((d) => {
        d.subscriptions.push(structuredClone(sub));
        return structuredClone(sub);
      }),
    get: (id) => db.read((d) => {
      const s = d.subscriptions.find((x) => x.id === id);
      return s ? structuredClone(s) : undefined;
    }),
    list: (f) =>
      db.read((d) =>
        d.subscriptions
          .filter((s) => (!f?.channelKey || s.channelKey === f.channelKey) && (!f?.status || f.status.includes(s.status)) && (!f?.kind || s.kind === f.kind))
          .map((s) => structuredClone(s)),
      ),
    listDue: (now) =>
      db.read((d) => {
        const t = now.toISOString();
        // JSON round trip: plain data, and much faster than structuredClone for thousands of records
        return JSON.parse(JSON.stringify(d.subscriptions.filter((s) => s.status === 'active' && s.nextSlotAt <= t))) as NudgeSubscription[];
      }),
    update: (id, patch, change) =>
      db.mutate((d) => {
        const s = d.subscriptions.find((x) => x.id === id);
        if (!s) return undefined;
        const { clearPause, ...fields } = patch;
        if (clearPause) {
          delete s.pausedUntil;
          delete s.pausedReason;
        }
        Object.assign(s, structuredClone(fields));
        s.updatedAt = change.at;
        s.history.push({ ...change });
        return structuredClone(s);
      }),
    forgetActor: (by) => db.mutate((d) => forgetActorIn(d.subscriptions, by)),
  };
}

export function lowdbNudges(db: LowdbAccess): NudgeRepo {
  const setLast = (s: NudgeSubscription | undefined, n: NudgeRecord): void => {
    if (s) s.lastResult = { slot: n.slot, status: n.status, at: n.updatedAt, ...(n.detail ? { detail: n.detail } : {}) };
  };
  return {
    claim: (claims, now) =>
      db.mutate((d) => {
        const at = now.toISOString();
        const subs = new Map(d.subscriptions.map((s) => [s.id, s]));
        const created: NudgeRecord[] = [];
        for (const c of claims) {
          const s = subs.get(c.subscriptionId);
          // compare-and-set: only from the state the claim was computed from, only forward
          if (!s || s.status !== 'active' || s.nextSlotAt !== c.expectedNextSlotAt || c.nextSlotAt <= s.nextSlotAt) continue;
          s.nextSlotAt = c.nextSlotAt;
          if (c.questionCursor !== undefined) s.questionCursor = c.questionCursor;
          for (const slot of c.slots) {
            const key = nudgeKey(s.id, slot.slot);
            if (d.nudges[key]) continue; // claimed once, ever
            const rec: NudgeRecord = {
              subscriptionId: s.id, slot: slot.slot, kind: s.kind, channelKey: s.channelKey, status: slot.status,
              ...(slot.questionId ? { questionId: slot.questionId } : {}),
              ...(slot.detail ? { detail: slot.detail } : {}),
              claimedAt: at, updatedAt: at,
            };
            d.nudges[key] = rec;
            if (rec.status !== 'queued') setLast(s, rec);
            if (rec.questionId) s.lastQuestionId = rec.questionId;
            created.push(structuredClone(rec));
          }
        }
        // Keep the file from growing without bound.
        const cutoff = new Date(now.getTime() - NUDGE_RETENTION_MS).toISOString();
        for (const [k, n] of Object.entries(d.nudges)) if (FINAL.has(n.status) && n.updatedAt < cutoff) delete d.nudges[k];
        return created;
      }),
    listQueued: () =>
      db.read((d) =>
        Object.values(d.nudges)
          .filter((n) => n.status === 'queued')
          .sort((a, b) => a.slot.localeCompare(b.slot))
          .map((n) => structuredClone(n)),
      ),
    startSending: (keys, now) =>
      db.mutate((d) =>
        keys.map((k) => {
          const n = d.nudges[nudgeKey(k.subscriptionId, k.slot)];
          if (!n || n.status !== 'queued') return false;
          n.status = 'sending';
          n.updatedAt = now.toISOString();
          return true;
        }),
      ),
    finish: (results, now) =>
      db.mutate((d) => {
        const subs = new Map(d.subscriptions.map((s) => [s.id, s]));
        for (const r of results) {
          const n = d.nudges[nudgeKey(r.subscriptionId, r.slot)];
          if (!n) continue;
          n.status = r.status;
          n.updatedAt = now.toISOString();
          if (r.detail) n.detail = r.detail;
          else delete n.detail;
          setLast(subs.get(r.subscriptionId), n);
        }
      }),
    markUnconfirmed: (now, olderThanMs = 0) =>
      db.mutate((d) => {
        const out: NudgeRecord[] = [];
        const subs = new Map(d.subscriptions.map((s) => [s.id, s]));
        const before = now.getTime() - olderThanMs;
        for (const n of Object.values(d.nudges)) {
          if (n.status !== 'sending' || Date.parse(n.updatedAt) > before) continue;
          n.status = 'unconfirmed';
          n.updatedAt = now.toISOString();
          n.detail = 'was being sent when the server stopped; not sent again';
          setLast(subs.get(n.subscriptionId), n);
          out.push(structuredClone(n));
        }
        return out;
      }),
    get: (subscriptionId, slot) => db.read((d) => {
      const n = d.nudges[nudgeKey(subscriptionId, slot)];
      return n ? structuredClone(n) : undefined;
    }),
    list: (f) =>
      db.read((d) =>
        Object.values(d.nudges)
          .filter((n) => (!f?.subscriptionId || n.subscriptionId === f.subscriptionId) && (!f?.status || f.status.includes(n.status)))
          .sort((a, b) => a.slot.localeCompare(b.slot) || a.subscriptionId.localeCompare(b.subscriptionId))
          .map((n) => structuredClone(n)),
      ),
  };
}

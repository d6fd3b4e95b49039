import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * What the lowdb lock file says, and the pure rules that decide what a starting process
 * may conclude from it. The file system side (create, refresh, take over) is in lock.ts.
 */

/** Default lease: a lock not refreshed for this long may be taken over (DATA_LOCK_LEASE_MS). */
export const DEFAULT_LOCK_LEASE_MS = 60_000;

/**
 * The holder refreshes six times per lease (every 10 s by default), so a refresh or two
 * may be late (a slow disk, a long GC pause) without anyone taking the lock over.
 */
const REFRESHES_PER_LEASE = 6;

export interface LockTimings {
  leaseMs: number;
  /** How often the holder rewrites `refreshedAt`. */
  refreshMs: number;
  /** The holder writes data only while its last good refresh is younger than this. */
  writableMs: number;
  /** How often a waiting starter reads the lock file again. */
  pollMs: number;
}

export function lockTimings(leaseMs: number): LockTimings {
  return {
    leaseMs,
    refreshMs: Math.max(1, Math.floor(leaseMs / REFRESHES_PER_LEASE)),
    // Half the lease: a data write that starts just before this limit still has half a
    // lease to finish before a waiting starter can possibly take over.
    writableMs: Math.floor(leaseMs / 2),
    pollMs: Math.min(1000, Math.max(10, Math.floor(leaseMs / 20))),
  };
}

/** Which process this is, in the terms a lock file records. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** `pid:[4026531836]`: pids are only comparable inside one PID namespace. Null without /proc. */
  pidNs: string | null;
  /** The kernel's boot id: pids are only comparable on one running kernel. Null without /proc. */
  bootId: string | null;
}

export function currentIdentity(): ProcessIdentity {
  return { pid: process.pid, host: hostname(), pidNs: readOr(() => readlinkSync('/proc/self/ns/pid')), bootId: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()) };
}

function readOr(read: () => string): string | null {
  try {
    return read() || null;
  } catch {
    return null;
  }
}

/**
 * The lock file. Locks written before leases existed have only pid, host and since
 * (`instance` absent): they are judged as they were then, by pid and host alone.
 */
export interface LockRecord {
  pid: number;
  host: string;
  pidNs?: string;
  bootId?: string;
  /** Random per opened store: tells this holder from a later process with the same pid. */
  instance?: string;
  since: string;
  refreshedAt?: string;
  /** The holder's lease: a starter waits at least this long, whatever its own setting. */
  leaseMs?: number;
}

export function newLockRecord(me: ProcessIdentity, instance: string, leaseMs: number, now: Date): LockRecord {
  const at = now.toISOString();
  return {
    pid: me.pid,
    host: me.host,
    ...(me.pidNs ? { pidNs: me.pidNs } : {}),
    ...(me.bootId ? { bootId: me.bootId } : {}),
    instance,
    since: at,
    refreshedAt: at,
    leaseMs,
  };
}

/** The smallest size of the file: refreshes rewrite it in place, and the same length leaves no tail of older text. */
const LOCK_BYTES = 512;

export function encodeLock(rec: LockRecord): Buffer {
  const json = JSON.stringify(rec);
  return Buffer.from(`${json.padEnd(LOCK_BYTES - 1, ' ')}\n`, 'utf8');
}

/** The record, or null when the text is no lock we understand (half written, damaged). */
export function parseLock(text: string): LockRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.pid !== 'number' || !Number.isInteger(r.pid)) return null;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const pidNs = str(r.pidNs);
  const bootId = str(r.bootId);
  const instance = str(r.instance);
  const refreshedAt = str(r.refreshedAt);
  const leaseMs = typeof r.leaseMs === 'number' && r.leaseMs > 0 ? r.leaseMs : undefined;
  return {
    pid: r.pid,
    host: typeof r.host === 'string' ? r.host : '',
    since: str(r.since) ?? '?',
    ...(pidNs ? { pidNs } : {}),
    ...(bootId ? { bootId } : {}),
    ...(instance ? { instance } : {}),
    ...(refreshedAt ? { refreshedAt } : {}),
    ...(leaseMs ? { leaseMs } : {}),
  };
}

/** A starter waits the longer of its own lease and the holder's. */
export function effectiveLease(rec: LockRecord | null, ownLeaseMs: number): number {
  return Math.max(ownLeaseMs, rec?.leaseMs ?? 0);
}

/**
 * What a starter may conclude from a lock at first sight:
 * - `dead`: the holder provably no longer runs: take over now;
 * - `live`: the holder provably runs: refuse now;
 * - `unsure`: cannot be checked from here (another host, another PID namespace, a
 *   reused pid): watch the file for a lease.
 */
export type LockVerdict = { kind: 'dead' | 'live' | 'unsure'; reason: string };

export interface LockProbe {
  /** Instances this process holds itself (a second store on the same DATA_DIR). */
  heldHere(instance: string): boolean;
  alive(pid: number): boolean;
  nowMs: number;
  leaseMs: number;
}

export function judgeLock(rec: LockRecord | null, me: ProcessIdentity, probe: LockProbe): LockVerdict {
  if (!rec) return { kind: 'unsure', reason: 'the lock file does not hold a readable lock (being written, or damaged)' };
  if (rec.instance && probe.heldHere(rec.instance)) {
    return { kind: 'live', reason: 'that is this very process, which refuses a second store on the same DATA_DIR' };
  }
  const legacy = rec.instance === undefined;
  // A field the writer could not read is not compared: an older lock (or one written
  // without /proc) is judged by host and pid alone, as before leases existed.
  const samePidSpace = rec.host === me.host && sameIfKnown(rec.bootId, me.bootId) && sameIfKnown(rec.pidNs, me.pidNs);
  if (!samePidSpace) {
    if (legacy) {
      return {
        kind: 'live',
        reason: 'the lock was written by an older ibp-bot on another host, which does not refresh it, so this process cannot tell whether it still runs; if it is gone, delete the lock file',
      };
    }
    return {
      kind: 'unsure',
      reason: rec.host === me.host
        ? 'it was written in another PID namespace (another container, or this one before a restart), where its pid cannot be checked'
        : 'it was written on another host, where its pid cannot be checked',
    };
  }
  // Same kernel, same PID namespace: the pid means the same here as there.
  if (rec.pid === me.pid) return { kind: 'dead', reason: `it names pid ${rec.pid}, this process's own pid: it was left by an earlier run` };
  if (!probe.alive(rec.pid)) return { kind: 'dead', reason: `process ${rec.pid} is not running` };
  if (legacy) return { kind: 'live', reason: `process ${rec.pid} is running` };
  // One kernel, one clock: the holder's refreshedAt can be compared with ours here.
  const age = rec.refreshedAt ? probe.nowMs - Date.parse(rec.refreshedAt) : Number.NaN;
  if (age < effectiveLease(rec, probe.leaseMs)) {
    return { kind: 'live', reason: `process ${rec.pid} is running and refreshed its lock ${seconds(Math.max(0, age))} ago` };
  }
  return { kind: 'unsure', reason: `process ${rec.pid} is running but has not refreshed the lock for ${Number.isNaN(age) ? 'an unknown time' : seconds(age)} (its pid may belong to another program now)` };
}

function sameIfKnown(theirs: string | undefined, mine: string | null): boolean {
  return theirs === undefined || theirs === mine;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** How a lock names its holder in messages: `pid 1 on host pod-a (PID namespace pid:[…]), since …`. */
export function describeHolder(rec: LockRecord): string {
  return `pid ${rec.pid} on ${rec.host || '(unknown host)'}${rec.pidNs ? `, PID namespace ${rec.pidNs}` : ''}, since ${rec.since}`;
}

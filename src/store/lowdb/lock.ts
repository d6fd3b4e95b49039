import { createHash, randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { StoreError, StoreUnusableError } from '../types.js';
import {
  currentIdentity,
  DEFAULT_LOCK_LEASE_MS,
  describeHolder,
  effectiveLease,
  encodeLock,
  judgeLock,
  lockTimings,
  newLockRecord,
  parseLock,
  seconds,
  type LockRecord,
  type LockTimings,
} from './lock-record.js';

/**
 * One writing process per data file, as a lease.
 *
 * The holder keeps the lock file open and rewrites `refreshedAt` in place every
 * lease/6. A starter that finds a lock it can prove dead (same host, same kernel, same
 * PID namespace, pid not running) takes it over at once; one it can prove alive (the
 * same, pid running, refreshed within the lease) is refused at once. Anything else (a
 * lock from another host or another PID namespace, as after a container restart) is
 * watched: refreshed -> refuse; unchanged for a whole lease, measured on the starter's
 * own clock from its first read -> take over. Clocks of other hosts are never trusted.
 *
 * Taking over: the starters that judged the same stale lock first claim it (a claim
 * file named after that lock's text, created with `wx`: one wins). The winner moves the
 * stale file aside with rename and checks that what it moved is what it watched (a
 * holder that refreshed at the last moment gets its file back); then every starter
 * races to create the new lock with `wx`, and exactly one holds it.
 *
 * A holder that finds its file replaced has lost the lock: its writes fail with
 * StoreError from then on (see HeldLock). Rewriting in place, through the handle of its
 * own file, means a late holder never overwrites the lock of the process that took over.
 */

/** What the store is told: pino's logger fits. */
export interface LockLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LockOptions {
  /** DATA_LOCK_LEASE_MS; tests of this module pass a short one. */
  leaseMs?: number;
  log?: LockLog;
}

export interface HeldLock {
  /**
   * Resolves when this process may write the data file now; rejects with StoreError when
   * it lost the lock, or could not refresh it for half a lease (then writes resume once a
   * refresh succeeds).
   */
  ensureWritable(): Promise<void>;
  /** Null while the lock is held and fresh; else why writing is not safe. */
  problem(): string | null;
  release(): Promise<void>;
}

/** Instances held by this process: a second store on the same DATA_DIR is refused at once. */
const heldHere = new Set<string>();

const silent: LockLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function acquireLock(lockFile: string, dataFile: string, opts: LockOptions = {}): Promise<HeldLock> {
  const instance = randomUUID();
  // Known before the file exists: another store of this process that reads the new
  // file must not take it for a lock left by an earlier run with the same pid.
  heldHere.add(instance);
  try {
    return await acquire(lockFile, dataFile, instance, opts);
  } catch (e) {
    heldHere.delete(instance);
    throw e;
  }
}

async function acquire(lockFile: string, dataFile: string, instance: string, opts: LockOptions): Promise<HeldLock> {
  const timings = lockTimings(opts.leaseMs ?? DEFAULT_LOCK_LEASE_MS);
  const log = opts.log ?? silent;
  const me = currentIdentity();
  const mine = newLockRecord(me, instance, timings.leaseMs, new Date());
  const refuse = (rec: LockRecord, why: string): StoreUnusableError =>
    new StoreUnusableError(
      `Another ibp-bot process (${describeHolder(rec)}) is using ${dataFile}: ${why}. ` +
        `Stop it first, or give this process its own DATA_DIR. (Lock file: ${lockFile})`,
    );

  for (let attempt = 0; attempt < 5; attempt++) {
    const writing = performance.now();
    const created = await createLock(lockFile, mine);
    if (created) return new Lease(lockFile, dataFile, created, mine, timings, log, writing);
    const text = await readLockText(lockFile);
    if (text === null) continue; // released just now: create it again
    const rec = parseLock(text);
    const verdict = judgeLock(rec, me, { heldHere: (i) => heldHere.has(i), alive, nowMs: Date.now(), leaseMs: timings.leaseMs });
    if (verdict.kind === 'live') throw refuse(rec!, verdict.reason);
    if (verdict.kind === 'unsure') {
      const leaseMs = effectiveLease(rec, timings.leaseMs);
      log.warn(
        { lockFile, holder: rec ?? undefined, leaseMs },
        `lowdb lock ${lockFile} is held${rec ? ` by ${describeHolder(rec)}` : ''}, but ${verdict.reason}. ` +
          `Waiting up to ${seconds(leaseMs)}: if it is refreshed, another bot is alive and this one refuses to start; if not, this one takes it over.`,
      );
      const seen = await watch(lockFile, text, leaseMs, timings.pollMs);
      if (seen.kind === 'gone') continue;
      if (seen.kind === 'changed') {
        throw refuse(parseLock(seen.text) ?? rec ?? mine, `it refreshed its lock while this process waited (within the last ${seconds(timings.pollMs)})`);
      }
    }
    const leaseMs = effectiveLease(rec, timings.leaseMs);
    const why = verdict.kind === 'dead' ? verdict.reason : `it was not refreshed for ${seconds(leaseMs)} while this process watched it`;
    log.warn({ lockFile, holder: rec ?? undefined }, `taking over the lowdb lock ${lockFile}: ${why}`);
    const claim = `${lockFile}.takeover-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    const outcome = await takeOver(lockFile, text, claim, `${lockFile}.stale-${mine.instance}`);
    if (outcome === 'removed') continue;
    if (outcome === 'busy') {
      // Another starter claimed this very lock: let it finish. A claim that stays for a
      // whole lease while the lock does not change was left by a starter that died.
      const seen = await watch(lockFile, text, leaseMs, timings.pollMs);
      if (seen.kind === 'gone') continue;
      if (seen.kind === 'expired') {
        await unlink(claim).catch(() => undefined);
        continue;
      }
    }
    // The lock is not the one judged any more: its holder refreshed it, or another starter took it over, just now.
    const now = await readLockText(lockFile);
    throw refuse((now ? parseLock(now) : null) ?? rec ?? mine, 'it took or refreshed the lock just as this process was about to take it over');
  }
  throw new StoreUnusableError(`Cannot take the lock ${lockFile}: other processes keep creating and removing it.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file if there is none (`wx`: atomic); null when one exists. */
async function createLock(lockFile: string, rec: LockRecord): Promise<FileHandle | null> {
  let fh: FileHandle;
  try {
    fh = await open(lockFile, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw new StoreUnusableError(`Cannot create lock file ${lockFile}: ${(e as Error).message}`, { cause: e });
  }
  try {
    await writeInPlace(fh, rec);
    return fh;
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(lockFile).catch(() => undefined);
    throw new StoreUnusableError(`Cannot write lock file ${lockFile}: ${(e as Error).message}`, { cause: e });
  }
}

/** Same length every time (see encodeLock), synced so that other hosts on a shared volume see it. */
async function writeInPlace(fh: FileHandle, rec: LockRecord): Promise<void> {
  const buf = encodeLock(rec);
  await fh.write(buf, 0, buf.length, 0);
  await fh.truncate(buf.length);
  await fh.datasync();
}

async function readLockText(lockFile: string): Promise<string | null> {
  try {
    return await readFile(lockFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreUnusableError(`Cannot read lock file ${lockFile}: ${(e as Error).message}`, { cause: e });
  }
}

type Seen = { kind: 'gone' } | { kind: 'changed'; text: string } | { kind: 'expired' };

/** Reads the lock again and again until it changes, disappears, or a lease has passed on this process's clock. */
async function watch(lockFile: string, first: string, leaseMs: number, pollMs: number): Promise<Seen> {
  const started = performance.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, pollMs));
    const text = await readLockText(lockFile);
    if (text === null) return { kind: 'gone' };
    if (text !== first) return { kind: 'changed', text };
    if (performance.now() - started >= leaseMs) return { kind: 'expired' };
  }
}

/**
 * Removes the stale lock `judged`, once claimed: `removed` (or it was gone already),
 * `not-stale` (it changed: left in place), or `busy` (another starter claimed it).
 */
async function takeOver(lockFile: string, judged: string, claim: string, aside: string): Promise<'removed' | 'not-stale' | 'busy'> {
  try {
    await (await open(claim, 'wx', 0o600)).close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return 'busy';
    throw new StoreUnusableError(`Cannot create ${claim} to take over the stale lock: ${(e as Error).message}`, { cause: e });
  }
  try {
    const now = await readLockText(lockFile);
    if (now === null) return 'removed';
    if (now !== judged) return 'not-stale';
    return await moveAside(lockFile, judged, aside);
  } finally {
    // Claims are per lock text: once this one is gone or changed, a late starter's claim finds it changed.
    await unlink(claim).catch(() => undefined);
  }
}

/**
 * Moves the lock aside and checks that the moved file is the stale one. If its holder
 * rewrote it in place between our read and the rename, it is put back.
 */
async function moveAside(lockFile: string, judged: string, aside: string): Promise<'removed' | 'not-stale'> {
  try {
    await rename(lockFile, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'removed';
    throw new StoreUnusableError(`Cannot move the stale lock file ${lockFile} aside: ${(e as Error).message}`, { cause: e });
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved === judged) {
    await unlink(aside).catch(() => undefined);
    return 'removed';
  }
  await putBack(aside, lockFile);
  return 'not-stale';
}

async function putBack(aside: string, lockFile: string): Promise<void> {
  try {
    // link fails when a new lock appeared meanwhile: that one wins, and the moved
    // holder finds its file gone at its next refresh and stops writing.
    await link(aside, lockFile);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && !(await exists(lockFile))) {
      // No hard links on this volume: put it back by name.
      await rename(aside, lockFile).catch(() => undefined);
      return;
    }
  }
  await unlink(aside).catch(() => undefined);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** The lock while this process holds it: refreshed on a timer, checked before every write. */
class Lease implements HeldLock {
  private lost: string | null = null;
  private released = false;
  private refreshing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private ino = -1;
  private dev = -1;
  private readonly ready: Promise<void>;

  constructor(
    private readonly lockFile: string,
    private readonly dataFile: string,
    private fh: FileHandle,
    private readonly rec: LockRecord,
    private readonly timings: LockTimings,
    private readonly log: LockLog,
    /** performance.now() when the last refresh that reached our own file started (first: the creation). */
    private lastGood: number,
  ) {
    this.ready = this.remember(fh);
    // unref: the lease never keeps a process alive that is otherwise done.
    this.timer = setInterval(() => void this.refresh(), timings.refreshMs).unref();
  }

  private async remember(fh: FileHandle): Promise<void> {
    const st = await fh.stat();
    this.ino = st.ino;
    this.dev = st.dev;
  }

  problem(): string | null {
    if (this.released) return 'the lock was released';
    if (this.lost) return `this process lost the lock: ${this.lost}`;
    const age = performance.now() - this.lastGood;
    if (age >= this.timings.writableMs) return `the lock was not refreshed for ${seconds(age)}`;
    return null;
  }

  async ensureWritable(): Promise<void> {
    // Late (a long pause, a slow disk)? Prove the lock is still ours before writing.
    if (!this.lost && !this.released && performance.now() - this.lastGood >= this.timings.writableMs) await this.refresh();
    const problem = this.problem();
    if (problem) {
      throw new StoreError(
        `Not writing ${this.dataFile}: ${problem}. ${this.lost ? 'Restart this process once only one ibp-bot uses this DATA_DIR.' : 'Writing resumes once the lock is refreshed.'}`,
      );
    }
  }

  /** Rewrites refreshedAt in our own file and checks the path still names that file. */
  refresh(): Promise<void> {
    if (this.lost || this.released) return Promise.resolve();
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const started = performance.now();
    // Past this, a starter may have watched the lock for a whole lease and taken it over.
    const late = started - this.lastGood >= this.timings.leaseMs - this.timings.refreshMs;
    try {
      await this.ready;
      await writeInPlace(this.fh, { ...this.rec, refreshedAt: new Date().toISOString() });
      const st = await stat(this.lockFile).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
      if (st === null) {
        if (late) return this.lose('the lock file disappeared while this process could not refresh it; another process may have taken over');
        await this.recreate();
      } else if (st.ino !== this.ino || st.dev !== this.dev) {
        const other = parseLock((await readLockText(this.lockFile).catch(() => null)) ?? '');
        return this.lose(`the lock file now names ${other ? describeHolder(other) : 'another process'}`);
      }
      this.lastGood = started;
    } catch (e) {
      this.log.warn(
        { err: e, lockFile: this.lockFile },
        `could not refresh the lowdb lock ${this.lockFile}; writes stop when it has not been refreshed for ${seconds(this.timings.writableMs)}`,
      );
    }
  }

  /** Someone deleted the lock file by hand: take it again, atomically, unless another process was quicker. */
  private async recreate(): Promise<void> {
    const fh = await createLock(this.lockFile, { ...this.rec, refreshedAt: new Date().toISOString() });
    if (!fh) {
      const other = parseLock((await readLockText(this.lockFile).catch(() => null)) ?? '');
      this.lose(`the lock file was removed and ${other ? describeHolder(other) : 'another process'} created its own`);
      return;
    }
    await this.fh.close().catch(() => undefined);
    this.fh = fh;
    await this.remember(fh);
    this.log.warn({ lockFile: this.lockFile }, `the lowdb lock file ${this.lockFile} was removed while this process held it; created it again`);
  }

  private lose(why: string): void {
    this.lost = why;
    clearInterval(this.timer);
    this.log.error(
      { lockFile: this.lockFile, dataFile: this.dataFile },
      `lost the lowdb lock ${this.lockFile}: ${why}. Writes to ${this.dataFile} now fail; restart this process once only one ibp-bot uses this DATA_DIR.`,
    );
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    heldHere.delete(this.rec.instance!);
    await this.refreshing;
    await this.ready.catch(() => undefined);
    if (!this.lost) {
      // Only our own file: after losing it, the file belongs to the process that took over.
      const st = await stat(this.lockFile).catch(() => null);
      if (st && st.ino === this.ino && st.dev === this.dev) await unlink(this.lockFile).catch(() => undefined);
    }
    await this.fh.close().catch(() => undefined);
  }
}

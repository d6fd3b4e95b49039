import { hostname } from 'node:os';
import { open, readFile, unlink } from 'node:fs/promises';
import { StoreUnusableError } from '../types.js';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writing process per data file. A second server on the same DATA_DIR refuses
 * to start instead of corrupting the file. A lock left by a process that died on
 * this host is taken over.
 */
export async function acquireLock(lockFile: string, dataFile: string): Promise<() => Promise<void>> {
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(mine));
      await fh.close();
      return async () => {
        const current = await readLock(lockFile);
        if (current?.pid === mine.pid && current.host === mine.host) await unlink(lockFile).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreUnusableError(`Cannot create lock file ${lockFile}: ${(e as Error).message}`, { cause: e });
      }
      const other = await readLock(lockFile);
      const otherAlive = other !== null && (other.host !== mine.host || alive(other.pid));
      // A live holder, this very process included (a second store on the same file), blocks.
      if (otherAlive) {
        throw new StoreUnusableError(
          `Another ibp-bot process (pid ${other.pid} on ${other.host}, since ${other.since}) is using ${dataFile}. ` +
            `Stop it first, or give this process its own DATA_DIR. (Lock file: ${lockFile})`,
        );
      }
      // a stale lock: the process that held it is gone
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new StoreUnusableError(`Cannot take the lock ${lockFile}; another process keeps creating it.`);
}

async function readLock(lockFile: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await readFile(lockFile, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid !== 'number') return null;
    return { pid: info.pid, host: String(info.host ?? ''), since: String(info.since ?? '?') };
  } catch {
    return null;
  }
}

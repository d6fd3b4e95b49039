import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReloadResult } from './reload.js';

/**
 * How `ibp-bot reload` finds the running bot: `npm start` writes its pid to
 * `DATA_DIR/ibp-bot.pid` (removed when it stops) and every reload's result to
 * `DATA_DIR/ibp-bot.reload.json`. The CLI sends SIGHUP to that pid, after checking that
 * the process is still the one that wrote the file (its start time in /proc, where there
 * is one), so a stale file never signals a stranger; then it waits for the result.
 */
export const PID_FILE = 'ibp-bot.pid';
export const RELOAD_RESULT_FILE = 'ibp-bot.reload.json';

export interface PidRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); absent without /proc. */
  procStart?: string;
  startedAt: string;
}

/** The start time of a process as /proc tells it, or undefined (no /proc, no such process). */
export function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export async function writePidFile(dataDir: string, now: Date): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, PID_FILE);
  const rec: PidRecord = { pid: process.pid, startedAt: now.toISOString(), ...(procStartOf(process.pid) ? { procStart: procStartOf(process.pid)! } : {}) };
  await writeFile(file, `${JSON.stringify(rec)}\n`, { mode: 0o644 });
  return file;
}

/** Removes the pid file when it is still this process's. */
export async function removePidFile(dataDir: string): Promise<void> {
  const file = path.join(dataDir, PID_FILE);
  const rec = await readPidFile(dataDir);
  if (rec?.pid === process.pid) await unlink(file).catch(() => undefined);
}

export async function readPidFile(dataDir: string): Promise<PidRecord | undefined> {
  try {
    const rec = JSON.parse(await readFile(path.join(dataDir, PID_FILE), 'utf8')) as Partial<PidRecord>;
    return typeof rec.pid === 'number' && Number.isInteger(rec.pid) && rec.pid > 0 ? (rec as PidRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically (temp file, rename), so the CLI never reads half a result. */
export async function writeReloadResult(dataDir: string, r: ReloadResult): Promise<void> {
  const file = path.join(dataDir, RELOAD_RESULT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(r)}\n`);
  await rename(tmp, file);
}

export async function readReloadResult(dataDir: string): Promise<ReloadResult | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, RELOAD_RESULT_FILE), 'utf8')) as ReloadResult;
  } catch {
    return undefined;
  }
}

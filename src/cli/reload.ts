import type { Config } from '../config.js';
import { PID_FILE, procStartOf, readPidFile, readReloadResult } from '../server/pidfile.js';

type Io = { out: (s: string) => void; err: (s: string) => void };

/** How long `ibp-bot reload` waits for the bot's answer (building the search index takes about a second). */
export const RELOAD_WAIT_MS = 30_000;

/**
 * `ibp-bot reload`: asks the running bot (found by `DATA_DIR/ibp-bot.pid`) to reload its
 * knowledge base with SIGHUP, and prints what happened: entries and time, or every error
 * (then the bot keeps its old knowledge base). Exit 0 when reloaded, 1 otherwise.
 */
export async function reloadCommand(config: Config, io: Io, waitMs = RELOAD_WAIT_MS): Promise<number> {
  const rec = await readPidFile(config.dataDir);
  if (!rec) {
    io.err(`No running ibp-bot found: ${config.dataDir}/${PID_FILE} is missing. Start the bot with \`npm start\` (and the same DATA_DIR), or send SIGHUP to its process yourself.`);
    return 1;
  }
  const alive = ((): boolean => {
    try {
      process.kill(rec.pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  })();
  // A pid is reused after a crash: only the process that wrote the file gets the signal.
  if (!alive || (rec.procStart !== undefined && procStartOf(rec.pid) !== undefined && procStartOf(rec.pid) !== rec.procStart)) {
    io.err(`No running ibp-bot found: the process in ${config.dataDir}/${PID_FILE} (pid ${rec.pid}) has stopped. Start the bot first.`);
    return 1;
  }
  const before = await readReloadResult(config.dataDir);
  const sentAt = new Date().toISOString();
  try {
    process.kill(rec.pid, 'SIGHUP');
  } catch (e) {
    io.err(`Could not signal ibp-bot (pid ${rec.pid}): ${(e as Error).message}`);
    return 1;
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const r = await readReloadResult(config.dataDir);
    if (!r || r.trigger !== 'SIGHUP' || (before && r.at === before.at) || r.at < sentAt.slice(0, 19)) continue;
    if (r.ok) {
      io.out(`Reloaded: ${r.entries} knowledge entries in ${r.ms} ms (pid ${rec.pid}).`);
      return 0;
    }
    io.err(`The knowledge base has ${r.errors.length} error(s); ibp-bot keeps answering from the one it had (${r.entries} entries):\n${r.errors.map((e) => `  ${e.file}${e.field ? ` [${e.field}]` : ''}: ${e.message}`).join('\n')}`);
    return 1;
  }
  io.err(`Sent SIGHUP to ibp-bot (pid ${rec.pid}), but it did not report a reload within ${Math.round(waitMs / 1000)} s; see its log.`);
  return 1;
}

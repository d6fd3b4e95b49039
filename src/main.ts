import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { KnowledgeInvalidError } from './knowledge/base.js';
import { removePidFile, writePidFile, writeReloadResult } from './server/pidfile.js';
import { startBot, type RunningBot } from './server/start.js';
import { StoreUnusableError } from './store/types.js';

/** `npm start`: run the bot until SIGTERM/SIGINT. Start-up problems print a clear message and exit 1. */
async function main(): Promise<void> {
  let running: RunningBot | undefined;
  // SIGHUP: reload the knowledge base (`ibp-bot reload` sends it); an invalid one is refused and the old one kept.
  // Listened for from the start: its default action would end the process. During start-up the base is read anyway.
  process.on('SIGHUP', () => {
    if (!running) return;
    running.log.info({ signal: 'SIGHUP' }, 'reloading the knowledge base');
    void running.reloader.reload('SIGHUP');
  });
  try {
    const env = readEnvironment();
    // `ibp-bot reload` finds this process by its pid file and waits for the result beside it. Only a reload
    // asked for by a signal is written there: a file change's reload right after it (an editor's save) would
    // replace the answer before the command read it (the log has every reload).
    const dataDir = loadConfig(env).dataDir;
    running = await startBot(env, {
      onReload: (r) => {
        if (r.trigger === 'SIGHUP') void writeReloadResult(dataDir, r).catch((err: unknown) => running?.log.warn({ err }, 'could not write the reload result'));
      },
    });
    await writePidFile(dataDir, new Date()).catch((err: unknown) => running?.log.warn({ err }, `could not write the pid file in ${dataDir}: \`ibp-bot reload\` will not find this process`));
  } catch (e) {
    if (e instanceof ConfigError || e instanceof KnowledgeInvalidError || e instanceof StoreUnusableError) {
      process.stderr.write(`ibp-bot cannot start.\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(1); // a second signal: stop at once
    stopping = true;
    running.log.info({ signal }, 'shutting down');
    running.close().then(
      async () => {
        await removePidFile(running.config.dataDir);
        process.exit(0);
      },
      (err: unknown) => {
        running.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();

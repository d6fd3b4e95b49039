import { ConfigError, readEnvironment } from './config.js';
import { KnowledgeInvalidError } from './knowledge/base.js';
import { startBot } from './server/start.js';
import { StoreUnusableError } from './store/types.js';

/** `npm start`: run the bot until SIGTERM/SIGINT. Start-up problems print a clear message and exit 1. */
async function main(): Promise<void> {
  let running;
  try {
    running = await startBot(readEnvironment());
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
      () => process.exit(0),
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

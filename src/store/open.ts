import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { LowdbStore } from './lowdb/store.js';
import { PostgresStore } from './postgres/store.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /**
   * Read-only use beside a running server (CLI exports): lowdb opens without its lock
   * and never writes; PostgreSQL does not migrate and refuses a schema that is not current.
   */
  readOnly?: boolean;
}

/**
 * The configured store: PostgreSQL when DATABASE_URL is set (several instances may
 * share it), else the lowdb file in DATA_DIR (one instance). Throws StoreUnusableError
 * with an operator-fit message; the URL's password never appears in it.
 */
export async function openStore(config: Config, log: Logger, opts: OpenStoreOptions = {}): Promise<Store> {
  if (config.databaseUrl) {
    return PostgresStore.open({ url: config.databaseUrl, log, migrate: !opts.readOnly, sendingLeaseMs: config.nudgeSendingLeaseMs });
  }
  return LowdbStore.open({ dataDir: config.dataDir, lockLeaseMs: config.dataLockLeaseMs, log, ...(opts.readOnly ? { readOnly: true } : {}) });
}

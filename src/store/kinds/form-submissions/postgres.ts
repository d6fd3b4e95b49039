import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { iso, opt } from '../../postgres/rows.js';
import type { FormSubmissionRecord, FormSubmissionRepo } from './index.js';

export function formSubmissionRow(r: Row): FormSubmissionRecord {
  return {
    key: String(r.key), status: r.status as FormSubmissionRecord['status'], ...opt('receipt', r.receipt as string | null),
    at: iso(r.at), expiresAt: iso(r.expires_at),
  };
}

const COLUMNS = 'key, status, receipt, at, expires_at';

export function pgFormSubmissions(db: Db): FormSubmissionRepo {
  return {
    // One statement: insert the claim, or take over an expired or abandoned one. A row back means claimed, on any instance.
    claim: async (key, now, expiresAt, staleBefore) => {
      const r = await db.query(
        `INSERT INTO form_submissions (${COLUMNS}) VALUES ($1, 'pending', NULL, $2, $3)
         ON CONFLICT (key) DO UPDATE SET status = 'pending', receipt = NULL, at = EXCLUDED.at, expires_at = EXCLUDED.expires_at
         WHERE form_submissions.expires_at <= $2 OR (form_submissions.status = 'pending' AND form_submissions.at <= $4)
         RETURNING key`,
        [key, now.toISOString(), expiresAt.toISOString(), staleBefore.toISOString()],
      );
      if ((r.rowCount ?? 0) > 0) return { claimed: true };
      const row = (await db.query('SELECT * FROM form_submissions WHERE key = $1', [key])).rows[0];
      // Released between the two statements: a claim again would race; report it as pending, the caller waits and asks again.
      return { claimed: false, record: row ? formSubmissionRow(row) : { key, status: 'pending', at: now.toISOString(), expiresAt: expiresAt.toISOString() } };
    },
    complete: async (key, receipt, now, expiresAt) => {
      await db.query(
        `INSERT INTO form_submissions (${COLUMNS}) VALUES ($1, 'done', $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET status = 'done', receipt = EXCLUDED.receipt, at = EXCLUDED.at, expires_at = EXCLUDED.expires_at`,
        [key, receipt, now.toISOString(), expiresAt.toISOString()],
      );
    },
    release: async (key) => {
      await db.query('DELETE FROM form_submissions WHERE key = $1', [key]);
    },
    get: async (key, now) => {
      const row = (await db.query('SELECT * FROM form_submissions WHERE key = $1 AND expires_at > $2', [key, now.toISOString()])).rows[0];
      return row ? formSubmissionRow(row) : undefined;
    },
    prune: async (now) => (await db.query('DELETE FROM form_submissions WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0,
  };
}

export const FORM_SUBMISSIONS_SQL: PostgresPart<FormSubmissionRepo> = {
  tables: ['form_submissions'],
  repo: pgFormSubmissions,
  dump: async (q) => ({ formSubmissions: (await allRows(q, 'SELECT * FROM form_submissions ORDER BY key')).map(formSubmissionRow) }),
  load: (q, d) => insertMany(q, 'form_submissions', COLUMNS,
    ((d.formSubmissions ?? []) as FormSubmissionRecord[]).map((f) => [f.key, f.status, f.receipt ?? null, f.at, f.expiresAt])),
};

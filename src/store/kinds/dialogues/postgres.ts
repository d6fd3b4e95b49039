import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { iso, json, opt } from '../../postgres/rows.js';
import type { DialogueRecord, DialogueRepo } from './index.js';

export function dialogueRow(r: Row): DialogueRecord {
  return {
    key: String(r.key), kind: r.kind as DialogueRecord['kind'], owner: String(r.owner), step: Number(r.step), answers: r.answers as DialogueRecord['answers'],
    ...opt('shareKey', r.share_key as string | null), locale: r.locale as DialogueRecord['locale'], updatedAt: iso(r.updated_at), expiresAt: iso(r.expires_at),
  };
}

export const DIALOGUE_COLUMNS = 'key, kind, owner, step, answers, share_key, locale, updated_at, expires_at';
export const dialogueValues = (d: DialogueRecord): unknown[] => [d.key, d.kind, d.owner, d.step, json(d.answers), d.shareKey ?? null, d.locale, d.updatedAt, d.expiresAt];

export function pgDialogues(db: Db): DialogueRepo {
  return {
    get: async (key, now) => {
      const row = (await db.query('SELECT * FROM dialogues WHERE key = $1 AND expires_at > $2', [key, now.toISOString()])).rows[0];
      return row ? dialogueRow(row) : undefined;
    },
    put: async (rec) => {
      await db.query(
        `INSERT INTO dialogues (${DIALOGUE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, owner = EXCLUDED.owner, step = EXCLUDED.step, answers = EXCLUDED.answers,
           share_key = EXCLUDED.share_key, locale = EXCLUDED.locale, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`,
        dialogueValues(rec),
      );
    },
    // DELETE … RETURNING: of concurrent takes, on any instance, one gets the row. An expired one is removed and not returned.
    take: async (key, now) => {
      const row = (await db.query('DELETE FROM dialogues WHERE key = $1 RETURNING *', [key])).rows[0];
      const d = row ? dialogueRow(row) : undefined;
      return d && d.expiresAt > now.toISOString() ? d : undefined;
    },
    remove: async (key) => ((await db.query('DELETE FROM dialogues WHERE key = $1', [key])).rowCount ?? 0) > 0,
    prune: async (now) => (await db.query('DELETE FROM dialogues WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0,
  };
}

export const DIALOGUES_SQL: PostgresPart<DialogueRepo> = {
  tables: ['dialogues'],
  repo: pgDialogues,
  dump: async (q) => ({ dialogues: (await allRows(q, 'SELECT * FROM dialogues ORDER BY key')).map(dialogueRow) }),
  load: (q, d) => insertMany(q, 'dialogues', DIALOGUE_COLUMNS, ((d.dialogues ?? []) as DialogueRecord[]).map(dialogueValues)),
};

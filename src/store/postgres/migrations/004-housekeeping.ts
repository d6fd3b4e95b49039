import type { Migration } from './index.js';

/**
 * Safe to deploy (issue 16).
 *
 * - `store_probe`: one row that every instance's write probe updates every 20 s, so
 *   readiness says 503 when this instance cannot write (a revoked privilege, a read-only
 *   replica after a failover, a full disk) even while no user writes, and 200 again once
 *   the probe's write goes through.
 * - an index for housekeeping: web-chat conversation references inactive for a while are
 *   removed by platform and `updated_at` (knowledge gaps use `knowledge_gaps_at`, dedupe
 *   keys `dedupe_expires`, both from migration 1).
 */
export const housekeeping: Migration = {
  version: 4,
  name: 'housekeeping',
  sql: `
CREATE TABLE store_probe (
  id smallint PRIMARY KEY CHECK (id = 1),
  at timestamptz NOT NULL
);
CREATE INDEX conversation_refs_platform_updated ON conversation_refs (platform, updated_at);
`,
};

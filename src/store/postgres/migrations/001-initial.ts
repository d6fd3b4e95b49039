import type { Migration } from './index.js';

/**
 * Every record kind of the Store. Columns that are filtered or sorted on are real
 * columns with indexes (times, status, opgave, channel_key, next_slot_at, …); nested
 * data that is only read back whole is JSONB (reporter, history, schedule, answers,
 * last result, login and user of a web session). `pos` keeps insertion order where
 * lowdb returns records in the order they were added.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE feedback (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  entry_id text NOT NULL,
  value text NOT NULL CHECK (value IN ('helpful', 'not_helpful')),
  platform text NOT NULL,
  question text,
  at timestamptz NOT NULL
);
CREATE INDEX feedback_entry ON feedback (entry_id);

CREATE TABLE knowledge_gaps (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  text text NOT NULL,
  locale text NOT NULL,
  platform text NOT NULL,
  at timestamptz NOT NULL,
  handled_at timestamptz,
  handled_by text
);
CREATE INDEX knowledge_gaps_at ON knowledge_gaps (at);

CREATE TABLE conversation_refs (
  key text PRIMARY KEY,
  platform text NOT NULL,
  conversation_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('personal', 'channel', 'group')),
  thread_id text,
  team_id text,
  data jsonb NOT NULL,
  active boolean NOT NULL,
  inactive_reason text,
  updated_at timestamptz NOT NULL
);

-- Redelivery dedupe, shared by all instances: a key is first seen once per expiry.
CREATE TABLE dedupe (
  key text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dedupe_expires ON dedupe (expires_at);

-- Token buckets (src/core/ratelimit.ts takeToken, done in one SQL statement). Times in epoch ms.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  at_ms double precision NOT NULL,
  told_until_ms double precision NOT NULL,
  window_ms double precision NOT NULL,
  -- result of the last take: 0 ok, 1 refused and notify, 2 refused silently
  outcome smallint NOT NULL
);
CREATE INDEX rate_limits_idle ON rate_limits ((at_ms + window_ms));

-- Last reference number per year: updated in the same transaction as the insert, so gapless.
CREATE TABLE knelpunt_counters (
  year integer PRIMARY KEY,
  seq integer NOT NULL CHECK (seq >= 0)
);

CREATE TABLE knelpunten (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  ref text PRIMARY KEY,
  year integer NOT NULL,
  seq integer NOT NULL,
  opgave text NOT NULL,
  beschrijving text NOT NULL,
  overheden text[] NOT NULL,
  urgentie text NOT NULL,
  anoniem boolean NOT NULL,
  reporter jsonb,
  platform text NOT NULL,
  status text NOT NULL,
  history jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (year, seq),
  -- an anonymous report never stores who made it
  CHECK (NOT anoniem OR reporter IS NULL)
);
CREATE INDEX knelpunten_created ON knelpunten (created_at);
CREATE INDEX knelpunten_status ON knelpunten (status);
CREATE INDEX knelpunten_opgave ON knelpunten (opgave);
CREATE INDEX knelpunten_reporter ON knelpunten ((reporter->>'platform'), (reporter->>'userId')) WHERE reporter IS NOT NULL;

-- Submission key (hashed) -> knelpunt: the same submission twice gives one knelpunt.
CREATE TABLE knelpunt_submissions (
  key text PRIMARY KEY,
  ref text NOT NULL REFERENCES knelpunten (ref) ON DELETE CASCADE
);

CREATE TABLE triage_channels (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  key text PRIMARY KEY,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL
);

CREATE TABLE reflections (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  channel_key text NOT NULL,
  platform text NOT NULL,
  anonymous boolean NOT NULL,
  author_name text,
  locale text NOT NULL,
  -- goed, beter, meenemen
  answers jsonb NOT NULL,
  opgave text,
  zekerheid text,
  created_at timestamptz NOT NULL,
  CHECK (NOT anonymous OR author_name IS NULL)
);
CREATE INDEX reflections_channel ON reflections (channel_key, created_at);
CREATE INDEX reflections_created ON reflections (created_at);

CREATE TABLE dialogues (
  key text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('stepwise', 'draft')),
  owner text NOT NULL,
  step integer NOT NULL,
  answers jsonb NOT NULL,
  share_key text,
  locale text NOT NULL,
  updated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dialogues_expires ON dialogues (expires_at);

CREATE TABLE subscriptions (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('nudge', 'digest')),
  channel_key text NOT NULL,
  platform text NOT NULL,
  conversation_id text NOT NULL,
  schedule jsonb NOT NULL,
  schema_text text NOT NULL,
  locale text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'paused', 'stopped')),
  paused_until text,
  paused_reason text,
  next_slot_at timestamptz NOT NULL,
  question_cursor integer NOT NULL,
  last_question_id text,
  last_result jsonb,
  history jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX subscriptions_due ON subscriptions (next_slot_at) WHERE status = 'active';
CREATE INDEX subscriptions_channel ON subscriptions (channel_key);

-- A (subscription, slot) is claimed once, ever: the primary key.
CREATE TABLE nudges (
  subscription_id text NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  slot timestamptz NOT NULL,
  kind text NOT NULL,
  channel_key text NOT NULL,
  status text NOT NULL,
  question_id text,
  detail text,
  claimed_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (subscription_id, slot)
);
CREATE INDEX nudges_queued ON nudges (slot) WHERE status = 'queued';
CREATE INDEX nudges_sending ON nudges (updated_at) WHERE status = 'sending';
CREATE INDEX nudges_status ON nudges (status, updated_at);

CREATE TABLE web_sessions (
  id text PRIMARY KEY,
  login jsonb,
  user_info jsonb,
  csrf text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
`,
};

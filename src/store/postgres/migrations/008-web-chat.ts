import type { Migration } from './index.js';

/**
 * The web chat as a real adapter (issue 19): its conversation per session, so a reload
 * shows it and a page that reconnects gets what it missed.
 *
 * - `web_chat_sessions`: per session the number of its latest change (`rev`, the id of
 *   the page's server-sent events), the name typed once in it, and when it was last used
 *   (the housekeeping removes sessions unused for WEB_CHAT_SESSION_RETENTION_DAYS).
 * - `web_chat_messages`: the last messages of each session (the adapter keeps 100), each
 *   with its place (`pos`) and the number of its latest change (`rev`: a card replaced in
 *   place gets a new one); removed with their session.
 */
export const webChat: Migration = {
  version: 8,
  name: 'web-chat',
  sql: `
CREATE TABLE web_chat_sessions (
  session text PRIMARY KEY,
  rev bigint NOT NULL CHECK (rev >= 0),
  name text,
  updated_at timestamptz NOT NULL
);
CREATE INDEX web_chat_sessions_updated ON web_chat_sessions (updated_at);

CREATE TABLE web_chat_messages (
  session text NOT NULL REFERENCES web_chat_sessions (session) ON DELETE CASCADE,
  id text NOT NULL,
  pos bigint NOT NULL,
  rev bigint NOT NULL,
  role text NOT NULL CHECK (role IN ('user', 'bot')),
  body jsonb NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (session, id)
);
CREATE INDEX web_chat_messages_pos ON web_chat_messages (session, pos);
CREATE INDEX web_chat_messages_rev ON web_chat_messages (session, rev);
`,
};

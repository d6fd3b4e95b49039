import { defineKind } from '../../kind.js';
import { lowdbSessions, SESSIONS_TABLE } from './lowdb.js';
import { SESSIONS_SQL } from './postgres.js';

/**
 * A dashboard web session (issue 10). The cookie carries a random token; only its
 * hash is stored (`id`), so a leaked database cannot be replayed as a cookie.
 */
export interface WebSessionRecord {
  /** SHA-256 (base64url) of the cookie token. */
  id: string;
  /** While signing in: the OpenID Connect checks for the callback. Taken once. */
  login?: { state: string; nonce: string; codeVerifier: string; returnTo: string };
  /** After sign-in. */
  user?: {
    issuer: string;
    sub: string;
    name?: string;
    email?: string;
    /** Entra ID object id (`oid` claim). */
    oid?: string;
    /** The coordinator identity (`aad:<oid>`, `email:<address>`) when this person is one. */
    coordinatorId?: string;
  };
  /** Token for state-changing requests (double submit: form field must match). */
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  /** Idle expiry: moves forward on every request. */
  expiresAt: string;
}

export interface WebSessionRepo {
  /** Insert or replace by id. */
  put(rec: WebSessionRecord): Promise<void>;
  /** Undefined when absent or expired. */
  get(id: string, now: Date): Promise<WebSessionRecord | undefined>;
  /** Atomic get-and-remove (a sign-in callback can be used once); undefined when absent or expired. */
  take(id: string, now: Date): Promise<WebSessionRecord | undefined>;
  /** Moves `lastSeenAt` and `expiresAt` forward; false when absent or expired. */
  touch(id: string, now: Date, expiresAt: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Removes expired sessions; returns how many. */
  prune(now: Date): Promise<number>;
}

/** Dashboard web sessions (hashed tokens), kept across restarts. */
export const sessionsKind = defineKind({
  name: 'sessions',
  lowdb: { tables: [SESSIONS_TABLE], repo: lowdbSessions },
  postgres: SESSIONS_SQL,
});

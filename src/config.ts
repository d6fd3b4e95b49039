import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration is read from the environment once, at start-up, into a typed object.
 * A wrong value stops the process with a message that names the variable and what
 * is allowed (fail early, fail closed). Every variable is documented in README.md
 * and .env.example.
 */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An http:// issuer is accepted on this machine only (a test provider), never in production. */
const LOCAL_HTTP = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/;

const emptyAsUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3978),
  // Default by NODE_ENV (see hostDefault): only this machine in development, every interface in production
  HOST: z.preprocess(emptyAsUndefined, z.string().optional()),
  DATA_DIR: z.string().min(1).default('./data'),
  // PostgreSQL (src/store/postgres): when set, every record lives there instead of DATA_DIR; a secret (it holds a password)
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z.string().refine(isPostgresUrl, 'must be a PostgreSQL URL such as postgres://user:password@host:5432/ibp_bot').optional(),
  ),
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  DEFAULT_LOCALE: z.enum(['nl', 'en']).default('nl'),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  LOG_HASH_KEY: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  // Microsoft Teams (adapters/teams); all optional: without them Teams runs anonymously outside production
  MICROSOFT_APP_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  MICROSOFT_APP_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  MICROSOFT_APP_TENANT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  MICROSOFT_APP_TYPE: z.preprocess(emptyAsUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
  // Without credentials, Teams accepts unauthenticated activities only from this machine (HOST on loopback),
  // or from anywhere when this is `true`; refused in production
  TEAMS_ANONYMOUS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
  // Which SDK carries Teams traffic (adapters/teams/transport): botbuilder (archived by Microsoft) or the Microsoft 365 Agents SDK
  TEAMS_SDK: z.preprocess(emptyAsUndefined, z.enum(['botbuilder', 'agents']).default('botbuilder')),
  // The web chat: open (no sign-in), signin (the dashboard's OpenID Connect sign-in) or off; default by NODE_ENV
  WEB_CHAT: z.preprocess(emptyAsUndefined, z.enum(['open', 'signin', 'off']).optional()),
  // Slack (adapters/slack): mounted when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP), or
  // SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode), are set
  SLACK_BOT_TOKEN: z.preprocess(emptyAsUndefined, z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional()),
  SLACK_SIGNING_SECRET: z.preprocess(emptyAsUndefined, z.string().min(8, 'looks too short for a signing secret').optional()),
  SLACK_APP_TOKEN: z.preprocess(emptyAsUndefined, z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional()),
  SLACK_API_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ message: 'must be a URL ending in /api/' }).refine((u) => u.endsWith('/api/'), 'must end in /api/').default('https://slack.com/api/'),
  ),
  // Knelpunten: who may triage (platform-qualified ids), and the bearer token of the export API
  KNELPUNT_COORDINATORS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(
        (v) => v.split(',').every((id) => /^(slack|teams|local|aad|email):\S+$/.test(id.trim())),
        'must be a comma-separated list of platform-qualified ids such as slack:U123,teams:29:abc,aad:<object id>,email:<address>',
      )
      .optional(),
  ),
  ADMIN_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(24, 'must be at least 24 characters (use a long random value)').optional()),
  // Reflectie nudges: a slot missed while the server was down is still sent when at most this late
  NUDGE_GRACE_MINUTES: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: 'must be a whole number of minutes' }).int('must be a whole number of minutes').min(0, 'must be 0 or more').max(10_080, 'must be at most 10080 (a week)').default(120),
  ),
  // Shared store only: a nudge marked `sending` longer ago than this belongs to an instance that died; it is recorded unconfirmed
  NUDGE_SENDING_LEASE_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').min(1000, 'must be at least 1000').max(86_400_000, 'must be at most 86400000 (a day)').default(300_000),
  ),
  // lowdb only: the lock on DATA_DIR is a lease of this length, refreshed every sixth of it; a lock
  // not refreshed for this long (a crashed process, another container) is taken over
  DATA_LOCK_LEASE_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').min(5000, 'must be at least 5000').max(3_600_000, 'must be at most 3600000 (an hour)').default(60_000),
  ),
  // Retention (housekeeping): unanswered questions, and web-chat sessions without use
  KNOWLEDGE_GAP_RETENTION_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: 'must be a whole number of days' }).int('must be a whole number of days').min(1, 'must be at least 1').max(3650, 'must be at most 3650 (ten years)').default(365),
  ),
  WEB_CHAT_SESSION_RETENTION_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: 'must be a whole number of days' }).int('must be a whole number of days').min(1, 'must be at least 1').max(365, 'must be at most 365').default(30),
  ),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ message: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').min(0, 'must be 0 or more').default(10_000),
  // Per-user rate limits; 0 switches a limit off
  RATE_LIMIT_TURNS_PER_MINUTE: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(20),
  RATE_LIMIT_KNELPUNTEN_PER_HOUR: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(5),
  // The open web chat (no sign-in), per client address: a new session id is free to make, an address is not
  RATE_LIMIT_WEB_SESSIONS_PER_HOUR: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(20),
  RATE_LIMIT_WEB_KNELPUNTEN_PER_HOUR: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(10),
  // Prometheus metrics: GET /metrics with this bearer token on the main port; without it, only
  // on METRICS_PORT (for a port that is not exposed publicly); with neither, metrics are off
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(24, 'must be at least 24 characters (use a long random value)').optional()),
  METRICS_PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be between 0 and 65535').max(65535, 'must be between 0 and 65535').optional(),
  ),
  // Dashboard sign-in (OpenID Connect, e.g. Entra ID): without OIDC_ISSUER the dashboard is not mounted
  OIDC_ISSUER: z.preprocess(
    emptyAsUndefined,
    z
      .url({ message: 'must be the issuer URL, such as https://login.microsoftonline.com/<tenant id>/v2.0' })
      .refine((u) => /^https:\/\//.test(u) || LOCAL_HTTP.test(u), 'must start with https:// (http:// only for localhost)')
      .optional(),
  ),
  OIDC_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  PUBLIC_URL: z.preprocess(
    emptyAsUndefined,
    z
      .url({ message: 'must be a full URL such as https://ibp-bot.example.nl' })
      .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
      .optional(),
  ),
});

/** `postgres://` or `postgresql://` with a host or a socket path: what the `pg` driver accepts as a URL. */
export function isPostgresUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && (u.hostname !== '' || u.searchParams.has('host'));
  } catch {
    return false;
  }
}

/** A PostgreSQL URL without user and password, fit for logs and messages (`db.example.nl:5432/ibp_bot`). */
export function describePostgresUrl(value: string): string {
  try {
    const u = new URL(value);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}${u.port ? `:${u.port}` : ''}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection URL (a secret: never log or echo it). Without it the lowdb file in `dataDir` is used. */
  databaseUrl?: string;
  knowledgeDir: string;
  defaultLocale: 'nl' | 'en';
  logLevel: (typeof LOG_LEVELS)[number];
  logHashKey?: string;
  publicUrl?: string;
  /** Platform-qualified coordinator ids (`slack:U1`, `teams:29:…`, `aad:…`, `email:…`), lower-cased for aad/email. */
  coordinators: string[];
  adminToken?: string;
  /** Dashboard sign-in; absent when OIDC_ISSUER is not set (then /admin is not mounted). */
  oidc?: OidcConfig;
  /**
   * Per user: turns a minute, knelpunten an hour. Per client address, only for the open
   * web chat: new sessions an hour, knelpunten an hour. 0 switches one off.
   */
  rateLimits: { turnsPerMinute: number; knelpuntenPerHour: number; webSessionsPerHour: number; webKnelpuntenPerHour: number };
  /** The web chat: `open` (anyone who reaches the port), `signin` (OpenID Connect, as the dashboard), `off`. */
  webChat: WebChatMode;
  /** `/metrics`: behind a bearer token on the main port, or open on a separate port, or off. */
  metrics: { mode: 'token'; token: string } | { mode: 'port'; port: number } | { mode: 'off' };
  /** How long in-flight requests may take to finish at shutdown. */
  shutdownTimeoutMs: number;
  /** Reflectie nudges: how late a missed slot may still be sent, in minutes. */
  nudgeGraceMinutes: number;
  /** Shared store: how long a `sending` nudge belongs to its sender before it is recorded unconfirmed. */
  nudgeSendingLeaseMs: number;
  /** lowdb: how long the DATA_DIR lock belongs to its holder without a refresh (a start may wait this long). */
  dataLockLeaseMs: number;
  /** Housekeeping: knowledge gaps are removed this many days after they were asked; web-chat conversation references after this many days without use. */
  retention: { knowledgeGapDays: number; webChatSessionDays: number };
  teams: {
    appId?: string;
    appPassword?: string;
    tenantId?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    /** TEAMS_ANONYMOUS=true: unauthenticated activities from anywhere (never in production). */
    anonymous: boolean;
    /** TEAMS_SDK: the SDK behind the Teams transport; `agents` is the one Microsoft supports. */
    sdk: 'botbuilder' | 'agents';
  };
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl: string;
  };
}

export type WebChatMode = 'open' | 'signin' | 'off';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** PUBLIC_URL + /admin/callback */
  redirectUri: string;
  /** Plain http to the provider: only for an issuer on localhost outside production (tests). */
  allowInsecureRequests: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Parses an environment; throws ConfigError naming every wrong variable. */
export function loadConfig(env: Env): Config {
  const res = schema.safeParse(env);
  if (!res.success) {
    const byVariable = new Map<string, string>();
    for (const i of res.error.issues) {
      const name = String(i.path[0] ?? '?');
      if (byVariable.has(name)) continue; // the first problem per variable is the useful one
      const what =
        i.code === 'invalid_value' && 'values' in i ? `must be one of: ${(i.values as unknown[]).join(', ')}` : i.message;
      // Never echo a secret back into a terminal or log.
      const shown = /TOKEN|SECRET|PASSWORD|KEY|DATABASE_URL/.test(name) ? '(value hidden)' : JSON.stringify(env[name] ?? '');
      byVariable.set(name, `${name}=${shown}: ${what}`);
    }
    throw new ConfigError([...byVariable.values()]);
  }
  const v = res.data;
  const oidc = oidcConfig(v);
  if ('problems' in oidc) throw new ConfigError(oidc.problems);
  const doors = doorProblems(v);
  if (doors.length > 0) throw new ConfigError(doors);
  return {
    nodeEnv: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST ?? hostDefault(v.NODE_ENV),
    dataDir: path.resolve(v.DATA_DIR),
    ...(v.DATABASE_URL ? { databaseUrl: v.DATABASE_URL } : {}),
    knowledgeDir: path.resolve(v.KNOWLEDGE_DIR),
    defaultLocale: v.DEFAULT_LOCALE,
    logLevel: v.LOG_LEVEL ?? (v.NODE_ENV === 'test' ? 'silent' : 'info'),
    ...(v.LOG_HASH_KEY ? { logHashKey: v.LOG_HASH_KEY } : {}),
    ...(v.PUBLIC_URL ? { publicUrl: v.PUBLIC_URL.replace(/\/+$/, '') } : {}),
    coordinators: (v.KNELPUNT_COORDINATORS ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean)
      .map((id) => (/^(aad|email):/.test(id) ? id.toLowerCase() : id)),
    ...(v.ADMIN_TOKEN ? { adminToken: v.ADMIN_TOKEN } : {}),
    ...(oidc.config ? { oidc: oidc.config } : {}),
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    rateLimits: {
      turnsPerMinute: v.RATE_LIMIT_TURNS_PER_MINUTE,
      knelpuntenPerHour: v.RATE_LIMIT_KNELPUNTEN_PER_HOUR,
      webSessionsPerHour: v.RATE_LIMIT_WEB_SESSIONS_PER_HOUR,
      webKnelpuntenPerHour: v.RATE_LIMIT_WEB_KNELPUNTEN_PER_HOUR,
    },
    webChat: v.WEB_CHAT ?? webChatDefault(v.NODE_ENV, Boolean(v.OIDC_ISSUER)),
    metrics: v.METRICS_TOKEN
      ? { mode: 'token', token: v.METRICS_TOKEN }
      : v.METRICS_PORT !== undefined
        ? { mode: 'port', port: v.METRICS_PORT }
        : { mode: 'off' },
    nudgeGraceMinutes: v.NUDGE_GRACE_MINUTES,
    nudgeSendingLeaseMs: v.NUDGE_SENDING_LEASE_MS,
    dataLockLeaseMs: v.DATA_LOCK_LEASE_MS,
    retention: { knowledgeGapDays: v.KNOWLEDGE_GAP_RETENTION_DAYS, webChatSessionDays: v.WEB_CHAT_SESSION_RETENTION_DAYS },
    teams: {
      appType: v.MICROSOFT_APP_TYPE,
      anonymous: v.TEAMS_ANONYMOUS === 'true',
      sdk: v.TEAMS_SDK,
      ...(v.MICROSOFT_APP_ID ? { appId: v.MICROSOFT_APP_ID } : {}),
      ...(v.MICROSOFT_APP_PASSWORD ? { appPassword: v.MICROSOFT_APP_PASSWORD } : {}),
      ...(v.MICROSOFT_APP_TENANT_ID ? { tenantId: v.MICROSOFT_APP_TENANT_ID } : {}),
    },
    slack: {
      apiUrl: v.SLACK_API_URL,
      ...(v.SLACK_BOT_TOKEN ? { botToken: v.SLACK_BOT_TOKEN } : {}),
      ...(v.SLACK_SIGNING_SECRET ? { signingSecret: v.SLACK_SIGNING_SECRET } : {}),
      ...(v.SLACK_APP_TOKEN ? { appToken: v.SLACK_APP_TOKEN } : {}),
    },
  };
}

/** Development listens on this machine only (`npm start` needs no more); production on every interface (a container, a VM). */
export function hostDefault(nodeEnv: Config['nodeEnv']): string {
  return nodeEnv === 'production' ? '0.0.0.0' : '127.0.0.1';
}

/** Open while developing; in production behind the sign-in when there is one, otherwise off unless WEB_CHAT=open. */
export function webChatDefault(nodeEnv: Config['nodeEnv'], signIn: boolean): WebChatMode {
  if (nodeEnv !== 'production') return 'open';
  return signIn ? 'signin' : 'off';
}

/** Settings that would open a door without anyone noticing: refused at start-up, naming the variable. */
function doorProblems(v: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (v.TEAMS_ANONYMOUS === 'true' && v.NODE_ENV === 'production') {
    problems.push('TEAMS_ANONYMOUS="true": not allowed with NODE_ENV=production (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD instead)');
  } else if (v.TEAMS_ANONYMOUS === 'true' && v.MICROSOFT_APP_ID) {
    problems.push('TEAMS_ANONYMOUS="true": cannot be combined with MICROSOFT_APP_ID (with credentials every request needs a valid token); remove one of them');
  }
  if (v.WEB_CHAT === 'signin' && !v.OIDC_ISSUER) {
    problems.push('WEB_CHAT="signin": needs the OpenID Connect sign-in of the dashboard (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, PUBLIC_URL)');
  }
  return problems;
}

/** The dashboard's sign-in settings; with OIDC_ISSUER, the client id, secret and PUBLIC_URL are needed too. */
function oidcConfig(v: z.infer<typeof schema>): { config?: OidcConfig } | { problems: string[] } {
  if (!v.OIDC_ISSUER) return {};
  const problems: string[] = [];
  const needs = (name: string, why: string): void => {
    problems.push(`${name}=(not set): needed because OIDC_ISSUER is set (${why})`);
  };
  if (!v.OIDC_CLIENT_ID) needs('OIDC_CLIENT_ID', 'the application (client) id of the dashboard');
  if (!v.OIDC_CLIENT_SECRET) needs('OIDC_CLIENT_SECRET', 'the client secret of the dashboard');
  if (!v.PUBLIC_URL) needs('PUBLIC_URL', 'the redirect URI is PUBLIC_URL + /admin/callback');
  const local = LOCAL_HTTP.test(v.OIDC_ISSUER);
  if (local && v.NODE_ENV === 'production') problems.push(`OIDC_ISSUER=${JSON.stringify(v.OIDC_ISSUER)}: must start with https:// in production`);
  if (problems.length > 0 || !v.OIDC_CLIENT_ID || !v.OIDC_CLIENT_SECRET || !v.PUBLIC_URL) return { problems };
  return {
    config: {
      issuer: v.OIDC_ISSUER,
      clientId: v.OIDC_CLIENT_ID,
      clientSecret: v.OIDC_CLIENT_SECRET,
      redirectUri: `${v.PUBLIC_URL.replace(/\/+$/, '')}/admin/callback`,
      allowInsecureRequests: local && v.NODE_ENV !== 'production',
    },
  };
}

/**
 * process.env plus an optional `.env` file (Node's own loader, no dependency).
 * Variables already set in the environment win over the file.
 */
export function readEnvironment(cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}

import { ConfigError, type Config } from '../../src/config.js';
import { isLoopbackHost } from '../../src/platform/network.js';

/**
 * Who may post to /api/messages. Our MICROSOFT_APP_* variables are mapped onto the
 * setting names botbuilder reads (`MicrosoftAppId`, ...), explicitly: botbuilder would
 * otherwise look them up in process.env under its own names and silently run
 * anonymously when they are missing. Without credentials there is no anonymous door
 * by accident:
 * - `anonymous` / `loopback`: HOST is a loopback address, and each request must come
 *   from a program on this machine (the Agents Playground, the Emulator);
 * - `anonymous` / `everywhere`: TEAMS_ANONYMOUS=true, set on purpose (never in production);
 * - `closed`: HOST is reachable from other machines: every request gets 401;
 * - `off`: production without credentials: not mounted at all (404).
 */
export type TeamsAuthMode =
  | { mode: 'authenticated'; settings: Record<string, string>; appId: string; appType: Config['teams']['appType'] }
  | { mode: 'anonymous'; scope: 'loopback' | 'everywhere' }
  | { mode: 'closed'; why: string }
  | { mode: 'off'; why: string };

export function teamsAuthMode(config: Pick<Config, 'nodeEnv' | 'teams' | 'host'>): TeamsAuthMode {
  const { appId, appPassword, tenantId, appType } = config.teams;
  const problems: string[] = [];
  if (!appId && appPassword) problems.push('MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not: set both, or neither for local testing');
  if (appId && !appPassword && appType !== 'UserAssignedMSI') {
    problems.push(`MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID when MICROSOFT_APP_TYPE is ${appType}`);
  }
  if (appPassword && appType === 'UserAssignedMSI') {
    problems.push('MICROSOFT_APP_PASSWORD: must not be set when MICROSOFT_APP_TYPE is UserAssignedMSI (the managed identity has no password)');
  }
  if (appId && !tenantId && appType !== 'MultiTenant') {
    problems.push(`MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is ${appType}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  if (!appId) {
    // Fail closed: an endpoint that accepts anything must never run in production.
    if (config.nodeEnv === 'production') {
      return {
        mode: 'off',
        why: 'MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are not set, and anonymous mode is for local testing only (NODE_ENV=production)',
      };
    }
    if (config.teams.anonymous) return { mode: 'anonymous', scope: 'everywhere' };
    if (isLoopbackHost(config.host)) return { mode: 'anonymous', scope: 'loopback' };
    return {
      mode: 'closed',
      why: `MICROSOFT_APP_ID is not set and HOST=${config.host} can be reached from other machines, so every request gets 401. ` +
        'For local testing use HOST=127.0.0.1 (the default in development), or set TEAMS_ANONYMOUS=true on purpose',
    };
  }
  return {
    mode: 'authenticated',
    appId,
    appType,
    settings: {
      MicrosoftAppId: appId,
      MicrosoftAppType: appType,
      ...(appPassword ? { MicrosoftAppPassword: appPassword } : {}),
      ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
    },
  };
}

/** botbuilder's allowed signing algorithms (AuthenticationConstants.AllowedSigningAlgorithms). */
const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** botbuilder's clock tolerance for `exp` and `nbf`. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const JWT = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * A cheap look at the Bearer token before botbuilder verifies it: the reason to refuse
 * it, or undefined to let botbuilder check the signature, issuer and service URL. It
 * only ever refuses earlier, never accepts: a token that passes here still needs a
 * valid signature from the Bot Framework's keys. It spares the key fetch for tokens
 * that cannot be valid, and botbuilder's own console output (a stack trace for an
 * expired token, the public keys for a bad signature). Nothing of the token is returned.
 */
export function screenBearer(header: string, opts: { appId: string; now: Date }): string | undefined {
  if (header === '') return 'no Authorization header';
  const m = JWT.exec(header);
  if (!m) return 'not a signed Bearer JWT';
  const head = decodePart(m[1]!);
  const claims = decodePart(m[2]!);
  if (!head || !claims) return 'malformed JWT';
  if (typeof head.alg !== 'string' || !SIGNING_ALGORITHMS.includes(head.alg)) return 'signing algorithm not allowed';
  if (typeof head.kid !== 'string' || head.kid === '') return 'no key id';
  if (typeof claims.iss !== 'string') return 'no issuer';
  const aud = claims.aud;
  if (!(aud === opts.appId || (Array.isArray(aud) && aud.includes(opts.appId)))) return 'audience is not this bot';
  const now = opts.now.getTime();
  if (typeof claims.exp !== 'number' || claims.exp * 1000 + CLOCK_SKEW_MS <= now) return 'expired or no expiry';
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf * 1000 - CLOCK_SKEW_MS > now)) return 'not valid yet';
  return undefined;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

import { ConfigError, type Config } from '../../src/config.js';
import { isLoopbackHost } from '../../src/platform/network.js';
import type { TransportAuth } from './transport/index.js';

/**
 * Who may post to /api/messages. With credentials, the transport maps our
 * MICROSOFT_APP_* variables explicitly onto its SDK's own settings (transport/*.ts):
 * either SDK would otherwise read process.env under its own names and silently run
 * anonymously when they are missing. Without credentials there is no anonymous door
 * by accident:
 * - `anonymous` / `loopback`: HOST is a loopback address, and each request must come
 *   from a program on this machine (the Agents Playground, the Emulator);
 * - `anonymous` / `everywhere`: TEAMS_ANONYMOUS=true, set on purpose (never in production);
 * - `closed`: HOST is reachable from other machines: every request gets 401;
 * - `off`: production without credentials: not mounted at all (404).
 */
export type TeamsAuthMode =
  | (Extract<TransportAuth, { mode: 'authenticated' }> & { appType: Config['teams']['appType'] })
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
  return { mode: 'authenticated', appId, appType, ...(appPassword ? { appPassword } : {}), ...(tenantId ? { tenantId } : {}) };
}

/** Microsoft's own tenants whose tokens both SDKs trust (botbuilder's AuthenticationConstants, the Agents SDK's first-party issuers). */
const FIRST_PARTY_TENANTS = ['d6d49420-f39b-4df7-a1dc-d59a935871db', 'f8cdef31-a31e-4b4a-93e4-5f571e91255a', '69e9b82d-4842-4902-8d1e-abc5b98a55e8'];

/** Issuers of tokens a Teams bot accepts: the Bot Framework, Microsoft's own tenants, and the app's tenant. */
export function trustedIssuers(tenantId: string | undefined): string[] {
  const tenants = [...FIRST_PARTY_TENANTS, ...(tenantId ? [tenantId] : [])];
  return ['https://api.botframework.com', ...tenants.flatMap((t) => [`https://sts.windows.net/${t}/`, `https://login.microsoftonline.com/${t}/v2.0`])];
}

/** The signing algorithms both SDKs allow (the Agents SDK only RS256). */
const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** The clock tolerance of both SDKs for `exp` and `nbf`. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const JWT = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * A cheap look at the Bearer token before the SDK verifies it: the reason to refuse
 * it, or undefined to let the SDK check the signature, issuer and service URL. It
 * only ever refuses earlier, never accepts: a token that passes here still needs a
 * valid signature from the Bot Framework's keys. It spares the key fetch for tokens
 * that cannot be valid (for an unknown issuer the Agents SDK would fetch keys from
 * Entra ID first), and botbuilder's own console output (a stack trace for an expired
 * token, the public keys for a bad signature). Both SDKs refuse the same tokens this
 * way, with a 401. Nothing of the token is returned.
 */
export function screenBearer(
  header: string,
  opts: { appId: string; now: Date; issuers: readonly string[]; serviceUrl: string | undefined },
): string | undefined {
  if (header === '') return 'no Authorization header';
  const m = JWT.exec(header);
  if (!m) return 'not a signed Bearer JWT';
  const head = decodePart(m[1]!);
  const claims = decodePart(m[2]!);
  if (!head || !claims) return 'malformed JWT';
  if (typeof head.alg !== 'string' || !SIGNING_ALGORITHMS.includes(head.alg)) return 'signing algorithm not allowed';
  if (typeof head.kid !== 'string' || head.kid === '') return 'no key id';
  if (typeof claims.iss !== 'string') return 'no issuer';
  if (!opts.issuers.includes(claims.iss)) return 'issuer not trusted';
  const aud = claims.aud;
  if (!(aud === opts.appId || (Array.isArray(aud) && aud.includes(opts.appId)))) return 'audience is not this bot';
  const now = opts.now.getTime();
  if (typeof claims.exp !== 'number' || claims.exp * 1000 + CLOCK_SKEW_MS <= now) return 'expired or no expiry';
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf * 1000 - CLOCK_SKEW_MS > now)) return 'not valid yet';
  // The channel names the service URL it signed for; an activity that points elsewhere, or a
  // token that names none, is not from it (botbuilder's rule for channel tokens). The Agents
  // SDK lets a token without the claim through: then any app of a trusted tenant could get a
  // token for this bot and send its replies, with the bot's own token, to a URL of its choice.
  if (claims.serviceurl !== opts.serviceUrl) return claims.serviceurl === undefined ? 'no serviceurl claim' : 'serviceUrl is not the one in the token';
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

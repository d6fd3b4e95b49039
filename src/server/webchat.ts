import { createHash } from 'node:crypto';
import type { WebChatAccess, WebChatUser } from '../../adapters/local/http.js';
import type { Config } from '../config.js';
import { WEB_CHAT_PAGE } from '../dashboard/router.js';
import type { SessionUser, WebSessions } from '../dashboard/session.js';

/**
 * The web chat's access from WEB_CHAT. `signin` reuses the dashboard's sign-in whole:
 * its OpenID Connect client, its sessions (store and cookie) and its callback. Being
 * signed in for the chat gives nothing in /admin: the dashboard still lets only
 * coordinators in.
 */
export function webChatAccess(config: Pick<Config, 'webChat' | 'publicUrl' | 'rateLimits'>, sessions: WebSessions | undefined): WebChatAccess {
  if (config.webChat === 'off') return { mode: 'off' };
  // With the limit off there is nothing to count, so no store look-up per request either.
  if (config.webChat === 'open') return { mode: 'open', limitNewSessions: config.rateLimits.webSessionsPerHour > 0 };
  // loadConfig refuses WEB_CHAT=signin without OIDC_ISSUER (and OIDC needs PUBLIC_URL), so the dashboard is there.
  if (!sessions || !config.publicUrl) throw new Error('WEB_CHAT=signin needs the dashboard sign-in (OIDC_ISSUER)');
  return {
    mode: 'signin',
    origin: new URL(config.publicUrl).origin,
    signInPath: `/admin/login/start?${new URLSearchParams({ terug: WEB_CHAT_PAGE }).toString()}`,
    signedIn: async (req) => {
      const session = await sessions.current(req);
      return session?.user ? webChatUser(session.user) : undefined;
    },
  };
}

export function webChatUser(user: SessionUser): WebChatUser {
  const name = user.name ?? user.email;
  return { id: webChatUserId(user.issuer, user.sub), ...(name ? { name } : {}), ...(user.oid ? { aadObjectId: user.oid } : {}) };
}

/**
 * A signed-in person's web-chat user id (`local:oidc-…` in KNELPUNT_COORDINATORS and
 * privacy requests): the same in every browser and at every sign-in, from the issuer
 * and subject, hashed so the provider's own ids are not spread through the store.
 */
export function webChatUserId(issuer: string, sub: string): string {
  return `oidc-${createHash('sha256').update(`${issuer} ${sub}`).digest('base64url').slice(0, 32)}`;
}

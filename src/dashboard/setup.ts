import type { Router } from 'express';
import type { Config } from '../config.js';
import { openIdClient, type OidcClient } from './oidc.js';
import { dashboardRouter, type DashboardDeps } from './router.js';
import { WebSessions } from './session.js';

export interface DashboardSetupDeps extends Pick<DashboardDeps, 'store' | 'knowledge' | 'log' | 'now' | 'deliveries' | 'coordinators'> {
  config: Config;
  /** Tests may pass their own OpenID client; normally openid-client against OIDC_ISSUER. */
  oidc?: OidcClient;
}

/**
 * The dashboard's router when sign-in is configured, and a start-up log line saying
 * whether it runs and why (not). Its sessions are returned too: the web chat's sign-in
 * (WEB_CHAT=signin) is the same sign-in, with the same cookie and session store.
 */
export function setupDashboard(deps: DashboardSetupDeps): { router: Router | null; note: string; sessions?: WebSessions } {
  const { config } = deps;
  if (!config.oidc || !config.publicUrl) {
    return { router: null, note: 'Dashboard: not mounted (/admin gives 404): OIDC_ISSUER is not set. See README, "Dashboard: beheer".' };
  }
  const sessions = new WebSessions({ store: deps.store, now: deps.now, secure: config.publicUrl.startsWith('https://') });
  const router = dashboardRouter({
    sessions,
    store: deps.store, knowledge: deps.knowledge, log: deps.log, now: deps.now, deliveries: deps.deliveries, coordinators: deps.coordinators,
    defaultLocale: config.defaultLocale, oidc: deps.oidc ?? openIdClient(config.oidc, deps.log), publicUrl: config.publicUrl, redirectUri: config.oidc.redirectUri,
  });
  const who = deps.coordinators.size === 0 ? ' KNELPUNT_COORDINATORS is empty: whoever signs in gets "geen toegang".' : '';
  return { router, sessions, note: `Dashboard: /admin, sign-in with ${config.oidc.issuer} (redirect URI ${config.oidc.redirectUri}).${who}` };
}

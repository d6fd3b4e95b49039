import type { Response } from 'express';
import type { Coordinators } from '../core/knelpunt/coordinators.js';
import type { Deliveries } from '../core/deliveries.js';
import { cleanText } from '../domain/text.js';
import type { Locale } from '../domain/turn.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import type { Logger } from '../log.js';
import type { Store, WebSessionRecord } from '../store/types.js';
import type { SafeHtml } from './html.js';
import { page, type Notice, type Section } from './layout.js';
import type { OidcClient } from './oidc.js';
import type { PageDeps } from './pages/common.js';
import type { SessionUser, WebSessions } from './session.js';
import { texts } from './texts.js';

/**
 * What the dashboard's middleware and route modules share: its dependencies, and the
 * small helpers every handler uses to read the signed-in person and answer with a page.
 */
export interface DashboardDeps {
  store: Store;
  knowledge: KnowledgeBase;
  log: Logger;
  now: () => Date;
  /** Reporter updates after a status change (queued, like in chat). */
  deliveries: Deliveries;
  coordinators: Coordinators;
  defaultLocale: Locale;
  oidc: OidcClient;
  /** PUBLIC_URL: the only origin allowed to post forms, and the base of the redirect URI. */
  publicUrl: string;
  redirectUri: string;
  /** The sign-in sessions, shared with the web chat (WEB_CHAT=signin). */
  sessions: WebSessions;
}

export interface DashboardContext {
  deps: DashboardDeps;
  /** What the page renderers (pages/*) need, and nothing more. */
  pages: PageDeps;
  /** The origin of PUBLIC_URL. */
  origin: string;
}

export function dashboardContext(deps: DashboardDeps): DashboardContext {
  return { deps, pages: { store: deps.store, knowledge: deps.knowledge, now: deps.now }, origin: new URL(deps.publicUrl).origin };
}

/** The session `loadSession` found for this request. */
export interface SignedIn {
  session: WebSessionRecord;
  user: SessionUser;
}

export function setSignedIn(res: Response, s: SignedIn): void {
  res.locals.signed = s;
}

/** The session, when `loadSession` has run for this request (error pages may come before it). */
export function maybeSignedIn(res: Response): SignedIn | undefined {
  return res.locals.signed as SignedIn | undefined;
}

export function signedIn(res: Response): SignedIn {
  const s = maybeSignedIn(res);
  if (!s) throw new Error('dashboard: a page route runs before loadSession');
  return s;
}

/** The coordinator id of the person signed in; only for routes behind `coordinatorsOnly`. */
export function coordinatorOf(res: Response): { id: string; name?: string } {
  const { user } = signedIn(res);
  if (!user.coordinatorId) throw new Error('dashboard: a coordinator route runs before coordinatorsOnly');
  return { id: user.coordinatorId, ...(user.name ? { name: user.name } : {}) };
}

/** Who the header names (a name, else the e-mail address, never the account id), and the sign-out form's token. */
export function headerUser(s: SignedIn): { name: string; csrf: string } {
  return { name: s.user.name ?? s.user.email ?? texts().names.unnamedUser, csrf: s.session.csrf };
}

export function sendHtml(res: Response, status: number, body: string): void {
  res.status(status).type('html').send(body);
}

/** A dashboard page for the person signed in. */
export function renderPage(res: Response, status: number, o: { title: string; section?: Section; body: SafeHtml; notices?: Notice[] }): void {
  sendHtml(res, status, page({ ...o, user: headerUser(signedIn(res)) }));
}

/** A form or query field as text, through the one text boundary (src/domain/text.ts). */
export const formText = (v: unknown): string | undefined => (typeof v === 'string' ? cleanText(v) : undefined);

export const loginUrl = (params: Record<string, string>): string => `/admin/login?${new URLSearchParams(params).toString()}`;

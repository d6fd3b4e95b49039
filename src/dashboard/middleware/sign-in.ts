import express, { type Request, type Response, type Router } from 'express';
import { userHash } from '../../log.js';
import { formText, loginUrl, sendHtml, type DashboardContext } from '../context.js';
import { html } from '../html.js';
import { messagePage, type Notice } from '../layout.js';
import { ProviderUnavailableError, SignInError } from '../oidc.js';
import { texts } from '../texts.js';

/**
 * Signing in with OpenID Connect: the sign-in page, the start (a fresh state, nonce and
 * PKCE verifier, then off to the provider) and the callback, which makes a new session.
 * These three need no session; everything after them does.
 */

/** Per client address; generous, because a whole office may share one address. */
const LOGIN_STARTS_PER_MINUTE = 60;
/** Expired sessions are pruned at a sign-in start, at most this often. */
const PRUNE_EVERY_MS = 3_600_000;

/** The web chat's page: a sign-in that starts there (WEB_CHAT=signin) returns there, coordinator or not. */
export const WEB_CHAT_PAGE = '/';

/** Where to go after sign-in: only a dashboard page on this site, or the web chat (never an open redirect). */
export function safeReturnTo(value: unknown): string {
  if (value === WEB_CHAT_PAGE) return WEB_CHAT_PAGE;
  if (typeof value !== 'string' || value.length > 1000) return '/admin/overzicht';
  if (!/^\/admin(\/[^\\\s]*)?(\?[^\\\s]*)?$/.test(value) || /^\/admin\/(login|callback|logout)/.test(value) || value.includes('//')) return '/admin/overzicht';
  return value === '/admin' ? '/admin/overzicht' : value;
}

/** Why a sign-in failed, as the `fout` query value of the sign-in page, and what that page says. */
const FAILURES = { ongeldig: 'failed', afgebroken: 'denied', onbereikbaar: 'unavailable' } as const;
type Failure = keyof typeof FAILURES;

export function signInRoutes(ctx: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/login', signInPage(ctx));
  router.get('/admin/login/start', startSignIn(ctx));
  router.get('/admin/callback', callback(ctx));
  return router;
}

function signInPage({ deps }: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const t = texts().login;
    const returnTo = safeReturnTo(req.query.terug);
    const forChat = returnTo === WEB_CHAT_PAGE;
    const current = await deps.sessions.current(req);
    if (current?.user?.coordinatorId || (current?.user && forChat)) {
      res.redirect(303, returnTo);
      return;
    }
    const fout = formText(req.query.fout);
    const notices: Notice[] = [];
    if (req.query.uitgelogd !== undefined) notices.push({ kind: 'success', text: t.signedOut });
    if (req.query.verlopen !== undefined) notices.push({ kind: 'info', text: t.expired });
    if (fout && Object.hasOwn(FAILURES, fout)) notices.push({ kind: 'error', text: t[FAILURES[fout as Failure]] });
    const start = `/admin/login/start?${new URLSearchParams({ terug: returnTo }).toString()}`;
    sendHtml(res, 200, messagePage({
      title: t.title,
      paragraphs: [forChat ? t.introChat : t.intro],
      notices,
      // A link, not a form: a form POST that redirects to the provider is blocked by form-action 'self'.
      extra: html`<p><a class="button button--primary" href="${start}">${t.button}</a></p><p class="muted">${t.privacy}</p>`,
    }));
  };
}

function startSignIn({ deps }: DashboardContext) {
  let lastPrune = 0;
  return async (req: Request, res: Response): Promise<void> => {
    // Every start writes a short-lived record: at most 60 a minute per address.
    const allowed = await deps.store.rateLimits.take(`dashboard-login:${req.ip ?? '?'}`, LOGIN_STARTS_PER_MINUTE, 60_000, deps.now());
    if (!allowed.ok) {
      res.set('Retry-After', '60');
      sendHtml(res, 429, messagePage({ title: texts().login.title, paragraphs: [texts().login.tooMany] }));
      return;
    }
    try {
      const { url, checks } = await deps.oidc.begin(safeReturnTo(req.query.terug));
      await deps.sessions.startLogin(req, res, checks);
      if (deps.now().getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = deps.now().getTime();
        deps.store.sessions.prune(deps.now()).catch((err: unknown) => deps.log.warn({ err }, 'dashboard: pruning sessions failed'));
      }
      res.redirect(303, url.href);
    } catch (err) {
      if (!(err instanceof ProviderUnavailableError)) throw err;
      deps.log.error({ err: err.message }, 'dashboard: the OpenID provider cannot be reached');
      res.redirect(303, loginUrl({ fout: 'onbereikbaar' }));
    }
  };
}

function callback({ deps, origin }: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    // Taken once: a replayed or second callback finds nothing.
    const checks = await deps.sessions.takeLogin(req);
    const refuse = (fout: Failure, why: string): void => {
      deps.log.warn({ why }, 'dashboard: sign-in refused');
      // The sign-in in progress is gone; a signed-in session (a replay from the same browser) stays.
      if (checks) deps.sessions.clearCookie(res);
      res.redirect(303, loginUrl({ fout, ...(checks?.returnTo === WEB_CHAT_PAGE ? { terug: WEB_CHAT_PAGE } : {}) }));
    };
    if (req.query.error !== undefined) return refuse('afgebroken', `provider answered ${String(formText(req.query.error) ?? 'an error').slice(0, 60)}`);
    if (!checks) return refuse('ongeldig', 'no sign-in in progress for this browser (replayed, expired or forged callback)');
    const callbackUrl = new URL(deps.redirectUri);
    callbackUrl.search = new URL(req.originalUrl, origin).search;
    let claims;
    try {
      claims = await deps.oidc.complete(callbackUrl, checks);
    } catch (err) {
      if (err instanceof ProviderUnavailableError) return refuse('onbereikbaar', err.message);
      if (err instanceof SignInError) return refuse('ongeldig', err.message);
      throw err;
    }
    const coordinatorId = deps.coordinators.identifyClaims(claims) ?? undefined;
    await deps.sessions.signIn(res, {
      issuer: claims.issuer,
      sub: claims.sub,
      ...(claims.name ? { name: claims.name } : {}),
      ...(claims.email ? { email: claims.email } : {}),
      ...(claims.oid ? { oid: claims.oid } : {}),
      ...(coordinatorId ? { coordinatorId } : {}),
    });
    deps.log.info({ userHash: userHash(`oidc:${claims.issuer}:${claims.sub}`), coordinator: coordinatorId !== undefined }, 'dashboard: signed in');
    // A coordinator goes where they were going; anyone else to the web chat when they came from there, else to "geen toegang".
    res.redirect(303, coordinatorId || checks.returnTo === WEB_CHAT_PAGE ? checks.returnTo : '/admin/overzicht');
  };
}

/** POST /admin/logout: after the CSRF check, so another site cannot sign anyone out. */
export function signOut({ deps }: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    await deps.sessions.end(req, res);
    res.redirect(303, loginUrl({ uitgelogd: '1' }));
  };
}

import path from 'node:path';
import { cleanText, truncateText } from '../domain/text.js';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Coordinators } from '../core/knelpunt/coordinators.js';
import { TOELICHTING_MAX, validateToelichting } from '../core/knelpunt/form.js';
import { changeKnelpuntStatus, type ReporterNotice } from '../core/knelpunt/service.js';
import { needsToelichting } from '../domain/knelpunt.js';
import type { Locale } from '../domain/turn.js';
import type { Deliveries } from '../core/deliveries.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import { userHash, type Logger } from '../log.js';
import { type Store, type WebSessionRecord } from '../store/types.js';
import { KNELPUNT_STATUSES, type KnelpuntStatus } from '../domain/knelpunt.js';
import { html, type SafeHtml } from './html.js';
import { ASSETS, messagePage, page, type Notice, type Section } from './layout.js';
import { ProviderUnavailableError, SignInError, type OidcClient } from './oidc.js';
import { d, statusLabel } from './pages/common.js';
import { kennisvragenPage, knowledgeFileFor, markGroupHandled } from './pages/kennisvragen.js';
import { REF_PATTERN, knelpuntDetailBody, knelpuntenExport, knelpuntenListPage, type StatusFormState } from './pages/knelpunten.js';
import { lessenPage } from './pages/lessen.js';
import { overviewPage, type PageDeps } from './pages/overview.js';
import { planningPage } from './pages/planning.js';
import { sameSecret, WebSessions, type SessionUser } from './session.js';

/** The stylesheet, next to this file (`npm run build` copies it into `dist/`). */
const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

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

type Signed = { session: WebSessionRecord; user: SessionUser };

/** Per client address; generous, because a whole office may share one address. */
const LOGIN_STARTS_PER_MINUTE = 60;

/** The web chat's page: a sign-in that starts there (WEB_CHAT=signin) returns there, coordinator or not. */
export const WEB_CHAT_PAGE = '/';

/** Where to go after sign-in: only a dashboard page on this site, or the web chat (never an open redirect). */
export function safeReturnTo(value: unknown): string {
  if (value === WEB_CHAT_PAGE) return WEB_CHAT_PAGE;
  if (typeof value !== 'string' || value.length > 1000) return '/admin/overzicht';
  if (!/^\/admin(\/[^\\\s]*)?(\?[^\\\s]*)?$/.test(value) || /^\/admin\/(login|callback|logout)/.test(value) || value.includes('//')) return '/admin/overzicht';
  return value === '/admin' ? '/admin/overzicht' : value;
}

const hasBearer = (req: Request): boolean => /^bearer\s/i.test(req.get('authorization') ?? '');
/** A form or query field as text, through the one text boundary (src/domain/text.ts). */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? cleanText(v) : undefined);
const isStatus = (v: unknown): v is KnelpuntStatus => typeof v === 'string' && (KNELPUNT_STATUSES as readonly string[]).includes(v);

/**
 * The IBP team dashboard under /admin: OpenID Connect sign-in, then server-rendered
 * pages for coordinators. How it shares /admin with the bearer-token export API:
 * a request with `Authorization: Bearer` leaves this router at once and goes to the
 * token API (401 for a wrong token); every other request under /admin without a
 * session is redirected to the sign-in page. ADMIN_TOKEN never opens a page.
 */
export function dashboardRouter(deps: DashboardDeps): Router {
  const router = express.Router();
  const origin = new URL(deps.publicUrl).origin;
  const { sessions } = deps;
  const pageDeps: PageDeps = { store: deps.store, knowledge: deps.knowledge, now: deps.now };
  const { log } = deps;
  const t = d();
  let lastPrune = 0;

  const signed = (res: Response): Signed => res.locals.signed as Signed;
  const pageUser = (s: Signed): { name: string; csrf: string } => ({ name: s.user.name ?? s.user.email ?? s.user.sub, csrf: s.session.csrf });
  const send = (res: Response, status: number, body: string): void => {
    res.status(status).type('html').send(body);
  };
  const render = (res: Response, status: number, o: { title: string; section?: Section; body: SafeHtml; notices?: Notice[] }): void =>
    send(res, status, page({ ...o, user: pageUser(signed(res)) }));
  const loginUrl = (params: Record<string, string>): string => `/admin/login?${new URLSearchParams(params).toString()}`;

  router.use(ASSETS, express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));

  router.use('/admin', (req: Request, res: Response, next: NextFunction) => {
    // The export API's callers: straight to the token API, never into the pages.
    if (hasBearer(req)) {
      next('router');
      return;
    }
    // Pages with personal data: not cached, and forms send their Origin (helmet's no-referrer would make it "null").
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'X-Robots-Tag': 'noindex, nofollow' });
    next();
  });

  // ---- sign-in ---------------------------------------------------------------------

  router.get('/admin/login', async (req: Request, res: Response) => {
    const returnTo = safeReturnTo(req.query.terug);
    const forChat = returnTo === WEB_CHAT_PAGE;
    const current = await sessions.current(req);
    if (current?.user?.coordinatorId || (current?.user && forChat)) {
      res.redirect(303, returnTo);
      return;
    }
    const fout = str(req.query.fout);
    const notices: Notice[] = [];
    if (req.query.uitgelogd !== undefined) notices.push({ kind: 'success', text: t.login.signedOut });
    if (req.query.verlopen !== undefined) notices.push({ kind: 'info', text: t.login.expired });
    if (fout === 'ongeldig') notices.push({ kind: 'error', text: t.login.failed });
    if (fout === 'afgebroken') notices.push({ kind: 'error', text: t.login.denied });
    if (fout === 'onbereikbaar') notices.push({ kind: 'error', text: t.login.unavailable });
    const start = `/admin/login/start?${new URLSearchParams({ terug: returnTo }).toString()}`;
    send(res, 200, messagePage({
      title: t.login.title,
      paragraphs: [forChat ? t.login.introChat : t.login.intro],
      notices,
      // A link, not a form: a form POST that redirects to the provider is blocked by form-action 'self'.
      extra: html`<p><a class="button button--primary" href="${start}">${t.login.button}</a></p><p class="muted">${t.login.privacy}</p>`,
    }));
  });

  router.get('/admin/login/start', async (req: Request, res: Response) => {
    // Every start writes a short-lived record: at most 60 a minute per address.
    const allowed = await deps.store.rateLimits.take(`dashboard-login:${req.ip ?? '?'}`, LOGIN_STARTS_PER_MINUTE, 60_000, deps.now());
    if (!allowed.ok) {
      res.set('Retry-After', '60');
      send(res, 429, messagePage({ title: t.login.title, paragraphs: [t.login.tooMany] }));
      return;
    }
    try {
      const { url, checks } = await deps.oidc.begin(safeReturnTo(req.query.terug));
      await sessions.startLogin(req, res, checks);
      if (deps.now().getTime() - lastPrune > 3_600_000) {
        lastPrune = deps.now().getTime();
        deps.store.sessions.prune(deps.now()).catch((err: unknown) => log.warn({ err }, 'dashboard: pruning sessions failed'));
      }
      res.redirect(303, url.href);
    } catch (err) {
      if (!(err instanceof ProviderUnavailableError)) throw err;
      log.error({ err: err.message }, 'dashboard: the OpenID provider cannot be reached');
      res.redirect(303, loginUrl({ fout: 'onbereikbaar' }));
    }
  });

  router.get('/admin/callback', async (req: Request, res: Response) => {
    // Taken once: a replayed or second callback finds nothing.
    const checks = await sessions.takeLogin(req);
    const refuse = (fout: string, why: string): void => {
      log.warn({ why }, 'dashboard: sign-in refused');
      // The sign-in in progress is gone; a signed-in session (a replay from the same browser) stays.
      if (checks) sessions.clearCookie(res);
      res.redirect(303, loginUrl({ fout, ...(checks?.returnTo === WEB_CHAT_PAGE ? { terug: WEB_CHAT_PAGE } : {}) }));
    };
    if (req.query.error !== undefined) return refuse('afgebroken', `provider answered ${String(str(req.query.error) ?? 'an error').slice(0, 60)}`);
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
    await sessions.signIn(res, {
      issuer: claims.issuer,
      sub: claims.sub,
      ...(claims.name ? { name: claims.name } : {}),
      ...(claims.email ? { email: claims.email } : {}),
      ...(claims.oid ? { oid: claims.oid } : {}),
      ...(coordinatorId ? { coordinatorId } : {}),
    });
    log.info({ userHash: userHash(`oidc:${claims.issuer}:${claims.sub}`), coordinator: coordinatorId !== undefined }, 'dashboard: signed in');
    // A coordinator goes where they were going; anyone else to the web chat when they came from there, else to "geen toegang".
    res.redirect(303, coordinatorId || checks.returnTo === WEB_CHAT_PAGE ? checks.returnTo : '/admin/overzicht');
  });

  // ---- everything else needs a session ------------------------------------------------

  router.use('/admin', async (req: Request, res: Response, next: NextFunction) => {
    const session = await sessions.current(req);
    if (!session?.user) {
      const returnTo = req.method === 'GET' || req.method === 'HEAD' ? safeReturnTo(req.originalUrl) : '/admin/overzicht';
      res.redirect(303, loginUrl({ ...(sessions.hadCookie(req) ? { verlopen: '1' } : {}), terug: returnTo }));
      return;
    }
    res.locals.signed = { session, user: session.user } satisfies Signed;
    next();
  });

  // Every state-changing request: same origin (Origin header, else Referer) and the session's CSRF token.
  const parseForm = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 20 });
  router.use('/admin', (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    parseForm(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      const from = req.get('origin') ?? (req.get('referer') ? safeOrigin(req.get('referer')!) : undefined);
      const token = str((req.body as Record<string, unknown> | undefined)?._csrf) ?? '';
      if (from !== origin || !sameSecret(token, signed(res).session.csrf)) {
        log.warn({ path: req.path, originOk: from === origin }, 'dashboard: state-changing request refused (origin or CSRF token)');
        send(res, 403, messagePage({ title: t.errors.csrfTitle, paragraphs: [t.errors.csrf], user: pageUser(signed(res)), menu: Boolean(signed(res).user.coordinatorId), extra: html`<p><a href="/admin/overzicht">${t.errors.back}</a></p>` }));
        return;
      }
      next();
    });
  });

  router.post('/admin/logout', async (req: Request, res: Response) => {
    await sessions.end(req, res);
    res.redirect(303, '/admin/login?uitgelogd=1');
  });

  // Signed in, but not a coordinator: a polite page and nothing else.
  router.use('/admin', (_req: Request, res: Response, next: NextFunction) => {
    const s = signed(res);
    if (s.user.coordinatorId) {
      next();
      return;
    }
    send(res, 403, messagePage({
      title: t.forbidden.title,
      paragraphs: [t.forbidden.body(pageUser(s).name), t.forbidden.help],
      user: pageUser(s),
      menu: false,
      extra: html`<p><a href="/admin/login/start">${t.forbidden.otherAccount}</a></p>`,
    }));
  });

  // ---- pages ---------------------------------------------------------------------------

  router.get('/admin', (_req: Request, res: Response) => res.redirect(303, '/admin/overzicht'));

  router.get('/admin/overzicht', async (_req: Request, res: Response) => {
    const { title, body } = await overviewPage(pageDeps);
    render(res, 200, { title, section: 'overzicht', body });
  });

  router.get('/admin/knelpunten', async (req: Request, res: Response) => {
    const p = await knelpuntenListPage(pageDeps, req.query);
    render(res, 200, { ...p, section: 'knelpunten' });
  });

  router.get('/admin/knelpunten/export.:format', async (req: Request, res: Response, next: NextFunction) => {
    const format = req.params.format;
    if (format !== 'csv' && format !== 'json') {
      next();
      return;
    }
    const file = await knelpuntenExport(pageDeps, req.query, format);
    log.info({ format, by: userHash(signed(res).user.coordinatorId!) }, 'dashboard: knelpunten exported');
    if (format === 'csv') res.type('text/csv; charset=utf-8').attachment('knelpunten.csv').send(file);
    else res.type('application/json; charset=utf-8').attachment('knelpunten.json').send(file);
  });

  const detail = async (res: Response, ref: string, status: number, state: StatusFormState = {}, notices: Notice[] = []): Promise<void> => {
    const kp = REF_PATTERN.test(ref) ? await deps.store.knelpunten.get(ref) : undefined;
    if (!kp) {
      render(res, 404, { title: t.errors.notFoundTitle, section: 'knelpunten', body: html`<p>${t.errors.notFound}</p><p><a href="/admin/knelpunten">${t.detail.back}</a></p>` });
      return;
    }
    render(res, status, { title: t.detail.title(kp.ref), section: 'knelpunten', body: knelpuntDetailBody(pageDeps, kp, signed(res).session.csrf, state), notices });
  };

  const NOTICES: Record<ReporterNotice, string> = { queued: t.detail.noticeQueued, anonymous: t.detail.noticeAnonymous };

  router.get('/admin/knelpunten/:ref', async (req: Request, res: Response) => {
    const notices: Notice[] = [];
    const changed = req.query.gewijzigd;
    const melding = str(req.query.melding);
    if (isStatus(changed)) {
      notices.push({ kind: 'success', text: t.detail.changed(statusLabel(changed)) });
      if (melding && Object.hasOwn(NOTICES, melding)) notices.push({ kind: 'success', text: NOTICES[melding as ReporterNotice] });
    }
    await detail(res, String(req.params.ref), 200, {}, notices);
  });

  router.post('/admin/knelpunten/:ref/status', async (req: Request, res: Response) => {
    const ref = String(req.params.ref);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const to = body.to;
    const from = body.from;
    const toelichting = truncateText(str(body.toelichting) ?? '', TOELICHTING_MAX * 4);
    const keep: StatusFormState = { ...(typeof to === 'string' ? { to } : {}), toelichting };
    const errorNotice: Notice[] = [{ kind: 'error', text: t.detail.errorsIntro }];
    if (!isStatus(to)) return detail(res, ref, 422, { ...keep, errors: { to: t.detail.chooseStatus } }, errorNotice);
    if (!isStatus(from)) return detail(res, ref, 400, keep, [{ kind: 'error', text: t.detail.invalid }]);
    let text: string | undefined;
    if (needsToelichting(to) || toelichting.trim() !== '') {
      const checked = validateToelichting({ toelichting }, 'nl');
      if (!checked.ok) return detail(res, ref, 422, { ...keep, errors: { toelichting: checked.errors.toelichting ?? t.detail.errorsIntro } }, errorNotice);
      text = checked.value;
    }
    const by = signed(res).user.coordinatorId!;
    const result = await changeKnelpuntStatus(
      { store: deps.store, knowledge: deps.knowledge, deliveries: deps.deliveries, log, now: deps.now, defaultLocale: deps.defaultLocale },
      { ref, from, to, by, ...(text ? { toelichting: text } : {}) },
    );
    if (result.ok) {
      res.redirect(303, `/admin/knelpunten/${result.knelpunt.ref}?${new URLSearchParams({ gewijzigd: to, melding: result.notice }).toString()}`);
      return;
    }
    if (result.reason === 'stale') return detail(res, ref, 409, {}, [{ kind: 'error', text: t.detail.stale(statusLabel(result.knelpunt.status)) }]);
    if (result.reason === 'toelichting_required') {
      return detail(res, ref, 422, { ...keep, errors: { toelichting: requiredMessage() } }, errorNotice);
    }
    if (result.reason === 'not_found') return detail(res, ref, 404);
    return detail(res, ref, 400, keep, [{ kind: 'error', text: t.detail.invalid }]);
  });

  router.get('/admin/kennisvragen', async (req: Request, res: Response) => {
    const p = await kennisvragenPage(pageDeps, req.query, signed(res).session.csrf);
    const notices = [...p.notices];
    const done = str(req.query.afgehandeld);
    if (done && /^\d{1,7}$/.test(done)) notices.unshift({ kind: 'success', text: t.gaps.handledDone(Number(done)) });
    if (req.query.fout === 'groep') notices.unshift({ kind: 'error', text: t.gaps.groupGone });
    render(res, 200, { ...p, notices, section: 'kennisvragen' });
  });

  router.get('/admin/kennisvragen/kennisitem', async (req: Request, res: Response) => {
    const file = await knowledgeFileFor(pageDeps, str(req.query.groep) ?? '');
    if (!file) {
      render(res, 404, { title: t.errors.notFoundTitle, section: 'kennisvragen', body: html`<p>${t.gaps.groupGone}</p><p><a href="/admin/kennisvragen">${t.gaps.title}</a></p>` });
      return;
    }
    res.type('text/markdown; charset=utf-8').attachment(file.fileName).send(file.content);
  });

  router.post('/admin/kennisvragen/afgehandeld', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const n = await markGroupHandled(pageDeps, str(body.groep) ?? '', str(body.tot) ?? '', signed(res).user.coordinatorId!);
    if (n === undefined || n === 0) {
      res.redirect(303, '/admin/kennisvragen?fout=groep');
      return;
    }
    log.info({ count: n }, 'dashboard: knowledge gaps marked handled');
    res.redirect(303, `/admin/kennisvragen?afgehandeld=${n}`);
  });

  router.get('/admin/lessen', async (req: Request, res: Response) => {
    const p = await lessenPage(pageDeps, req.query);
    render(res, 200, { ...p, section: 'lessen' });
  });

  router.get('/admin/planning', async (req: Request, res: Response) => {
    const p = await planningPage(pageDeps, req.query);
    render(res, 200, { ...p, section: 'planning' });
  });

  router.use('/admin', (_req: Request, res: Response) => {
    render(res, 404, { title: t.errors.notFoundTitle, body: html`<p>${t.errors.notFound}</p><p><a href="/admin/overzicht">${t.errors.back}</a></p>` });
  });

  // Errors on dashboard routes: a friendly page, details only in the log.
  router.use('/admin', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = (err as { status?: number }).status;
    const user = res.locals.signed ? pageUser(signed(res)) : undefined;
    if (status === 413 || status === 400) {
      send(res, status, messagePage({ title: t.errors.tooLargeTitle, paragraphs: [status === 413 ? t.errors.tooLarge : t.errors.server], ...(user ? { user } : {}) }));
      return;
    }
    log.error({ err }, 'dashboard: request failed');
    send(res, 500, messagePage({ title: t.errors.serverTitle, paragraphs: [t.errors.server], ...(user ? { user } : {}), extra: html`<p><a href="/admin/overzicht">${t.errors.back}</a></p>` }));
  });

  return router;
}

/** The chat form's own message for an empty toelichting, so both say the same. */
function requiredMessage(): string {
  const v = validateToelichting({}, 'nl');
  return v.ok ? '' : (v.errors.toelichting ?? '');
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

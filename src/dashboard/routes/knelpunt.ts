import express, { type Request, type Response, type Router } from 'express';
import { TOELICHTING_MAX, validateToelichting } from '../../core/knelpunt/form.js';
import { changeKnelpuntStatus, type ReporterNotice } from '../../core/knelpunt/service.js';
import { KNELPUNT_STATUSES, needsToelichting, type KnelpuntStatus } from '../../domain/knelpunt.js';
import { truncateText } from '../../domain/text.js';
import { coordinatorOf, formText, renderPage, signedIn, type DashboardContext } from '../context.js';
import { html } from '../html.js';
import type { Notice } from '../layout.js';
import { statusLabel } from '../pages/common.js';
import { REF_PATTERN, knelpuntDetailBody, type StatusFormState } from '../pages/knelpunt.js';
import { texts } from '../texts.js';

/**
 * One knelpunt: GET /admin/knelpunten/:ref shows it, POST …/:ref/status changes its
 * status through the same service as the chat (the flow's rules, the compare-and-set,
 * the reporter's update). A form with an error comes back with what was typed.
 */
const isStatus = (v: unknown): v is KnelpuntStatus => typeof v === 'string' && (KNELPUNT_STATUSES as readonly string[]).includes(v);

/** The chat form's own message for an empty toelichting, so both say the same. */
function requiredMessage(): string {
  const v = validateToelichting({}, 'nl');
  return v.ok ? '' : (v.errors.toelichting ?? '');
}

export function knelpuntRoutes(ctx: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/knelpunten/:ref', showKnelpunt(ctx));
  router.post('/admin/knelpunten/:ref/status', changeStatus(ctx));
  return router;
}

/** The page for `ref` (404 when there is none), with the status form in `state`. */
async function detail({ deps, pages }: DashboardContext, res: Response, ref: string, status: number, state: StatusFormState = {}, notices: Notice[] = []): Promise<void> {
  const t = texts();
  const kp = REF_PATTERN.test(ref) ? await deps.store.knelpunten.get(ref) : undefined;
  if (!kp) {
    renderPage(res, 404, { title: t.errors.notFoundTitle, section: 'knelpunten', body: html`<p>${t.errors.notFound}</p><p><a href="/admin/knelpunten">${t.detail.back}</a></p>` });
    return;
  }
  const body = knelpuntDetailBody(pages, kp, signedIn(res).session.csrf, state, coordinatorOf(res));
  renderPage(res, status, { title: t.detail.title(kp.ref), section: 'knelpunten', body, notices });
}

function showKnelpunt(ctx: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const t = texts().detail;
    const reporterNotices: Record<ReporterNotice, string> = { queued: t.noticeQueued, anonymous: t.noticeAnonymous };
    const notices: Notice[] = [];
    const changed = req.query.gewijzigd;
    const melding = formText(req.query.melding);
    if (isStatus(changed)) {
      notices.push({ kind: 'success', text: t.changed(statusLabel(changed)) });
      if (melding && Object.hasOwn(reporterNotices, melding)) notices.push({ kind: 'success', text: reporterNotices[melding as ReporterNotice] });
    }
    await detail(ctx, res, String(req.params.ref), 200, {}, notices);
  };
}

function changeStatus(ctx: DashboardContext) {
  const { deps } = ctx;
  return async (req: Request, res: Response): Promise<void> => {
    const t = texts().detail;
    const ref = String(req.params.ref);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { to, from } = body;
    const toelichting = truncateText(formText(body.toelichting) ?? '', TOELICHTING_MAX * 4);
    const keep: StatusFormState = { ...(typeof to === 'string' ? { to } : {}), toelichting };
    const errorNotice: Notice[] = [{ kind: 'error', text: t.errorsIntro }];
    if (!isStatus(to)) return detail(ctx, res, ref, 422, { ...keep, errors: { to: t.chooseStatus } }, errorNotice);
    if (!isStatus(from)) return detail(ctx, res, ref, 400, keep, [{ kind: 'error', text: t.invalid }]);
    let text: string | undefined;
    if (needsToelichting(to, from) || toelichting.trim() !== '') {
      const checked = validateToelichting({ toelichting }, 'nl');
      if (!checked.ok) return detail(ctx, res, ref, 422, { ...keep, errors: { toelichting: checked.errors.toelichting ?? t.errorsIntro } }, errorNotice);
      text = checked.value;
    }
    // The name from the sign-in goes into the history beside the id (the service cleans it).
    const by = coordinatorOf(res);
    const result = await changeKnelpuntStatus(
      { store: deps.store, knowledge: deps.knowledge, deliveries: deps.deliveries, log: deps.log, now: deps.now, defaultLocale: deps.defaultLocale },
      { ref, from, to, by: by.id, ...(by.name ? { byName: by.name } : {}), ...(text ? { toelichting: text } : {}) },
    );
    if (result.ok) {
      res.redirect(303, `/admin/knelpunten/${result.knelpunt.ref}?${new URLSearchParams({ gewijzigd: to, melding: result.notice }).toString()}`);
      return;
    }
    if (result.reason === 'stale') return detail(ctx, res, ref, 409, {}, [{ kind: 'error', text: t.stale(statusLabel(result.knelpunt.status)) }]);
    if (result.reason === 'toelichting_required') return detail(ctx, res, ref, 422, { ...keep, errors: { toelichting: requiredMessage() } }, errorNotice);
    if (result.reason === 'not_found') return detail(ctx, res, ref, 404);
    return detail(ctx, res, ref, 400, keep, [{ kind: 'error', text: t.invalid }]);
  };
}

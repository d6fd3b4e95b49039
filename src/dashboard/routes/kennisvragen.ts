import express, { type Request, type Response, type Router } from 'express';
import { coordinatorOf, formText, renderPage, signedIn, type DashboardContext } from '../context.js';
import { html } from '../html.js';
import { kennisvragenPage, knowledgeFileFor, markGroupHandled, outcomeOf } from '../pages/kennisvragen.js';
import { texts } from '../texts.js';

/**
 * Kennisvragen (questions the bot could not answer): the grouped list, "Maak kennisitem"
 * (a Markdown file to download; the dashboard never writes to knowledge/) and "Markeer
 * als afgehandeld" (a POST, then back to the list with how many were marked).
 */
export function kennisvragenRoutes(ctx: DashboardContext): Router {
  const router = express.Router();
  router.get('/admin/kennisvragen', showGroups(ctx));
  router.get('/admin/kennisvragen/kennisitem', knowledgeFile(ctx));
  router.post('/admin/kennisvragen/afgehandeld', markHandled(ctx));
  return router;
}

function showGroups({ pages }: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const t = texts().gaps;
    const p = await kennisvragenPage(pages, req.query, signedIn(res).session.csrf);
    const notices = [...p.notices];
    const done = formText(req.query.afgehandeld);
    if (done && /^\d{1,7}$/.test(done)) notices.unshift({ kind: 'success', text: t.handledDone(Number(done)) });
    if (req.query.fout === 'groep') notices.unshift({ kind: 'error', text: t.groupGone });
    renderPage(res, 200, { ...p, notices, section: 'kennisvragen' });
  };
}

function knowledgeFile({ pages }: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const t = texts();
    const file = await knowledgeFileFor(pages, formText(req.query.groep) ?? '', outcomeOf(formText(req.query.uitkomst)));
    if (!file) {
      renderPage(res, 404, { title: t.errors.notFoundTitle, section: 'kennisvragen', body: html`<p>${t.gaps.groupGone}</p><p><a href="/admin/kennisvragen">${t.gaps.title}</a></p>` });
      return;
    }
    res.type('text/markdown; charset=utf-8').attachment(file.fileName).send(file.content);
  };
}

function markHandled({ deps, pages }: DashboardContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const outcome = outcomeOf(formText(body.uitkomst));
    const n = await markGroupHandled(pages, formText(body.groep) ?? '', formText(body.tot) ?? '', coordinatorOf(res).id, outcome);
    if (n === undefined || n === 0) {
      res.redirect(303, `/admin/kennisvragen?fout=groep${outcome ? `&uitkomst=${outcome}` : ''}`);
      return;
    }
    deps.log.info({ count: n }, 'dashboard: knowledge gaps marked handled');
    res.redirect(303, `/admin/kennisvragen?afgehandeld=${n}${outcome ? `&uitkomst=${outcome}` : ''}`);
  };
}

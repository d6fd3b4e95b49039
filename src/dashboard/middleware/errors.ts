import type { NextFunction, Request, Response } from 'express';
import { headerUser, maybeSignedIn, renderPage, sendHtml, type DashboardContext } from '../context.js';
import { html } from '../html.js';
import { messagePage } from '../layout.js';
import { texts } from '../texts.js';

/** The last route under /admin: any other path is a friendly 404 inside the dashboard. */
export function notFound(_req: Request, res: Response): void {
  const t = texts().errors;
  renderPage(res, 404, { title: t.notFoundTitle, body: html`<p>${t.notFound}</p><p><a href="/admin/overzicht">${t.back}</a></p>` });
}

/** Errors on dashboard routes: a friendly page, the details only in the log. */
export function errorPage({ deps }: DashboardContext) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const t = texts().errors;
    const status = (err as { status?: number }).status;
    const signed = maybeSignedIn(res);
    const user = signed ? { user: headerUser(signed) } : {};
    if (status === 413) {
      sendHtml(res, 413, messagePage({ title: t.tooLargeTitle, paragraphs: [t.tooLarge], ...user }));
      return;
    }
    if (status === 400) {
      sendHtml(res, 400, messagePage({ title: t.badRequestTitle, paragraphs: [t.badRequest], ...user }));
      return;
    }
    deps.log.error({ err }, 'dashboard: request failed');
    sendHtml(res, 500, messagePage({ title: t.serverTitle, paragraphs: [t.server], ...user, extra: html`<p><a href="/admin/overzicht">${t.back}</a></p>` }));
  };
}

import express, { type NextFunction, type Request, type Response } from 'express';
import { formText, headerUser, sendHtml, signedIn, type DashboardContext } from '../context.js';
import { html } from '../html.js';
import { messagePage } from '../layout.js';
import { sameSecret } from '../session.js';
import { texts } from '../texts.js';

/**
 * Every state-changing request (any method but GET, HEAD and OPTIONS) must come from
 * PUBLIC_URL (the Origin header, else the Referer) and carry the session's CSRF token in
 * the form; otherwise 403 and nothing changes. Parses the form for the handlers after it.
 */
const parseForm = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 20 });

export function sameOriginWithCsrf({ deps, origin }: DashboardContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    parseForm(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      const s = signedIn(res);
      const referer = req.get('referer');
      const from = req.get('origin') ?? (referer ? originOf(referer) : undefined);
      const token = formText((req.body as Record<string, unknown> | undefined)?._csrf) ?? '';
      if (from === origin && sameSecret(token, s.session.csrf)) {
        next();
        return;
      }
      deps.log.warn({ path: req.path, originOk: from === origin }, 'dashboard: state-changing request refused (origin or CSRF token)');
      const t = texts().errors;
      sendHtml(res, 403, messagePage({
        title: t.csrfTitle, paragraphs: [t.csrf], user: headerUser(s), menu: Boolean(s.user.coordinatorId),
        extra: html`<p><a href="/admin/overzicht">${t.back}</a></p>`,
      }));
    });
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

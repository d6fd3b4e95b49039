import type { NextFunction, Request, Response } from 'express';
import { headerUser, sendHtml, signedIn } from '../context.js';
import { html } from '../html.js';
import { messagePage } from '../layout.js';
import { texts } from '../texts.js';

/**
 * Only coordinators (KNELPUNT_COORDINATORS) see pages. Anyone else who signed in (for
 * the web chat, or by mistake) gets a polite 403 page and nothing else: no menu, no data.
 */
export function coordinatorsOnly(_req: Request, res: Response, next: NextFunction): void {
  const s = signedIn(res);
  if (s.user.coordinatorId) {
    next();
    return;
  }
  const t = texts().forbidden;
  const user = headerUser(s);
  sendHtml(res, 403, messagePage({
    title: t.title,
    paragraphs: [t.body(user.name), t.help],
    user,
    menu: false,
    extra: html`<p><a href="/admin/login/start">${t.otherAccount}</a></p>`,
  }));
}

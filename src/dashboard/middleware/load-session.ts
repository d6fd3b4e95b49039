import type { NextFunction, Request, Response } from 'express';
import { loginUrl, setSignedIn, type DashboardContext } from '../context.js';
import { safeReturnTo } from './sign-in.js';

/**
 * Everything under /admin past sign-in needs a session. Without one, the answer is only
 * a redirect to the sign-in page (which says "verlopen" when the cookie's session is
 * gone), never a page or data. A GET comes back where it was going after sign-in.
 */
export function loadSession({ deps }: DashboardContext) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await deps.sessions.current(req);
    if (!session?.user) {
      const returnTo = req.method === 'GET' || req.method === 'HEAD' ? safeReturnTo(req.originalUrl) : '/admin/overzicht';
      res.redirect(303, loginUrl({ ...(deps.sessions.hadCookie(req) ? { verlopen: '1' } : {}), terug: returnTo }));
      return;
    }
    setSignedIn(res, { session, user: session.user });
    next();
  };
}

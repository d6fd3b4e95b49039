import type { NextFunction, Request, Response } from 'express';

/**
 * The first step under /admin. The export API's callers (`Authorization: Bearer`) leave
 * the dashboard at once for the token API (a wrong token is its 401); they never reach a
 * page, and ADMIN_TOKEN never opens one. Must be registered on the dashboard's own
 * router, not a sub-router: `next('router')` leaves the router it runs in.
 */
export function bearerToExportApi(req: Request, _res: Response, next: NextFunction): void {
  next(/^bearer\s/i.test(req.get('authorization') ?? '') ? 'router' : undefined);
}

/** Pages with personal data: not cached, not indexed, and forms send their Origin (helmet's no-referrer would make it "null"). */
export function privatePageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'X-Robots-Tag': 'noindex, nofollow' });
  next();
}

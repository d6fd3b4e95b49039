import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { Store, WebSessionRecord } from '../store/types.js';

/**
 * Dashboard sessions. The cookie carries a random token; the store keeps only its
 * SHA-256, so a copy of the data cannot be replayed as a cookie. A session ends after
 * 8 hours without a request, or at sign-out. Signing in makes a new token: the login
 * record (state, nonce, PKCE verifier) is taken once at the callback, and the signed-in
 * session gets a token of its own (no session fixation).
 */
export const IDLE_MS = 8 * 60 * 60 * 1000;
/** How long a sign-in at the provider may take. */
export const LOGIN_MS = 10 * 60 * 1000;
/** `lastSeenAt` is written at most once a minute: a page view does not have to write the store. */
const TOUCH_AFTER_MS = 60 * 1000;

export type SessionUser = NonNullable<WebSessionRecord['user']>;
export type LoginChecks = NonNullable<WebSessionRecord['login']>;

export const newToken = (): string => randomBytes(32).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Compares digests with timingSafeEqual, so the time taken says nothing about the secret or its length. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected !== '';
}

export interface SessionDeps {
  store: Store;
  now: () => Date;
  /** PUBLIC_URL is https: the cookie is Secure (and `__Host-` prefixed). */
  secure: boolean;
}

export class WebSessions {
  readonly cookieName: string;

  constructor(private readonly deps: SessionDeps) {
    this.cookieName = deps.secure ? '__Host-ibp-dashboard' : 'ibp-dashboard';
  }

  private tokenOf(req: Request): string | undefined {
    const header = req.get('cookie');
    if (!header) return undefined;
    const token = parseCookie(header)[this.cookieName];
    return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : undefined;
  }

  private setCookie(res: Response, token: string): void {
    // A browser-session cookie: the server enforces the idle expiry.
    res.append('Set-Cookie', stringifySetCookie(this.cookieName, token, { httpOnly: true, sameSite: 'lax', secure: this.deps.secure, path: '/' }));
  }

  clearCookie(res: Response): void {
    res.append('Set-Cookie', stringifySetCookie(this.cookieName, '', { httpOnly: true, sameSite: 'lax', secure: this.deps.secure, path: '/', maxAge: 0 }));
  }

  private record(extra: Partial<WebSessionRecord>, token: string, ttlMs: number): WebSessionRecord {
    const now = this.deps.now();
    return {
      id: tokenHash(token),
      csrf: newToken(),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
      ...extra,
    };
  }

  /** Before going to the provider: a short-lived session holding only the checks for the callback. Replaces any session. */
  async startLogin(req: Request, res: Response, login: LoginChecks): Promise<void> {
    await this.end(req, res, false);
    const token = newToken();
    await this.deps.store.sessions.put(this.record({ login }, token, LOGIN_MS));
    this.setCookie(res, token);
  }

  /**
   * At the callback: the login checks, taken (removed) in one atomic step, so a callback
   * works once. Only a sign-in in progress is taken: visiting the callback URL again
   * with a signed-in session leaves that session alone.
   */
  async takeLogin(req: Request): Promise<LoginChecks | undefined> {
    const token = this.tokenOf(req);
    if (!token) return undefined;
    const id = tokenHash(token);
    const now = this.deps.now();
    if (!(await this.deps.store.sessions.get(id, now))?.login) return undefined;
    return (await this.deps.store.sessions.take(id, now))?.login;
  }

  /** After a good callback: a new session with a new token and a new CSRF token. */
  async signIn(res: Response, user: SessionUser): Promise<void> {
    const token = newToken();
    await this.deps.store.sessions.put(this.record({ user }, token, IDLE_MS));
    this.setCookie(res, token);
  }

  /** The signed-in session of this request (expiry moved forward), or undefined. */
  async current(req: Request): Promise<WebSessionRecord | undefined> {
    const token = this.tokenOf(req);
    if (!token) return undefined;
    const id = tokenHash(token);
    const now = this.deps.now();
    const s = await this.deps.store.sessions.get(id, now);
    if (!s?.user) return undefined;
    if (now.getTime() - Date.parse(s.lastSeenAt) >= TOUCH_AFTER_MS) {
      const expiresAt = new Date(now.getTime() + IDLE_MS).toISOString();
      if (!(await this.deps.store.sessions.touch(id, now, expiresAt))) return undefined;
      s.lastSeenAt = now.toISOString();
      s.expiresAt = expiresAt;
    }
    return s;
  }

  /** True when the request carries a cookie whose session is gone (expired): the sign-in page says so. */
  hadCookie(req: Request): boolean {
    return this.tokenOf(req) !== undefined;
  }

  async end(req: Request, res: Response, clear = true): Promise<void> {
    const token = this.tokenOf(req);
    if (token) await this.deps.store.sessions.remove(tokenHash(token));
    if (clear) this.clearCookie(res);
  }
}

/**
 * A tiny cookie-keeping HTTP client over fetch, for sign-in flows without a browser:
 * redirects are followed by hand so every Set-Cookie along the way is kept. Cookies
 * are kept per host name (not port), as browsers do.
 */
interface Cookie {
  value: string;
  path: string;
}

export class CookieClient {
  private readonly jar = new Map<string, Map<string, Cookie>>();

  cookies(host: string): Map<string, Cookie> {
    let m = this.jar.get(host);
    if (!m) this.jar.set(host, (m = new Map()));
    return m;
  }

  cookie(url: string, name: string): string | undefined {
    return this.cookies(new URL(url).hostname).get(name)?.value;
  }

  setCookie(url: string, name: string, value: string): void {
    this.cookies(new URL(url).hostname).set(name, { value, path: '/' });
  }

  /** One request, no redirect following; cookies sent and kept. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.cookies(u.hostname);
    const header = [...jar.entries()].filter(([, c]) => u.pathname.startsWith(c.path)).map(([n, c]) => `${n}=${c.value}`).join('; ');
    const headers = new Headers(init.headers);
    if (header) headers.set('cookie', header);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const gone = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (gone || value === '') jar.delete(name);
      else jar.set(name, { value, path });
    }
    return res;
  }

  /** Follows redirects (303 and 302 become GET); returns the last response, its URL and the chain. */
  async follow(url: string, init: RequestInit = {}, max = 20): Promise<{ res: Response; url: string; chain: string[] }> {
    const chain = [url];
    let res = await this.request(url, init);
    let current = url;
    for (let i = 0; i < max && res.status >= 300 && res.status < 400 && res.headers.get('location'); i++) {
      current = new URL(res.headers.get('location')!, current).href;
      chain.push(current);
      const keep = res.status === 307 || res.status === 308;
      res = await this.request(current, keep ? init : {});
    }
    return { res, url: current, chain };
  }

  /** Submits a form: urlencoded POST, following the redirects. */
  async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ res: Response; url: string; chain: string[] }> {
    return this.follow(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  }
}

/** The action of the first form on a page, made absolute. */
export function formAction(page: string, base: string): string {
  const m = /<form[^>]*\saction="([^"]+)"/.exec(page);
  if (!m) throw new Error(`no form on the page:\n${page.slice(0, 500)}`);
  return new URL(m[1]!.replace(/&amp;/g, '&'), base).href;
}

/** The value of a hidden input by name (first match). */
export function hiddenValue(page: string, name: string): string | undefined {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(page);
  return m?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

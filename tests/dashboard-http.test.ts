import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { knelpuntenCsv, knelpuntenJson } from '../src/core/knelpunt/export.js';
import { startBot } from '../src/server/start.js';
import type { NewKnelpunt } from '../src/store/types.js';
import { LogCapture } from './helpers/core.js';
import { signIn, startDashboardBot, type DashboardBot } from './helpers/dashboard.js';
import { FakeSlack } from './helpers/fake-slack.js';
import { fillInTemplate, TEMPLATE_FIELDS } from './helpers/knowledge-file.js';
import { CookieClient, hiddenValue } from './helpers/http-client.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The dashboard over real HTTP: a real bot, a real oidc-provider on localhost, a fake
 * Slack for the reporter's notification. Sign-in goes through the provider's own pages.
 */
const ADMIN_TOKEN = 'dashboard-test-admin-token-0123456789';
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';
let d: DashboardBot;
let fake: FakeSlack;
let clockOffset = 0;
const logs = new LogCapture();
const refs = { named: '', xss: '' };

const kp = (over: Partial<NewKnelpunt> = {}): NewKnelpunt => ({
  opgave: 'opgave-wonen', beschrijving: 'Bouwvergunningen blijven liggen tussen gemeente en provincie.', overheden: ['gemeente', 'provincie'],
  urgentie: 'middel', anoniem: true, platform: 'local', ...over,
});

beforeAll(async () => {
  fake = await FakeSlack.start();
  d = await startDashboardBot(
    { ADMIN_TOKEN, SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: 'test-signing-secret-1234', SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'info' },
    { now: () => new Date(Date.now() + clockOffset), schedulerIntervalMs: 0, logDestination: logs },
  );
  const s = d.bot.store;
  const at = (daysAgo: number): Date => new Date(Date.now() - daysAgo * 86_400_000);
  refs.named = (await s.knelpunten.create(kp({
    opgave: 'opgave-klimaat', beschrijving: 'De RES-regio en het Rijk rekenen met verschillende cijfers.', urgentie: 'hoog', anoniem: false,
    reporter: { platform: 'slack', userId: 'U0ALICE', name: 'Alice Ambtenaar' }, platform: 'slack',
  }), 'named', at(40))).knelpunt.ref;
  refs.xss = (await s.knelpunten.create(kp({ beschrijving: XSS, urgentie: 'laag' }), 'xss', at(30))).knelpunt.ref;
  for (let i = 0; i < 40; i++) {
    await s.knelpunten.create(kp({ opgave: i % 2 ? 'opgave-schulden' : 'opgave-wonen', urgentie: i % 3 ? 'middel' : 'hoog', beschrijving: `Melding nummer ${i}: gegevens delen lukt niet.` }), `bulk-${i}`, at(20 - (i % 20)));
  }
  for (const [text, days] of [['Wat is een regiodeal?', 9], ['wat is een regiodeal', 5], ['Wat zijn regiodeals?', 2], ['Hoe vraag ik subsidie aan voor een buurthuis?', 1]] as const) {
    await s.gaps.add({ text, locale: 'nl', platform: 'slack', at: at(days).toISOString() });
  }
});

afterAll(async () => {
  await d?.close();
  await fake?.close();
});

const url = (p: string): string => `${d.url}${p}`;
/** A fresh browser-like client signed in as `login`; `csrf` from the page's forms. */
async function session(login = 'coordinator'): Promise<{ client: CookieClient; csrf: string; body: string; status: number }> {
  const client = new CookieClient();
  const r = await signIn(client, d.url, login);
  return { client, csrf: hiddenValue(r.body, '_csrf') ?? '', body: r.body, status: r.res.status };
}
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const postHeaders = (origin: string | null = null): Record<string, string> => ({ 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? { origin: d.url } : origin ? { origin } : {}) });

describe('configuration', () => {
  it('without OIDC_ISSUER /admin is not mounted (404) and the start-up log says why', async () => {
    const capture = new LogCapture();
    const bot = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info' }, { logDestination: capture, schedulerIntervalMs: 0 });
    try {
      for (const p of ['/admin', '/admin/overzicht', '/admin/login', '/admin/callback?code=x&state=y']) {
        expect((await fetch(`${bot.url}${p}`, { redirect: 'manual' })).status, p).toBe(404);
      }
      expect(capture.text).toMatch(/Dashboard: not mounted \(\/admin gives 404\): OIDC_ISSUER is not set/);
    } finally {
      await bot.close();
    }
  });
});

describe('sign-in and access', () => {
  it('without a session, every page and API under /admin answers only a redirect to sign-in', async () => {
    const requests: [string, string][] = [
      ['GET', '/admin'], ['GET', '/admin/'], ['GET', '/admin/overzicht'], ['GET', '/admin/knelpunten?status=nieuw'], ['GET', `/admin/knelpunten/${refs.named}`],
      ['GET', '/admin/knelpunten/export.csv'], ['GET', '/admin/knelpunten/export.json'], ['GET', '/admin/knelpunten.csv'], ['GET', '/admin/knelpunten.json'],
      ['GET', '/admin/kennisvragen'], ['GET', '/admin/kennisvragen/kennisitem?groep=0123456789abcdef'], ['GET', '/admin/lessen'], ['GET', '/admin/planning'],
      ['GET', '/admin/bestaat-niet'], ['HEAD', '/admin/overzicht'], ['POST', `/admin/knelpunten/${refs.named}/status`], ['POST', '/admin/kennisvragen/afgehandeld'],
      ['POST', '/admin/logout'], ['PUT', '/admin/overzicht'], ['DELETE', '/admin/knelpunten/KP-2026-0001'],
    ];
    for (const cookie of [undefined, 'ibp-dashboard=forged-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'ibp-dashboard=x']) {
      for (const [method, p] of requests) {
        const res = await fetch(url(p), { method, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...(method === 'GET' || method === 'HEAD' ? {} : postHeaders()) }, ...(method === 'POST' ? { body: 'to=in_behandeling&from=nieuw' } : {}) });
        expect(res.status, `${method} ${p}`).toBe(303);
        expect(res.headers.get('location'), `${method} ${p}`).toMatch(/^\/admin\/login\?/);
        // nothing but the redirect: no page, no data
        expect(await res.text(), `${method} ${p}`).not.toMatch(/<html|Cora|RES-regio|regiodeal|referentie;/i);
      }
    }
    // the sign-in page itself: a link to the provider, nothing else
    const login = await fetch(url('/admin/login?terug=%2Fadmin%2Fplanning'));
    expect(login.status).toBe(200);
    const page = await login.text();
    expect(page).toContain('<a class="button button--primary" href="/admin/login/start?terug=%2Fadmin%2Fplanning">Inloggen</a>');
    expect(page).not.toMatch(/KP-20|site-nav/);
  });

  it('a bearer token goes to the export API: 401 when wrong, the CSV when right, never a page', async () => {
    const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });
    for (const p of ['/admin/knelpunten.csv', '/admin/overzicht', '/admin/knelpunten', '/admin/login']) {
      const res = await fetch(url(p), { headers: bearer('wrong-token'), redirect: 'manual' });
      expect(res.status, p).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    const csv = await fetch(url('/admin/knelpunten.csv'), { headers: bearer(ADMIN_TOKEN) });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain(refs.named);
    // the right token opens no page, also not with a signed-in cookie
    const { client } = await session();
    for (const p of ['/admin/overzicht', '/admin/knelpunten/export.csv']) {
      const res = await client.request(url(p), { headers: bearer(ADMIN_TOKEN) });
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('<html');
    }
    expect((await client.request(url('/admin/overzicht'), { headers: bearer('wrong') })).status).toBe(401);
  });

  it('authorization code flow with PKCE, state and nonce; only standard parameters; a new HttpOnly SameSite=Lax cookie after the callback', async () => {
    const client = new CookieClient();
    const start = await client.request(url('/admin/login/start?terug=%2Fadmin%2Fplanning'));
    expect(start.status).toBe(303);
    const auth = new URL(start.headers.get('location')!);
    expect(auth.origin).toBe(d.provider.issuer);
    expect([...auth.searchParams.keys()].sort()).toEqual(['client_id', 'code_challenge', 'code_challenge_method', 'nonce', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(Object.fromEntries(auth.searchParams)).toMatchObject({
      client_id: d.provider.clientId, response_type: 'code', scope: 'openid profile email', code_challenge_method: 'S256', redirect_uri: `${d.url}/admin/callback`,
    });
    const setCookie = start.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/ibp-dashboard=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // PUBLIC_URL is http:// here
    const loginToken = client.cookie(d.url, 'ibp-dashboard');

    const r = await signIn(client, d.url, 'coordinator', '/admin/planning');
    expect(r.res.status).toBe(200);
    expect(r.url).toBe(url('/admin/planning'));
    const afterToken = client.cookie(d.url, 'ibp-dashboard');
    expect(afterToken).toBeDefined();
    expect(afterToken).not.toBe(loginToken); // rotated at sign-in
    // the store keeps only the hash of the token
    expect(await d.bot.store.sessions.get(afterToken!, new Date())).toBeUndefined();
    expect(r.body).toContain('Ingelogd als Cora Coördinator');
    expect(logs.text).not.toMatch(/cora@ibp|Cora|11111111-2222/);
  });

  it('coordinators by Entra object id or verified e-mail; others get a polite 403 and nothing else', async () => {
    expect((await session('coordinator')).status).toBe(200);
    const mail = await session('mailcoordinator');
    expect(mail.status).toBe(200);
    expect(mail.body).toContain('<h1>Overzicht</h1>');
    for (const who of ['outsider', 'unverified', 'someone-without-claims']) {
      const s = await session(who);
      expect(s.status, who).toBe(403);
      expect(s.body).toContain('<h1>Geen toegang</h1>');
      expect(s.body).toMatch(/alleen voor de coördinatoren van het IBP-team/);
      for (const p of ['/admin/overzicht', '/admin/knelpunten', `/admin/knelpunten/${refs.named}`, '/admin/knelpunten/export.csv', '/admin/kennisvragen', '/admin/lessen', '/admin/planning']) {
        const res = await s.client.request(url(p));
        expect(res.status, `${who} ${p}`).toBe(403);
        const body = await res.text();
        expect(body).not.toMatch(/KP-20\d\d|regiodeal|site-nav/);
      }
      const post = await s.client.request(url(`/admin/knelpunten/${refs.named}/status`), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf, from: 'nieuw', to: 'in_behandeling' }) });
      expect(post.status).toBe(403);
      // signing out works for them too
      const out = await s.client.request(url('/admin/logout'), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf }) });
      expect(out.headers.get('location')).toBe('/admin/login?uitgelogd=1');
    }
    expect((await d.bot.store.knelpunten.get(refs.named))!.status).toBe('nieuw');
  });

  it('a tampered or replayed callback is refused and signs nobody in', async () => {
    // tampered state
    const a = new CookieClient();
    let step = await a.follow(url('/admin/login/start'));
    const cb = await completeAtProvider(a, step);
    const tampered = new URL(cb);
    tampered.searchParams.set('state', 'tampered-state-value');
    let res = await a.request(tampered.href);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/login?fout=ongeldig');
    expect((await a.request(url('/admin/overzicht'))).status).toBe(303);
    // the untouched callback after that: the sign-in was used up
    expect((await a.request(cb)).headers.get('location')).toBe('/admin/login?fout=ongeldig');

    // replay: the same callback URL again, from the same browser and from another
    const b = new CookieClient();
    step = await b.follow(url('/admin/login/start'));
    const cb2 = await completeAtProvider(b, step);
    res = await b.request(cb2);
    expect(res.headers.get('location')).toBe('/admin/overzicht');
    expect((await b.request(cb2)).headers.get('location')).toBe('/admin/login?fout=ongeldig');
    expect((await b.request(url('/admin/overzicht'))).status).toBe(200); // the signed-in session stays
    const c = new CookieClient();
    expect((await c.request(cb2)).headers.get('location')).toBe('/admin/login?fout=ongeldig');
    expect((await c.request(url('/admin/overzicht'))).status).toBe(303);

    // a code from another browser's sign-in (login CSRF) and a tampered code
    const e = new CookieClient();
    step = await e.follow(url('/admin/login/start'));
    const cb3 = await completeAtProvider(e, step);
    const f = new CookieClient();
    await f.request(url('/admin/login/start'));
    expect((await f.request(cb3)).headers.get('location')).toBe('/admin/login?fout=ongeldig');
    const g = new CookieClient();
    step = await g.follow(url('/admin/login/start'));
    const cb4 = new URL(await completeAtProvider(g, step));
    cb4.searchParams.set('code', `${cb4.searchParams.get('code')}x`);
    expect((await g.request(cb4.href)).headers.get('location')).toBe('/admin/login?fout=ongeldig');
    // the provider says no
    expect((await new CookieClient().request(url('/admin/callback?error=access_denied&state=x'))).headers.get('location')).toBe('/admin/login?fout=afgebroken');
    const page = await (await fetch(url('/admin/login?fout=ongeldig'))).text();
    expect(page).toMatch(/Inloggen is niet gelukt/);
  });

  it('sign-out ends the session; 8 hours without a request end it too', async () => {
    const s = await session();
    const out = await s.client.request(url('/admin/logout'), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf }) });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(/ibp-dashboard=; Max-Age=0/);
    expect((await s.client.request(url('/admin/overzicht'))).status).toBe(303);

    const idle = await session();
    const stolen = idle.client.cookie(d.url, 'ibp-dashboard')!;
    try {
      clockOffset = 7 * 3_600_000 + 50 * 60_000; // 7 h 50 min later: still in
      expect((await idle.client.request(url('/admin/overzicht'))).status).toBe(200);
      clockOffset += 7 * 3_600_000 + 50 * 60_000; // another 7 h 50 min: the last request moved the expiry
      expect((await idle.client.request(url('/admin/overzicht'))).status).toBe(200);
      clockOffset += 8 * 3_600_000 + 60_000; // 8 h 1 min without a request
      const res = await idle.client.request(url('/admin/overzicht'));
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/admin\/login\?verlopen=1/);
      // the same cookie from anywhere else: just as expired
      const replay = new CookieClient();
      replay.setCookie(d.url, 'ibp-dashboard', stolen);
      expect((await replay.request(url('/admin/overzicht'))).status).toBe(303);
      expect(await d.bot.store.sessions.prune(new Date(Date.now() + clockOffset))).toBeGreaterThan(0);
    } finally {
      clockOffset = 0;
    }
  });

  it('sends security headers: CSP without inline script, no caching, same-origin referrer', async () => {
    const s = await session();
    const res = await s.client.request(url('/admin/overzicht'));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(url('/dashboard-assets/dashboard.css'))).headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(url('/assets/base.css'))).headers.get('content-type')).toMatch(/text\/css/);
  });
});

/** Signs in at the provider's pages and returns the callback URL without calling it. */
async function completeAtProvider(client: CookieClient, step: { res: Response; url: string }): Promise<string> {
  let res = step.res;
  let at = step.url;
  for (let i = 0; i < 4; i++) {
    const page = await res.text();
    const action = new URL(/action="([^"]+)"/.exec(page)![1]!, at).href;
    let next = await client.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: /name="login"/.test(page) ? form({ prompt: 'login', login: 'coordinator', password: 'x' }) : form({ prompt: 'consent' }) });
    while (next.status >= 300 && next.status < 400) {
      const loc = new URL(next.headers.get('location')!, at).href;
      if (loc.startsWith(url('/admin/callback'))) return loc;
      at = loc;
      next = await client.request(loc);
    }
    res = next;
  }
  throw new Error('the provider never redirected to the callback');
}

describe('knelpunten', () => {
  it('a status change needs the session CSRF token and this origin; a forged one changes nothing', async () => {
    const s = await session();
    const target = url(`/admin/knelpunten/${refs.named}/status`);
    const fields = { from: 'nieuw', to: 'in_behandeling' };
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      ['no token', fields, postHeaders()],
      ['forged token', { ...fields, _csrf: 'forged-token-of-the-right-length-abcdefghijk' }, postHeaders()],
      ["another session's token", { ...fields, _csrf: (await session()).csrf }, postHeaders()],
      ['other origin', { ...fields, _csrf: s.csrf }, postHeaders('https://evil.example')],
      ['no origin, no referer', { ...fields, _csrf: s.csrf }, postHeaders('')],
      ['origin "null"', { ...fields, _csrf: s.csrf }, postHeaders('null')],
    ];
    for (const [what, body, headers] of attempts) {
      const res = await s.client.request(target, { method: 'POST', headers, body: form(body) });
      expect(res.status, what).toBe(403);
      expect(await res.text()).toMatch(/Er is niets veranderd/);
    }
    const kp = await d.bot.store.knelpunten.get(refs.named);
    expect(kp).toMatchObject({ status: 'nieuw', history: [] });
    expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'U0ALICE')).toHaveLength(0);
  });

  it('a status change records the coordinator and reaches the reporter through (fake) Slack, like in chat', async () => {
    const s = await session();
    const from = fake.calls.length;
    const res = await s.client.request(url(`/admin/knelpunten/${refs.named}/status`), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf, from: 'nieuw', to: 'in_behandeling', toelichting: '' }) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/knelpunten/${refs.named}?gewijzigd=in_behandeling&melding=queued`);
    const dm = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ALICE', { from });
    expect(JSON.stringify(dm.body.blocks)).toMatch(new RegExp(`Update over je knelpunt ${refs.named}`));
    expect(JSON.stringify(dm.body.blocks)).toMatch(/in behandeling/);
    const kp = (await d.bot.store.knelpunten.get(refs.named))!;
    expect(kp.status).toBe('in_behandeling');
    // the id stays the identity (exports, privacy requests); the name from the sign-in is kept beside it
    expect(kp.history).toEqual([expect.objectContaining({ by: 'aad:11111111-2222-3333-4444-555555555555', byName: 'Cora Coördinator', from: 'nieuw', to: 'in_behandeling' })]);
    const page = await (await s.client.request(url(res.headers.get('location')!))).text();
    expect(page).toContain('Opgeslagen. De status is nu &quot;in behandeling&quot;.');
    expect(page).toContain('De melder krijgt een bericht.');
    // the history names who changed it, as the header does; the page shows no account id
    expect(page).toMatch(/<td data-label="Wie">Cora Coördinator<\/td>/);
    expect(page).not.toContain('11111111-2222');
    // another coordinator sees the same name
    const other = await session('mailcoordinator');
    expect(await (await other.client.request(url(`/admin/knelpunten/${refs.named}`))).text()).toMatch(/<td data-label="Wie">Cora Coördinator<\/td>/);
    const json = await (await s.client.request(url('/admin/knelpunten/export.json'))).text();
    expect(json).toContain('"by": "aad:11111111-2222-3333-4444-555555555555"');
  });

  it('"niet opgepakt" needs a toelichting; a stale form and an impossible step change nothing', async () => {
    const s = await session();
    const post = (fields: Record<string, string>): Promise<Response> =>
      s.client.request(url(`/admin/knelpunten/${refs.xss}/status`), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf, ...fields }) });
    let res = await post({ from: 'nieuw', to: 'niet_opgepakt', toelichting: '  ' });
    expect(res.status).toBe(422);
    let page = await res.text();
    expect(page).toMatch(/<p class="field-error" id="toelichting-error">Vul dit veld in.<\/p>/);
    expect(page).toMatch(/id="to-niet_opgepakt" name="to" value="niet_opgepakt" checked/);
    res = await post({ from: 'nieuw', to: 'niet_opgepakt', toelichting: 'x' });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/Schrijf minstens 3 tekens/);
    res = await post({ from: 'nieuw', toelichting: 'Mijn tekst blijft staan <b>' });
    expect(res.status).toBe(422);
    page = await res.text();
    expect(page).toContain('Kies een nieuwe status.');
    expect(page).toContain('>Mijn tekst blijft staan &lt;b&gt;</textarea>'); // nothing typed is lost
    expect((await post({ from: 'nieuw', to: 'opgelost' })).status).toBe(400);
    expect((await post({ from: 'verzonnen', to: 'opgelost' })).status).toBe(400);
    expect((await d.bot.store.knelpunten.get(refs.xss))!.status).toBe('nieuw');
    res = await post({ from: 'nieuw', to: 'niet_opgepakt', toelichting: 'Dit hoort bij het Rijk.' });
    expect(res.headers.get('location')).toMatch(/gewijzigd=niet_opgepakt&melding=anonymous/);
    res = await post({ from: 'nieuw', to: 'in_behandeling' });
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/Iemand anders heeft de status al gewijzigd. Hij is nu &quot;niet opgepakt&quot;/);
    const kp = (await d.bot.store.knelpunten.get(refs.xss))!;
    expect(kp.history).toEqual([expect.objectContaining({ to: 'niet_opgepakt', toelichting: 'Dit hoort bij het Rijk.' })]);
    expect((await s.client.request(url('/admin/knelpunten/KP-2026-99999'))).status).toBe(404);
    expect((await s.client.request(url('/admin/knelpunten/niet-een-ref'))).status).toBe(404);
  });

  it('a closed knelpunt can be reopened, only with a reason', async () => {
    const s = await session();
    const post = (fields: Record<string, string>): Promise<Response> =>
      s.client.request(url(`/admin/knelpunten/${refs.xss}/status`), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf, ...fields }) });
    expect((await d.bot.store.knelpunten.get(refs.xss))!.status).toBe('niet_opgepakt'); // closed by the test above
    const page = await (await s.client.request(url(`/admin/knelpunten/${refs.xss}`))).text();
    expect(page).toMatch(/Heropen het alleen met een reden/);
    expect(page).toMatch(/id="to-in_behandeling" name="to" value="in_behandeling"/);
    let res = await post({ from: 'niet_opgepakt', to: 'in_behandeling', toelichting: '' });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/Vul dit veld in./);
    res = await post({ from: 'niet_opgepakt', to: 'in_behandeling', toelichting: 'Het Rijk verwijst het terug naar ons.' });
    expect(res.status).toBe(303);
    const kp = (await d.bot.store.knelpunten.get(refs.xss))!;
    expect(kp.status).toBe('in_behandeling');
    expect(kp.history.at(-1)).toMatchObject({ from: 'niet_opgepakt', to: 'in_behandeling', toelichting: 'Het Rijk verwijst het terug naar ons.' });
  });

  it('filters, sorts and pages; unknown values, huge query strings and pages out of range get a Dutch notice, never an error', async () => {
    const s = await session();
    const get = async (qs: string): Promise<{ status: number; page: string }> => {
      const res = await s.client.request(url(`/admin/knelpunten${qs}`));
      return { status: res.status, page: await res.text() };
    };
    let r = await get('');
    expect(r.page).toContain('42 knelpunten gevonden.');
    expect(r.page).toMatch(/Pagina 1 van 2/);
    r = await get('?opgave=opgave-schulden&urgentie=hoog');
    const expected = (await d.bot.store.knelpunten.list({ opgave: ['opgave-schulden'] })).filter((k) => k.urgentie === 'hoog').length;
    expect(r.page).toContain(`${expected} knelpunten gevonden.`);
    r = await get('?q=RES-REGIO');
    expect(r.page).toContain('1 knelpunt gevonden.');
    expect(r.page).toContain(refs.named);
    r = await get('?status=verzonnen&urgentie=%3Cb%3E&pagina=999&sorteer=urgentie');
    expect(r.status).toBe(200);
    expect(r.page).toContain('Onbekende waarde bij &quot;Status&quot; niet gebruikt: &quot;verzonnen&quot;.');
    expect(r.page).toContain('&quot;&lt;b&gt;&quot;');
    expect(r.page).toContain('Pagina 999 bestaat niet. Je ziet pagina 2.');
    expect(r.page).toMatch(/aria-sort="other">Urgentie/);
    r = await get(`?q=${'woningbouw'.repeat(1200)}&${Array.from({ length: 300 }, () => 'status=nieuw').join('&')}`);
    expect(r.status).toBe(200);
    expect(r.page).toMatch(/ingekort tot 200 tekens/);
    expect(r.page).toMatch(/Te veel waarden bij &quot;status&quot;/);
    r = await get('?van=2026-13-45&pagina=abc&status[]=nieuw');
    expect(r.status).toBe(200);
    expect(r.page).toMatch(/is geen datum/);
    // far beyond what a URL may be: refused by the HTTP server before any of our code
    const huge = await s.client.request(url(`/admin/knelpunten?q=${'x'.repeat(40_000)}`));
    expect(huge.status).toBe(431);
  });

  it('export with the current filter: the same files as `ibp-bot knelpunten export`', async () => {
    const s = await session();
    const all = await s.client.request(url('/admin/knelpunten/export.csv?pagina=2&sorteer=status'));
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(all.headers.get('content-disposition')).toMatch(/^attachment; filename="?knelpunten.csv"?$/);
    const bytes = Buffer.from(await all.arrayBuffer());
    const out = path.join(tempDir(), 'cli.csv');
    const cli = await runCli(['knelpunten', 'export', '--format', 'csv', '--out', out], { DATA_DIR: d.bot.config.dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' }, { out: () => {}, err: () => {} });
    expect(cli).toBe(0);
    expect(bytes.equals(readFileSync(out))).toBe(true);
    const filtered = await s.client.request(url('/admin/knelpunten/export.json?opgave=opgave-schulden&q=nummer'));
    const list = (await d.bot.store.knelpunten.list({ opgave: ['opgave-schulden'] })).filter((k) => /nummer/i.test(k.beschrijving));
    expect(await filtered.text()).toBe(knelpuntenJson(list));
    const csv = await (await s.client.request(url('/admin/knelpunten/export.csv?urgentie=laag'))).text();
    expect(`\uFEFF${csv}`).toBe(knelpuntenCsv((await d.bot.store.knelpunten.list()).filter((k) => k.urgentie === 'laag')));
    expect((await s.client.request(url('/admin/knelpunten/export.xml'))).status).toBe(404);
  });

  it('user text is escaped on every page (a script in a description stays text)', async () => {
    const s = await session();
    for (const p of [`/admin/knelpunten/${refs.xss}`, '/admin/knelpunten?urgentie=laag', '/admin/overzicht']) {
      const page = await (await s.client.request(url(p))).text();
      expect(page, p).not.toContain(XSS);
      expect(page, p).not.toMatch(/<script|<img src=x/);
      if (p !== '/admin/overzicht') expect(page, p).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
  });
});

describe('kennisvragen', () => {
  it('groups similar questions, makes a knowledge file that `ibp-bot validate` accepts once its TODOs are filled in, and marks a group handled with CSRF', async () => {
    const s = await session();
    let page = await (await s.client.request(url('/admin/kennisvragen'))).text();
    expect(page).toContain('2 groepen met samen 4 vragen.');
    expect(page).toMatch(/<h3 id="groep-[0-9a-f]{16}">Wat is een regiodeal\?<\/h3>/);
    const key = /kennisitem\?groep=([0-9a-f]{16})">Maak kennisitem<span class="visually-hidden">: Wat is een regiodeal\?/.exec(page)![1]!;
    const file = await s.client.request(url(`/admin/kennisvragen/kennisitem?groep=${key}`));
    expect(file.status).toBe(200);
    const name = /filename="?([^"]+)"?$/.exec(file.headers.get('content-disposition') ?? '')![1]!;
    const text = await file.text();
    expect(text).toMatch(/questions:\n {2}- Wat is een regiodeal\?\n {2}- Wat zijn regiodeals\?/);
    const copy = tempDir('ibp-knowledge-');
    cpSync(path.resolve('knowledge'), copy, { recursive: true });
    // unedited, validate refuses it and names the file and each field still holding a TODO
    writeFileSync(path.join(copy, name), text);
    let out: string[] = [];
    const err: string[] = [];
    expect(await runCli(['validate'], { KNOWLEDGE_DIR: copy, NODE_ENV: 'test' }, { out: (x) => out.push(x), err: (x) => err.push(x) })).toBe(1);
    for (const field of TEMPLATE_FIELDS) expect(err.join('\n')).toContain(`${name} [${field}]: still holds the template placeholder "TODO"`);
    expect(err.join('\n')).toContain(`${name}: the Markdown body still holds the template placeholder "TODO"`);
    // filled in, it passes
    writeFileSync(path.join(copy, name), fillInTemplate(text));
    out = [];
    expect(await runCli(['validate'], { KNOWLEDGE_DIR: copy, NODE_ENV: 'test' }, { out: (x) => out.push(x), err: () => {} })).toBe(0);
    expect(out.join()).toMatch(/OK: 28 knowledge entries/);
    expect((await s.client.request(url('/admin/kennisvragen/kennisitem?groep=ffffffffffffffff'))).status).toBe(404);

    // mark handled: a forged token changes nothing, the real one hides the group
    const until = hiddenValue(page, 'tot')!;
    let res = await s.client.request(url('/admin/kennisvragen/afgehandeld'), { method: 'POST', headers: postHeaders(), body: form({ _csrf: 'forged', groep: key, tot: until }) });
    expect(res.status).toBe(403);
    expect((await d.bot.store.gaps.list()).filter((g) => g.handledAt)).toHaveLength(0);
    res = await s.client.request(url('/admin/kennisvragen/afgehandeld'), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf, groep: key, tot: until }) });
    expect(res.headers.get('location')).toBe('/admin/kennisvragen?afgehandeld=3');
    const handled = (await d.bot.store.gaps.list()).filter((g) => g.handledAt);
    expect(handled.map((g) => g.handledBy)).toEqual(Array(3).fill('aad:11111111-2222-3333-4444-555555555555'));
    page = await (await s.client.request(url(res.headers.get('location')!))).text();
    expect(page).toContain('3 vragen gemarkeerd als afgehandeld.');
    expect(page).not.toContain('Wat is een regiodeal?</h3>');
    expect(await (await s.client.request(url('/admin/kennisvragen?toon=alle'))).text()).toContain('Wat is een regiodeal?</h3>');
    // again: nothing left to handle
    res = await s.client.request(url('/admin/kennisvragen/afgehandeld'), { method: 'POST', headers: postHeaders(), body: form({ _csrf: s.csrf, groep: key, tot: until }) });
    expect(res.headers.get('location')).toBe('/admin/kennisvragen?fout=groep');
  });
});

describe('kennisvragen by outcome (issue 18)', () => {
  it('each group says how its questions ended, what was offered and picked; the GET filter shows one outcome, and its links keep it', async () => {
    const s = await session();
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const sug = await d.bot.store.gaps.add({ text: 'gemeente en werk', locale: 'nl', platform: 'local', at, outcome: 'suggested', offered: ['opgave-migratie', 'opgave-schulden'] });
    await d.bot.store.gaps.recordPick(sug.id, 'opgave-schulden');
    await d.bot.store.gaps.add({ id: 'not-helpful:abc', text: 'Welke opgaven zijn er?', locale: 'nl', platform: 'teams', at, outcome: 'not-helpful', offered: ['opgaven'] });
    try {
      const all = await (await s.client.request(url('/admin/kennisvragen'))).text();
      expect(all).toContain('<select id="f-uitkomst" name="uitkomst" aria-describedby="f-uitkomst-hint">');
      expect(all).toMatch(/<option value="suggested">Bedoelde je… \(1\)<\/option><option value="unknown">Weet ik niet \(\d+\)<\/option><option value="not-helpful">Niet nuttig \(1\)<\/option>/);
      expect(all).toMatch(/<dt>Uitkomst<\/dt><dd>Bedoelde je…: 1<\/dd>[\s\S]*<dt>Aangeboden<\/dt><dd>Nederland en migrant voorbereid \(1 keer\), Problematische schulden voorkomen en oplossen \(1 keer\)<\/dd>[\s\S]*<dt>Gekozen door de gebruiker<\/dt><dd>Problematische schulden voorkomen en oplossen \(1 keer\)<\/dd>/);
      const only = await (await s.client.request(url('/admin/kennisvragen?uitkomst=suggested'))).text();
      expect(only).toContain('<option value="suggested" selected>');
      expect(only).toContain('1 groep met samen 1 vraag.');
      expect(only).toContain('gemeente en werk</h3>');
      expect(only).not.toContain('Hoe vraag ik subsidie aan voor een buurthuis?</h3>');
      const key = /kennisitem\?groep=([0-9a-f]{16})&amp;uitkomst=suggested"/.exec(only)![1]!;
      expect(only).toContain('<input type="hidden" name="uitkomst" value="suggested">');
      expect(only).toContain('href="/admin/kennisvragen?uitkomst=suggested&amp;toon=alle"');
      expect((await s.client.request(url(`/admin/kennisvragen/kennisitem?groep=${key}&uitkomst=suggested`))).status).toBe(200);
      const nh = await (await s.client.request(url('/admin/kennisvragen?uitkomst=not-helpful'))).text();
      expect(nh).toContain('Welke opgaven zijn er?</h3>');
      expect(nh).toMatch(/<dt>Uitkomst<\/dt><dd>Niet nuttig: 1<\/dd>/);
      // an unknown outcome is every outcome, never an error
      const bogus = await s.client.request(url('/admin/kennisvragen?uitkomst=%3Cscript%3E'));
      expect(bogus.status).toBe(200);
      expect(await bogus.text()).toContain('Hoe vraag ik subsidie aan voor een buurthuis?</h3>');
    } finally {
      await d.bot.store.gaps.markHandled([sug.id, 'not-helpful:abc'], 'aad:test', new Date());
    }
  });
});

describe('other pages', () => {
  it('lessen and planning answer for coordinators, also with bad input', async () => {
    const s = await session();
    const now = new Date().toISOString();
    await d.bot.store.reflections.add({ channelKey: 'slack:C0TEAM', platform: 'slack', anonymous: true, goed: 'Samen <b>opgelost</b>', opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', locale: 'nl', createdAt: now });
    await d.bot.store.reflections.add({ channelKey: 'slack:C0TEAM', platform: 'slack', anonymous: false, authorName: 'Noor Naam', beter: 'Eerder bellen', locale: 'nl', createdAt: now });
    let page = await (await s.client.request(url('/admin/lessen'))).text();
    expect(page).toContain('2 gedeelde reflecties');
    expect(page).toContain('Samen &lt;b&gt;opgelost&lt;/b&gt;');
    expect(page).toMatch(/Anoniem, <span class="muted">gedeeld op/);
    expect(page).toMatch(/Van Noor Naam/);
    page = await (await s.client.request(url('/admin/lessen?van=morgen&tot=2026-01-01&pagina=50&kanaal=x'))).text();
    expect(page).toMatch(/&quot;morgen&quot; bij &quot;Vanaf&quot; is geen datum/);
    const plan = await s.client.request(url('/admin/planning?pagina=7'));
    expect(plan.status).toBe(200);
    expect(await plan.text()).toMatch(/Er zijn nog geen herinneringen gepland/);
    const missing = await s.client.request(url('/admin/bestaat-niet'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/Deze pagina bestaat niet/);
  });
});

describe('abuse', () => {
  // Last in this file: it uses up this address's sign-in starts for a minute.
  it('starting sign-ins is rate-limited per address (each start writes a record)', async () => {
    // At once, so that the bucket's refill during the burst stays negligible on a loaded machine.
    const statuses = await Promise.all(Array.from({ length: 70 }, async () => (await fetch(url('/admin/login/start'), { redirect: 'manual' })).status));
    expect(statuses.filter((s) => s === 303).length).toBeLessThanOrEqual(61);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    const res = await fetch(url('/admin/login/start'), { redirect: 'manual' });
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.text()).toMatch(/Wacht een minuut/);
  });
});

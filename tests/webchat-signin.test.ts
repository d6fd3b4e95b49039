import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { webChatUserId } from '../src/server/webchat.js';
import { ACCOUNTS, signIn, startDashboardBot, type DashboardBot } from './helpers/dashboard.js';
import { CookieClient } from './helpers/http-client.js';

/**
 * WEB_CHAT=signin over real HTTP: a real bot, a real oidc-provider on localhost, the
 * dashboard's own sign-in. The chat is for whoever signs in; /admin stays for coordinators.
 */
let d: DashboardBot;
let n = 0;

beforeAll(async () => {
  // The mode under test; tests run with NODE_ENV=test, where the default is `open`.
  d = await startDashboardBot({ WEB_CHAT: 'signin' }, { schedulerIntervalMs: 0 });
});
afterAll(async () => {
  await d?.close();
});

type ChatBody = { replies?: Reply[]; error?: string; code?: string };
const sameOrigin = { 'sec-fetch-site': 'same-origin' };
async function chat(client: CookieClient, input: unknown, headers: Record<string, string> = sameOrigin, session = 'browser-session-1'): Promise<{ status: number; body: ChatBody }> {
  const res = await client.request(`${d.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ session, messageId: `signin-msg-${++n}`, input }),
  });
  return { status: res.status, body: (await res.json()) as ChatBody };
}
const text = (r: { body: ChatBody }): string => JSON.stringify(r.body.replies ?? []);

describe('the web chat behind sign-in (WEB_CHAT=signin)', () => {
  it('without a session the page sends the visitor to the sign-in, and /api/chat answers 401 JSON', async () => {
    const client = new CookieClient();
    const page = await client.request(`${d.url}/`);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login/start?terug=%2F');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const api = await chat(client, { kind: 'text', text: 'Wat is het IBP?' });
    expect(api.status).toBe(401);
    expect(api.body).toEqual({ error: expect.stringMatching(/niet \(meer\) ingelogd/), code: 'signin' });
    expect(await d.bot.store.conversations.list()).toHaveLength(0);
  });

  it('a non-coordinator signs in, comes back to the chat and chats under a stable id from the sign-in', async () => {
    const client = new CookieClient();
    const back = await signIn(client, d.url, 'outsider', '/');
    expect(back.url).toBe(`${d.url}/`);
    expect(back.res.status).toBe(200);
    expect(back.body).toMatch(/<script type="module" src="chat.js">/);

    const answer = await chat(client, { kind: 'text', text: 'Wat is de zevende zekerheid?' });
    expect(answer.status).toBe(200);
    expect(text(answer)).toMatch(/blijf leren/);

    // A named knelpunt carries the signed-in name and the id from the sign-in, not the browser's session.
    await chat(client, { kind: 'text', text: 'knelpunt' }, sameOrigin, 'another-browser-session');
    const values = { opgave: 'anders', beschrijving: 'Gegevens delen tussen gemeente en Rijk loopt vast.', urgentie: 'laag', anoniem: false };
    const sent = await chat(client, { kind: 'form', formId: 'knelpunt', values }, sameOrigin, 'yet-another-session');
    expect(text(sent)).toMatch(/Knelpunt ontvangen/);
    const [stored] = await d.bot.store.knelpunten.list({ reporter: { platform: 'local', userId: webChatUserId(d.provider.issuer, 'outsider') } });
    expect(stored?.reporter).toMatchObject({ platform: 'local', userId: webChatUserId(d.provider.issuer, 'outsider'), name: ACCOUNTS.outsider!.name });
    const keys = (await d.bot.store.conversations.list()).map((c) => c.key);
    expect(keys).toEqual([`local:web-${webChatUserId(d.provider.issuer, 'outsider')}`]);
    expect(JSON.stringify(await d.bot.store.conversations.list())).not.toMatch(/browser-session|another-browser/);

    // Signed in for the chat is not a coordinator session: /admin still says "geen toegang".
    const admin = await client.request(`${d.url}/admin/overzicht`);
    expect(admin.status).toBe(403);
    expect(await admin.text()).toMatch(/Geen toegang/);
  });

  it('refuses a chat request that does not come from the chat page (CSRF), even with the session cookie', async () => {
    const client = new CookieClient();
    await signIn(client, d.url, 'outsider', '/');
    const input = { kind: 'text', text: 'Wat is het IBP?' };
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, {}] as Array<Record<string, string>>) {
      const r = await chat(client, input, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    // An older browser without Sec-Fetch-Site: its Origin is enough.
    expect((await chat(client, input, { origin: d.url })).status).toBe(200);
  });

  it('a coordinator signed in through the chat is a coordinator in the chat too (by Entra object id)', async () => {
    const client = new CookieClient();
    await signIn(client, d.url, 'coordinator', '/');
    const overview = await chat(client, { kind: 'text', text: 'knelpunt overzicht' });
    expect(overview.status).toBe(200);
    expect(text(overview)).toMatch(/Overzicht knelpunten/);
    expect(text(overview)).not.toMatch(/alleen de coördinatoren/);
    const outsider = new CookieClient();
    await signIn(outsider, d.url, 'outsider', '/');
    expect(text(await chat(outsider, { kind: 'text', text: 'knelpunt overzicht' }))).toMatch(/alleen de coördinatoren/);
  });

  it('a failed sign-in that started at the chat offers the chat sign-in again', async () => {
    const client = new CookieClient();
    const page = await client.follow(`${d.url}/admin/login?terug=%2F&fout=ongeldig`);
    const body = await page.res.text();
    expect(body).toMatch(/om de webchat van de IBP-bot te gebruiken/);
    expect(body).toMatch(/href="\/admin\/login\/start\?terug=%2F"/);
  });
});

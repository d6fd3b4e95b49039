import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleReply } from '../src/core/answer.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { browserAvailability, launchBrowser } from './helpers/browser.js';
import { LogCapture } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The web chat page as a real adapter, in the system Chromium (issue 19): a nudge and a
 * knelpunt status update arrive without typing, a triage card changes in place, the
 * conversation survives a reload, the page follows the chosen language, and the page
 * with its new elements passes axe-core (also at 200% zoom and on a 390 px phone).
 */
const availability = browserAvailability();
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const COORD_SESSION = 'browser-coordinator-0001';

async function expectNoAxeViolations(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(5);
}

describe.skipIf('skip' in availability)('web chat live in a browser', () => {
  let bot: RunningBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir('ibp-webchat-live-'), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', KNELPUNT_COORDINATORS: `local:${COORD_SESSION}` },
      { logDestination: new LogCapture(), schedulerIntervalMs: 0 },
    );
    browser = await launchBrowser('path' in availability ? availability.path : undefined);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bot?.close();
  });

  it('a message the bot sends by itself appears without typing, and the conversation survives a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${bot.url}/`);
    const log = page.getByRole('log');
    await page.getByRole('textbox', { name: 'Je vraag' }).fill('Wat is de zevende zekerheid?');
    await page.keyboard.press('Enter');
    await log.getByRole('article', { name: /blijf leren/i }).waitFor();
    const session = await page.evaluate(() => localStorage.getItem('ibp-bot.session'));
    expect(session).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    // The page's stream is open: a nudge arrives without typing.
    await expect.poll(() => (bot.adapters.find((a) => a.platform === 'local') as unknown as { streams: { count(s: string): number } }).streams.count(session!)).toBe(1);
    const sent = await bot.bot.deps.outbox.sendToUser({ platform: 'local', userId: session! }, simpleReply('nl', 'Tijd voor een korte reflectie: wat ging goed deze week? <script>alert(1)</script>', { private: true }));
    expect(sent.ok).toBe(true);
    await log.getByText('Tijd voor een korte reflectie', { exact: false }).waitFor();
    expect(await page.locator('#log script').count()).toBe(0);
    // Reload: the question, the answer and the nudge are there again, once each.
    await page.reload();
    await log.getByRole('article', { name: /blijf leren/i }).waitFor();
    await log.getByText('Tijd voor een korte reflectie', { exact: false }).waitFor();
    expect(await log.locator('.msg--user').allTextContents()).toEqual([expect.stringContaining('Wat is de zevende zekerheid?')]);
    expect(await log.getByText('Tijd voor een korte reflectie', { exact: false }).count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  /** A page of the web chat whose event stream is open, and the adapter's stream count. */
  async function connectedPage() {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${bot.url}/`);
    const log = page.getByRole('log');
    const session = (await page.evaluate(() => localStorage.getItem('ibp-bot.session')))!;
    const streams = (bot.adapters.find((a) => a.platform === 'local') as unknown as { streams: { count(s: string): number } }).streams;
    await expect.poll(() => streams.count(session)).toBe(1);
    return { context, page, log, session, streams };
  }

  /** Five other streams of the session push the page's stream out (the oldest goes); `whileOpen` runs before they close. */
  async function pushStreamOut(session: string, whileOpen?: () => Promise<unknown>): Promise<void> {
    const others = Array.from({ length: 5 }, () => new AbortController());
    await Promise.all(others.map((c) => fetch(`${bot.url}/api/chat/events`, { headers: { 'x-chat-session': session }, signal: c.signal })));
    await whileOpen?.();
    for (const c of others) c.abort();
  }

  it('a message stored while the stream was down arrives after the reconnect, even when an answer to a POST brought higher numbers', async () => {
    const { context, page, log, session, streams } = await connectedPage();
    // The page's reconnects fail (it tries again after the server's retry) until the test lets them through.
    let open = false;
    const asked: (string | null)[] = [];
    await page.route('**/api/chat/events', async (route) => {
      asked.push(route.request().headers()['last-event-id'] ?? null);
      if (open) await route.continue();
      else await route.abort();
    });
    await pushStreamOut(session, () => expect.poll(() => asked.length, { timeout: 10_000 }).toBeGreaterThan(0));
    await expect.poll(() => streams.count(session)).toBe(0);
    // Stored while no page is connected (another client of the session took it from the
    // in-memory inbox), then a turn of the page whose answer carries higher numbers.
    expect((await bot.bot.deps.outbox.sendToUser({ platform: 'local', userId: session }, simpleReply('nl', 'Gemist bericht tijdens de storing', { private: true }))).ok).toBe(true);
    await fetch(`${bot.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, messageId: `drain-${Date.now()}`, input: { kind: 'text', text: 'help' } }) });
    await page.getByRole('textbox', { name: 'Je vraag' }).fill('Wat is de zevende zekerheid?');
    await page.keyboard.press('Enter');
    await log.getByRole('article', { name: /blijf leren/i }).waitFor();
    expect(await log.getByText('Gemist bericht tijdens de storing').count()).toBe(0);
    open = true;
    await log.getByText('Gemist bericht tijdens de storing').waitFor();
    expect(asked.at(-1)).toBe('0'); // the page's stream and history saw nothing yet: everything stored is replayed
    await context.close();
  }, 60_000);

  it('a session the server no longer holds (privacy delete) is cleared from the open page at its next reconnect', async () => {
    const { context, page, log, session } = await connectedPage();
    await page.getByRole('textbox', { name: 'Je vraag' }).fill('Wat is de zevende zekerheid?');
    await page.keyboard.press('Enter');
    await log.getByRole('article', { name: /blijf leren/i }).waitFor();
    // `ibp-bot privacy delete` removes the conversation; the page learns it when its stream reconnects.
    expect(await bot.bot.deps.store.webChatHistory.remove(session)).toBe(true);
    await pushStreamOut(session);
    await expect.poll(() => log.getByRole('article', { name: /blijf leren/i }).count(), { timeout: 15_000 }).toBe(0);
    expect(await log.getByText('Wat is de zevende zekerheid?').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('restored history is not read out on load (the log is busy while it fills); an answer arriving while a turn is on its way is', async () => {
    const context = await browser.newContext();
    // For every message added to the log: the log's aria-busy at that moment.
    await context.addInitScript(() => {
      const seen: { text: string; busy: string | null }[] = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver((records) => {
        for (const r of records) {
          const log = r.target as Element;
          if (log.id !== 'log') continue;
          for (const n of Array.from(r.addedNodes)) if (n instanceof Element && !n.querySelector('#welcome-title')) seen.push({ text: n.textContent ?? '', busy: log.getAttribute('aria-busy') });
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${bot.url}/`);
    const log = page.getByRole('log');
    await page.getByRole('textbox', { name: 'Je vraag' }).fill('Wat is de zevende zekerheid?');
    await page.keyboard.press('Enter');
    await log.getByRole('article', { name: /blijf leren/i }).waitFor();
    const seen = () => page.evaluate(() => (window as unknown as { seen: { text: string; busy: string | null }[] }).seen);
    // The answer comes over the page's own stream too, while the turn is on its way: it is added once the log is no longer busy.
    expect((await seen()).filter((s) => /blijf leren/i.test(s.text)).map((s) => s.busy)).toEqual(['false']);
    await page.reload();
    await log.getByRole('article', { name: /blijf leren/i }).waitFor();
    const restored = await seen();
    expect(restored.length).toBe(2);
    expect(restored.map((s) => s.busy)).toEqual(['true', 'true']);
    await expect.poll(() => log.getAttribute('aria-busy')).toBe('false');
    await context.close();
  }, 60_000);

  it('a knelpunt: the triage card changes in place for the coordinator, the reporter hears without typing; a double submit files once', async () => {
    const coord = await browser.newContext();
    await coord.addInitScript((s) => localStorage.setItem('ibp-bot.session', s), COORD_SESSION);
    const cpage = await coord.newPage();
    cpage.setDefaultTimeout(15_000);
    await cpage.goto(`${bot.url}/`);
    await cpage.getByRole('textbox', { name: 'Je vraag' }).fill('knelpunt triage hier');
    await cpage.keyboard.press('Enter');
    await cpage.getByRole('log').getByText(/triagekanaal/).waitFor();

    const reporter = await browser.newContext();
    const rpage = await reporter.newPage();
    rpage.setDefaultTimeout(15_000);
    await rpage.goto(`${bot.url}/`);
    await rpage.getByRole('textbox', { name: 'Je vraag' }).fill('knelpunt');
    await rpage.keyboard.press('Enter');
    const form = rpage.getByRole('log').getByRole('form').last();
    await form.waitFor();
    await form.getByRole('combobox', { name: /Over welke opgave/ }).selectOption({ index: 1 });
    await form.getByRole('textbox', { name: /Wat is het knelpunt/ }).fill('Schuldhulp en Rijk delen geen gegevens, ook niet met toestemming.');
    await form.getByRole('group', { name: /Welke overheden/ }).getByRole('checkbox').first().check();
    await form.getByRole('combobox', { name: /Hoe urgent/ }).selectOption({ index: 1 });
    // Not anonymous: the open web chat asks a name, once.
    await form.getByRole('textbox', { name: /Je naam/ }).fill('Anna de Vries');
    await form.getByRole('button').last().dblclick();
    await rpage.getByRole('log').getByText(/KP-\d{4}-\d{4}/).first().waitFor();
    await expect.poll(() => bot.store.knelpunten.count()).toBe(1);
    expect((await bot.store.knelpunten.list())[0]?.reporter?.name).toBe('Anna de Vries');

    // The triage card arrives on the coordinator's page by itself; pressing a status changes it in place.
    const clog = cpage.getByRole('log');
    const card = clog.getByRole('article').filter({ hasText: /Nieuw knelpunt/ }).last();
    await card.waitFor();
    const before = await clog.getByRole('article').count();
    await card.getByRole('button', { name: /in behandeling/i }).first().click();
    // The same card, now with the new status and only the steps that follow it (the
    // button "In behandeling" is gone, "Geagendeerd" is there).
    const updated = clog.getByRole('article').filter({ hasText: /Status\s*in behandeling/ }).filter({ has: cpage.getByRole('button', { name: 'Geagendeerd' }) });
    await updated.first().waitFor();
    expect(await updated.getByRole('button', { name: 'In behandeling' }).count()).toBe(0);
    expect(await clog.getByRole('article').count()).toBeLessThanOrEqual(before + 1);
    // The reporter's page gets the status update without typing.
    await rpage.getByRole('log').getByText(/Update over je knelpunt/).waitFor();
    await coord.close();
    await reporter.close();
  }, 90_000);

  it('the language choice: page text and lang follow it; axe passes at 200% zoom and on a 390 px phone, by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${bot.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    await page.getByRole('link', { name: 'Privacy' }).waitFor();
    await expectNoAxeViolations(page);
    // By keyboard: the language choice is reachable and changes the page.
    const select = page.getByRole('combobox', { name: 'Taal' });
    await select.focus();
    await select.selectOption('en');
    await page.getByRole('textbox', { name: 'Your question' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'Send', exact: true }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Privacy' }).getAttribute('href')).toBe('/privacy?lang=en');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await expectNoAxeViolations(page);
    // Kept across a reload; the turn goes with the chosen locale.
    await page.reload();
    await page.getByRole('textbox', { name: 'Your question' }).waitFor();
    await page.setViewportSize({ width: 640, height: 450 }); // 1280 x 900 at 200% zoom
    await expectNoAxeViolations(page);
    await page.goto(`${bot.url}/privacy?lang=en`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('heading', { level: 1, name: /Privacy/ }).waitFor();
    expect(await page.textContent('main')).toContain('30 days');
    await expectNoAxeViolations(page);
    await context.close();
  }, 60_000);
});

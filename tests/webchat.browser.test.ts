import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '../src/core/context.js';
import { block, reply, type Form, type Reply } from '../src/core/reply.js';
import type { FormValues } from '../src/domain/turn.js';
import { startBot } from '../src/server/start.js';
import { browserAvailability, launchBrowser } from './helpers/browser.js';
import { startDashboardBot } from './helpers/dashboard.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The web chat end to end: the real server (startBot), the real page and chat.js in the
 * system Chromium, the real knowledge base. Fails on a missing browser only when CI is set.
 */
const availability = browserAvailability();

const RESULTS_DIR = path.resolve('test-results');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// The policy the production server is meant to send: no inline script or style anywhere.
const HOSTILE = '<img src=x onerror=alert(1)> **vet** [klik](javascript:alert(1))';

/**
 * No core feature has a form yet, so the test plugs one in through startBot's `features`
 * option: the form travels the real protocol both ways. Its reply uses every block type.
 */
const FORM_ID = 'webchat-test-knelpunt';
const received: FormValues[] = [];

function testForm(values: FormValues = {}, errors?: Record<string, string>): Form {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    id: FORM_ID,
    title: 'Meld een knelpunt',
    submitLabel: 'Verstuur melding',
    intro: [{ t: 'para', children: [{ t: 'text', text: 'Vertel kort wat er ' }, { t: 'em', children: [{ t: 'text', text: 'vastloopt' }] }, { t: 'text', text: '.' }] }],
    fields: [
      { id: 'onderwerp', kind: 'text', label: 'Onderwerp', required: true, minLength: 5, maxLength: 120, hint: 'Eén zin is genoeg.', initial: str(values.onderwerp) ?? '' },
      { id: 'beschrijving', kind: 'longtext', label: 'Wat gaat er mis?', required: true, maxLength: 2000, ...(str(values.beschrijving) !== undefined ? { initial: str(values.beschrijving) } : {}) },
      { id: 'opgave', kind: 'select', label: 'Bij welke opgave?', options: [{ value: 'wonen', label: 'Wonen' }, { value: 'klimaat', label: 'Klimaat' }] },
      { id: 'partijen', kind: 'multiselect', label: 'Wie zijn betrokken?', required: true, options: [{ value: 'rijk', label: 'Rijk' }, { value: 'gemeenten', label: 'Gemeenten' }, { value: 'provincies', label: 'Provincies' }], initial: ['rijk'] },
      { id: 'anoniem', kind: 'checkbox', label: 'Meld zonder mijn naam', initial: true },
    ],
    ...(errors ? { errors } : {}),
  };
}

function formReply(values?: FormValues, errors?: Record<string, string>): Reply {
  return reply('nl', 'Meld een knelpunt', [
    block.heading('Knelpunt melden'),
    block.markdown('Een **knelpunt** is iets dat de samenwerking tussen overheden in de weg zit. Lees eerst [wat het IBP is](https://www.example.nl/ibp).'),
    block.facts([{ label: 'Wie leest mee', value: 'Het IBP-team' }, { label: 'Antwoord', value: 'Binnen 5 werkdagen' }]),
    block.links([{ label: 'Privacyverklaring', url: 'https://www.example.nl/privacy' }]),
    block.divider(),
    block.context('Je melding gaat naar het IBP-team.'),
    block.form(testForm(values, errors)),
  ]);
}

const formFeature: Feature = {
  name: 'webchat-test-form',
  commands: {
    knelpunt: async () => ({ outcome: 'command', replies: [formReply()] }),
  },
  forms: {
    [FORM_ID]: async (_ctx, values) => {
      const beschrijving = values.beschrijving;
      if (typeof beschrijving !== 'string' || beschrijving.trim().length < 20) {
        return { outcome: 'invalid', replies: [formReply(values, { beschrijving: 'Beschrijf het knelpunt in minstens 20 tekens.' })] };
      }
      received.push(values);
      return {
        outcome: 'form',
        replies: [reply('nl', 'Dank je, je melding is ontvangen.', [block.markdown('Dank je! Je melding is **ontvangen**.'), block.facts([{ label: 'Kenmerk', value: 'KP-TEST-0001' }])], { private: true })],
      };
    },
  },
};

// --- small helpers ------------------------------------------------------------

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** What has focus, and whether it shows a visible focus indicator. */
async function focused(page: Page): Promise<{ id: string; tag: string; text: string; inArticle: string | null; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { id: '', tag: '', text: '', inArticle: null, visible: false };
    const style = getComputedStyle(el);
    const visible = el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const article = el.closest('article');
    return { id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim(), inArticle: article?.querySelector('h3')?.textContent ?? null, visible };
  });
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  expect(violations).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(5); // axe really ran
}

// --- the test -------------------------------------------------------------------

if ('skip' in availability) {
  describe('web chat in a browser', () => {
    it.skip(availability.skip, () => {});
  });
} else {
  describe('web chat in a browser', () => {
    let bot: Awaited<ReturnType<typeof startBot>>;
    let dataDir: string;
    let browser: Browser;
    let context: BrowserContext;

    beforeAll(async () => {
      dataDir = tempDir('ibp-webchat-');
      bot = await startBot(
        { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'silent' },
        { features: [formFeature] },
      );
      browser = await launchBrowser(availability.path);
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', reducedMotion: 'reduce' });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await bot?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers, follows a related topic, takes feedback and a form, accessibly and safely', async () => {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const dialogs: string[] = [];
      const problems: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
      });

      const response = await page.goto(`${bot.url}/`);
      // The server's own CSP: no inline script or style, so any would be refused (and fail this test).
      const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/style-src 'self'(;|$)/);
      expect(await page.title()).toBe('IBP-bot');
      expect(await page.getAttribute('html', 'lang')).toBe('nl');
      const log = page.getByRole('log');
      await log.getByText('Hoi! Ik beantwoord vragen over het IBP').waitFor();
      const input = page.getByRole('textbox', { name: 'Je vraag' });
      const send = page.getByRole('button', { name: 'Verstuur', exact: true });

      // Keyboard only: the first Tab reaches the skip link, which jumps to the input.
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Ga direct naar het invoerveld', visible: true });
      await page.keyboard.press('Enter');
      expect(await focused(page)).toMatchObject({ id: 'message', visible: true });

      // A question, typed; the answer is held back briefly to see the waiting state.
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/chat', async (route) => {
        await held;
        await route.continue();
      });
      await page.keyboard.type('Wat is de zevende zekerheid?');
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Even zoeken…').waitFor();
      expect(await send.isDisabled()).toBe(true);
      release();
      const answer = log.getByRole('article', { name: /blijf leren/i });
      await answer.waitFor();
      await page.unroute('**/api/chat');
      expect(await textOf(page.getByRole('status'))).toBe('');
      expect(await send.isEnabled()).toBe(true);
      expect(await textOf(log.locator('.msg--user').last())).toContain('Wat is de zevende zekerheid?');
      expect(await answer.getByRole('heading', { level: 3 }).textContent()).toMatch(/blijf leren/i);
      expect(await input.inputValue()).toBe('');
      expect(await focused(page)).toMatchObject({ id: 'message' });

      // Keyboard only: Tab goes to the send button, Shift+Tab back through the input into the answer's buttons.
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ id: 'send', tag: 'button', visible: true });
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toMatchObject({ id: 'message', visible: true });
      await page.keyboard.press('Shift+Tab');
      const replyButton = await focused(page);
      expect(replyButton).toMatchObject({ tag: 'button', visible: true });
      expect(replyButton.inArticle).toMatch(/blijf leren/i);

      // "Zie ook": a related topic opens as a new answer card, and focus moves to it.
      const seeAlso = answer.getByRole('group', { name: 'Zie ook' }).getByRole('button').first();
      const topic = (await seeAlso.textContent())?.trim() ?? '';
      expect(topic).not.toBe('');
      await seeAlso.click();
      const related = log.getByRole('article', { name: topic, exact: true });
      await related.waitFor();
      expect(await textOf(log.locator('.msg--user').last())).toContain(topic);
      expect(await focused(page)).toMatchObject({ tag: 'article', inArticle: topic });

      // Feedback on the related answer: the card is updated in place (a thank-you, only the button still valid).
      const botsBefore = await log.locator('.msg--bot').count();
      await related.getByRole('button', { name: /^ja\b.*nuttig/i }).click();
      await log.getByRole('article').getByText(/dank je/i).last().waitFor();
      expect(await textOf(log.locator('.msg--bot').last())).toMatch(/dank je/i);
      expect(await log.locator('.msg--bot').count()).toBe(botsBefore);
      expect(await log.getByRole('article', { name: topic, exact: true }).getByRole('button', { name: /^ja\b.*nuttig/i }).count()).toBe(0);

      // Screenshots of a real conversation: desktop and a 360 px phone.
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.mouse.move(0, 0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(RESULTS_DIR, 'webchat.png') });
      await page.setViewportSize({ width: 360, height: 740 });
      await page.evaluate(() => window.scrollTo(0, 0));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0); // no horizontal scrolling on a phone
      await page.screenshot({ path: path.join(RESULTS_DIR, 'webchat-mobile.png') });
      await page.setViewportSize({ width: 1280, height: 900 });

      // Errors: the user's text comes back into the input, with a friendly message.
      await page.route('**/api/chat', (route) => route.fulfill({ status: 503, json: { error: 'Er ging iets mis. Probeer het zo nog eens.' } }), { times: 1 });
      await input.focus();
      await page.keyboard.type('Mijn vraag die niet aankomt');
      await page.keyboard.press('Enter');
      await log.locator('.msg--error').last().getByText('Er ging iets mis. Probeer het zo nog eens.').waitFor();
      expect(await input.inputValue()).toBe('Mijn vraag die niet aankomt');
      await page.route('**/api/chat', (route) => route.abort('internetdisconnected'), { times: 1 });
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('#log .msg--error').length === 2);
      expect(await textOf(log.locator('.msg--error').last())).toBe('Er ging iets mis. Probeer het zo nog eens.');
      expect(await input.inputValue()).toBe('Mijn vraag die niet aankomt');
      await input.fill('');

      // Hostile input stays literal text: no markup, no link, no script.
      await input.focus();
      await page.keyboard.type(HOSTILE);
      await page.keyboard.press('Enter');
      const hostileBubble = log.locator('.msg--user').last();
      await hostileBubble.getByText(HOSTILE, { exact: true }).waitFor();
      expect(await hostileBubble.locator('.msg__text').textContent()).toBe(HOSTILE);
      await log.locator('.msg--bot').nth(3).waitFor(); // welcome, answer, related (thanked in place), this reply
      expect(await page.locator('#log img').count()).toBe(0);
      expect(await page.locator('#log strong', { hasText: /^vet$/ }).count()).toBe(0);
      expect(await page.locator('#log a[href^="javascript:" i]').count()).toBe(0);

      // A form: server-side errors come back next to the field, focus goes to it.
      await input.focus();
      await page.keyboard.type('knelpunt');
      await page.keyboard.press('Enter');
      const form1 = log.getByRole('form').nth(0);
      await form1.waitFor();
      await form1.getByRole('textbox', { name: /^Onderwerp/ }).fill('Subsidie loopt vast');
      await form1.getByRole('textbox', { name: /^Wat gaat er mis/ }).fill('Te kort');
      await form1.getByRole('button', { name: 'Verstuur melding' }).click();
      const form2 = log.getByRole('form').nth(1);
      await form2.waitFor();
      expect(await form1.getAttribute('aria-labelledby').then((id) => textOf(page.locator(`[id="${id}"]`)))).toBe('Meld een knelpunt (verstuurd)');
      const problem = form2.getByRole('textbox', { name: /^Wat gaat er mis/ });
      expect(await problem.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await problem.getAttribute('aria-describedby')) ?? '';
      expect(await textOf(page.locator(`[id="${describedBy.split(' ').at(-1)}"]`))).toContain('Beschrijf het knelpunt in minstens 20 tekens.');
      expect(await problem.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await form2.getByRole('textbox', { name: /^Onderwerp/ }).inputValue()).toBe('Subsidie loopt vast');
      expect(await form1.getByRole('button', { name: 'Verstuur melding' }).isDisabled()).toBe(true);

      // Accessibility of the page with answers, links, facts, buttons and a form with an error.
      await expectNoAxeViolations(page);

      // Fixed and sent: typed values arrive as strings, string[] and boolean.
      await page.keyboard.type(' want de aanvraag wacht al drie maanden.');
      await form2.getByRole('checkbox', { name: 'Gemeenten' }).check();
      await form2.getByRole('combobox', { name: /^Bij welke opgave/ }).selectOption('wonen');
      await form2.getByRole('button', { name: 'Verstuur melding' }).click();
      const thanks = log.locator('.msg--bot').last();
      await thanks.getByText('KP-TEST-0001').waitFor();
      expect(await textOf(thanks)).toContain('Alleen zichtbaar voor jou');
      expect(received).toEqual([
        {
          onderwerp: 'Subsidie loopt vast',
          beschrijving: 'Te kort want de aanvraag wacht al drie maanden.',
          opgave: 'wonen',
          partijen: ['rijk', 'gemeenten'],
          anoniem: true,
        },
      ]);
      expect(await form2.getByRole('button', { name: 'Verstuur melding' }).isDisabled()).toBe(true);

      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }, 120_000);

    it('with the web chat off, its page says so and passes axe-core', async () => {
      // The mode under test (tests run with NODE_ENV=test, where the default is open).
      const off = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'silent', WEB_CHAT: 'off' }, { schedulerIntervalMs: 0 });
      const page = await context.newPage();
      try {
        const res = await page.goto(`${off.url}/`);
        expect(res?.status()).toBe(404);
        await page.getByRole('heading', { level: 1, name: 'De webchat staat uit' }).waitFor();
        await expectNoAxeViolations(page);
        mkdirSync(RESULTS_DIR, { recursive: true });
        await page.screenshot({ path: path.join(RESULTS_DIR, 'webchat-off.png'), fullPage: true });
      } finally {
        await page.close();
        await off.close();
      }
    }, 60_000);

    it('behind sign-in: the page sends you to the sign-in, then you chat; without a session it says how to sign in again', async () => {
      // The mode under test (tests run with NODE_ENV=test, where the default is open).
      const d = await startDashboardBot({ WEB_CHAT: 'signin', LOG_LEVEL: 'silent' }, { schedulerIntervalMs: 0 });
      const signinContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', reducedMotion: 'reduce' });
      // Nothing but localhost (the provider's page asks for a web font).
      await signinContext.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort());
      const page = await signinContext.newPage();
      page.setDefaultTimeout(15_000);
      try {
        await page.goto(`${d.url}/`);
        expect(page.url().startsWith(d.provider.issuer)).toBe(true);
        await page.locator('input[name="login"]').fill('outsider');
        await page.locator('input[name="password"]').fill('wachtwoord');
        await page.getByRole('button', { name: 'Sign-in' }).click();
        await page.waitForURL((u) => u.href === `${d.url}/` || /\/interaction\//.test(u.pathname));
        if (/\/interaction\//.test(new URL(page.url()).pathname)) await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(`${d.url}/`);

        // Chromium's own fetch from the page passes the same-origin check.
        const input = page.getByRole('textbox', { name: 'Je vraag' });
        await input.fill('Wat is de zevende zekerheid?');
        await input.press('Enter');
        const log = page.getByRole('log');
        await log.getByRole('article', { name: /blijf leren/i }).waitFor();

        // The session is gone (signed out elsewhere, expired): a friendly message, nothing processed.
        await signinContext.clearCookies();
        await input.fill('Welke opgaven zijn er?');
        await input.press('Enter');
        await log.getByText('Je bent niet (meer) ingelogd. Vernieuw de pagina om in te loggen.').waitFor();
      } finally {
        await signinContext.close();
        await d.close();
      }
    }, 90_000);

    it('the privacy and terms pages pass axe-core and start with a skip link', async () => {
      const page = await context.newPage();
      for (const p of ['/privacy', '/voorwaarden']) {
        await page.goto(`${bot.url}${p}`);
        await expectNoAxeViolations(page);
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
      }
      await page.close();
    }, 60_000);
  });
}

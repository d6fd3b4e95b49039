import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { knelpuntenCsv } from '../src/core/knelpunt/export.js';
import { digestSchedule, nextRun, nextSlot, parseSchedule } from '../src/domain/schedule.js';
import { previousMonth } from '../src/scheduler/scheduler.js';
import type { NewKnelpunt, NudgeSubscription } from '../src/store/types.js';
import { browserAvailability, launchBrowser } from './helpers/browser.js';
import { startDashboardBot, type DashboardBot } from './helpers/dashboard.js';
import { FakeSlack } from './helpers/fake-slack.js';
import { fillInTemplate } from './helpers/knowledge-file.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The dashboard in the system Chromium: sign in at a real oidc-provider on localhost,
 * every page checked with axe-core (WCAG 2.1 A/AA), keyboard use, a phone and 200% zoom,
 * a script in a knelpunt that must not run, and the downloads. No network beyond
 * localhost: any other request is aborted (the provider's page asks for a web font).
 */
const availability = browserAvailability();
const RESULTS_DIR = path.resolve('test-results');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  expect(violations, what).toEqual([]);
  expect(result.passes.length, what).toBeGreaterThan(5);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `dashboard-${name}.png`), fullPage: true });
}

/** What has focus, and whether its focus indicator is visible. */
async function focused(page: Page): Promise<{ tag: string; id: string; text: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', id: '', text: '', visible: false };
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent ?? '').trim(), visible: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });
}

const overflow = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Every chart's drawing on screen, measured: where it is against its frame, and at what size its text is drawn. */
async function chartBoxes(page: Page): Promise<{ caption: string; shown: number; variant: string; left: number; right: number; frameLeft: number; frameRight: number; scale: number }[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('figure.chart')).map((figure) => {
    const frame = figure.querySelector('.chart__frame')!.getBoundingClientRect();
    const shown = Array.from(figure.querySelectorAll('svg')).filter((svg) => getComputedStyle(svg).display !== 'none');
    const svg = shown[0]!;
    const r = svg.getBoundingClientRect();
    return {
      caption: figure.querySelector('figcaption')!.textContent ?? '', shown: shown.length, variant: svg.classList.contains('chart__svg--narrow') ? 'narrow' : 'wide',
      left: r.left, right: r.right, frameLeft: frame.left, frameRight: frame.right, scale: r.width / svg.viewBox.baseVal.width,
    };
  }));
}

/** A chart fits its frame (nothing cut off, no sideways scrolling) and its 13 px text is drawn at 11 px or more. */
function expectChartsFit(boxes: Awaited<ReturnType<typeof chartBoxes>>, variant: 'wide' | 'narrow', what: string): void {
  expect(boxes.length, what).toBeGreaterThanOrEqual(5);
  for (const b of boxes) {
    expect({ caption: b.caption, shown: b.shown, variant: b.variant }, what).toEqual({ caption: b.caption, shown: 1, variant });
    expect(b.left, `${what}: ${b.caption}`).toBeGreaterThanOrEqual(b.frameLeft);
    expect(b.right, `${what}: ${b.caption}`).toBeLessThanOrEqual(b.frameRight);
    expect(b.scale, `${what}: ${b.caption}`).toBeGreaterThanOrEqual(11 / 13);
  }
}

if ('skip' in availability) {
  describe('dashboard in a browser', () => {
    it.skip(availability.skip, () => {});
  });
} else {
  describe('dashboard in a browser', () => {
    let d: DashboardBot;
    let fake: FakeSlack;
    let browser: Browser;
    const refs = { named: '', xss: '' };
    const problems: string[] = [];
    const dialogs: string[] = [];

    const kp = (over: Partial<NewKnelpunt>): NewKnelpunt => ({
      opgave: 'opgave-wonen', beschrijving: 'Bouwvergunningen blijven liggen tussen gemeente en provincie.', overheden: ['gemeente'], urgentie: 'middel', anoniem: true, platform: 'local', ...over,
    });

    beforeAll(async () => {
      fake = await FakeSlack.start();
      d = await startDashboardBot(
        { SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: 'test-signing-secret-1234', SLACK_API_URL: fake.apiUrl },
        { schedulerIntervalMs: 0 },
      );
      const s = d.bot.store;
      const now = Date.now();
      const ago = (days: number): Date => new Date(now - days * 86_400_000);
      refs.named = (await s.knelpunten.create(kp({
        opgave: 'opgave-klimaat', beschrijving: 'De RES-regio en het Rijk rekenen met verschillende cijfers voor netcongestie.', urgentie: 'hoog', overheden: ['provincie', 'rijk'],
        anoniem: false, reporter: { platform: 'slack', userId: 'U0ALICE', name: 'Alice Ambtenaar' }, platform: 'slack',
      }), 'named', ago(60))).knelpunt.ref;
      refs.xss = (await s.knelpunten.create(kp({ beschrijving: XSS, urgentie: 'laag', anoniem: false, reporter: { platform: 'local', userId: 'sess-1', name: '<b>Mallory</b>' } }), 'xss', ago(50))).knelpunt.ref;
      const opgaven = ['opgave-wonen', 'opgave-schulden', 'opgave-migratie', 'opgave-klimaat', 'anders'];
      for (let i = 0; i < 36; i++) {
        const { knelpunt } = await s.knelpunten.create(kp({ opgave: opgaven[i % 5]!, urgentie: (['laag', 'middel', 'hoog'] as const)[i % 3], beschrijving: `Melding ${i}: gegevens delen tussen overheden lukt niet.` }), `bulk-${i}`, ago(170 - i * 4.5));
        if (i % 3 === 0) await s.knelpunten.changeStatus(knelpunt.ref, { at: ago(168 - i * 4.5).toISOString(), by: 'aad:x', from: 'nieuw', to: 'in_behandeling' });
        if (i % 6 === 0) await s.knelpunten.changeStatus(knelpunt.ref, { at: ago(160 - i * 4.5).toISOString(), by: 'aad:x', from: 'in_behandeling', to: 'geagendeerd' });
        if (i % 12 === 0) await s.knelpunten.changeStatus(knelpunt.ref, { at: ago(150 - i * 4.5).toISOString(), by: 'aad:x', from: 'geagendeerd', to: 'opgelost' });
        if (i % 7 === 1) await s.knelpunten.changeStatus(knelpunt.ref, { at: ago(165 - i * 4.5).toISOString(), by: 'aad:x', from: 'nieuw', to: 'niet_opgepakt', toelichting: 'Past niet bij het IBP.' });
      }
      for (const [text, days] of [['Wat is een regiodeal?', 30], ['wat is een regiodeal', 12], ['Wat zijn regiodeals?', 3], ['Hoe vraag ik subsidie aan voor een buurthuis?', 8], [`Vraag met ${XSS}`, 2]] as const) {
        await s.gaps.add({ text, locale: 'nl', platform: 'teams', at: ago(days).toISOString() });
      }
      await s.feedback.add({ entryId: 'opgaven', value: 'not_helpful', platform: 'slack', question: 'welke opgaven zijn er <i>nu</i>', at: ago(4).toISOString() });
      await s.feedback.add({ entryId: 'opgaven', value: 'helpful', platform: 'slack', at: ago(3).toISOString() });

      // A channel with a nudge and a monthly digest, and reflections for the month the next digest covers.
      const tz = 'Europe/Amsterdam';
      const digest = digestSchedule(tz);
      const slot = nextRun(digest, nextSlot(digest, new Date(now)));
      const month = previousMonth(slot, tz, 'nl');
      const weekly = parseSchedule('elke vrijdag 15:00');
      if (!weekly.ok) throw new Error('schedule');
      const base = { channelKey: 'slack:C0TEAM', platform: 'slack' as const, conversationId: 'C0TEAM', locale: 'nl' as const, questionCursor: 0, history: [], createdAt: ago(20).toISOString(), updatedAt: ago(20).toISOString() };
      await s.subscriptions.create({ ...base, id: 'sub-nudge', kind: 'nudge', schedule: weekly.schedule, schema: 'elke vrijdag 15:00', status: 'active', nextSlotAt: nextSlot(weekly.schedule, new Date(now)).toISOString() } satisfies NudgeSubscription);
      await s.conversations.upsert({ key: 'slack:C0TEAM', platform: 'slack', conversationId: 'C0TEAM', kind: 'channel', data: { channel: 'C0TEAM' } }, new Date(now));
      const web = 'web-a7688135-0000-4000-8000-000000000000';
      await s.subscriptions.create({ ...base, channelKey: `local:${web}`, platform: 'local', conversationId: web, id: 'sub-web', kind: 'nudge', schedule: weekly.schedule, schema: 'elke vrijdag 15:00', status: 'active', nextSlotAt: nextSlot(weekly.schedule, new Date(now)).toISOString() } satisfies NudgeSubscription);
      await s.subscriptions.create({ ...base, id: 'sub-digest', kind: 'digest', schedule: digest, schema: 'eerste werkdag van de maand 9:00', status: 'active', nextSlotAt: slot.toISOString() } satisfies NudgeSubscription);
      const inMonth = new Date(Date.parse(month.since) + 2 * 86_400_000).toISOString();
      await s.reflections.add({ channelKey: 'slack:C0TEAM', platform: 'slack', anonymous: true, goed: 'We belden eerder met de provincie.', beter: XSS, opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', locale: 'nl', createdAt: inMonth });
      await s.reflections.add({ channelKey: 'slack:C0TEAM', platform: 'slack', anonymous: false, authorName: 'Noor Naam', meenemen: 'Deel de planning vroeg.', opgave: 'opgave-klimaat', zekerheid: 'zekerheid-3', locale: 'nl', createdAt: inMonth });

      browser = await launchBrowser(availability.path);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await d?.close();
      await fake?.close();
    });

    async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', reducedMotion: 'reduce', acceptDownloads: true });
      const page = await context.newPage();
      // Nothing but localhost. (The provider's page asks for a web font; our pages must ask for nothing.)
      await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => {
        if (page.url().startsWith(d.url)) problems.push(`external request from the dashboard: ${route.request().url()}`);
        return route.abort();
      });
      page.setDefaultTimeout(15_000);
      page.on('dialog', (dl) => {
        dialogs.push(dl.message());
        void dl.dismiss();
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // Our own 403/404/422 pages are logged as failed loads: expected. Script errors and CSP refusals are not.
        const where = m.location().url;
        if (where && !where.startsWith(d.url)) return; // the provider's page, not ours
        if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      return { context, page };
    }

    /** The provider's own development login and consent pages. */
    async function signInAtProvider(page: Page, login: string): Promise<void> {
      await page.getByRole('link', { name: 'Inloggen' }).click();
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('wachtwoord');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.waitForURL((u) => u.href.startsWith(d.url) || /\/interaction\//.test(u.pathname));
      if (/\/interaction\//.test(new URL(page.url()).pathname)) await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((u) => u.href.startsWith(`${d.url}/admin/`) && !u.pathname.startsWith('/admin/callback'));
    }

    it('signs a coordinator in; every page passes axe, works by keyboard, on a phone and at 200%; user text stays text', async () => {
      const { context, page } = await newPage();

      // Without a session: the sign-in page.
      await page.goto(`${d.url}/admin/overzicht`);
      expect(new URL(page.url()).pathname).toBe('/admin/login');
      expect(await page.title()).toBe('Inloggen · IBP-dashboard');
      expect(await page.getAttribute('html', 'lang')).toBe('nl');
      await expectNoAxeViolations(page, 'sign-in page');
      await shot(page, 'inloggen');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Ga direct naar de inhoud', visible: true });

      await signInAtProvider(page, 'coordinator');
      expect(new URL(page.url()).pathname).toBe('/admin/overzicht');
      expect(await page.title()).toBe('Overzicht · IBP-dashboard');

      // Keyboard: skip link first, then into the content.
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Ga direct naar de inhoud', visible: true });
      await page.keyboard.press('Enter');
      expect(await focused(page)).toMatchObject({ tag: 'main', id: 'inhoud' });

      // A chart is an image with a name; its table is one key press away.
      const chart = page.getByRole('img', { name: 'Knelpunten per opgave en status' });
      await chart.waitFor();
      const figure = page.locator('figure', { has: chart });
      const summary = figure.locator('summary');
      await summary.focus();
      expect((await focused(page)).visible).toBe(true);
      const table = figure.getByRole('table', { name: 'Knelpunten per opgave en status' });
      expect(await table.isVisible()).toBe(false);
      await page.keyboard.press('Enter');
      await table.waitFor({ state: 'visible' });
      expect(await table.getByRole('row').count()).toBe(12); // head + 10 opgaven + anders
      const klimaat = await table.getByRole('row', { name: /Samen aan de slag voor het klimaat/ }).textContent();
      expect(klimaat).toMatch(/\d/);
      expect(await page.locator('svg[role="img"] pattern').count()).toBeGreaterThanOrEqual(5);
      await expectNoAxeViolations(page, 'overview');
      await shot(page, 'overzicht');

      // Phone and 200% zoom (1280 px at 200% is 640 CSS px): no sideways scrolling of the page.
      for (const [name, size] of [['telefoon', { width: 360, height: 740 }], ['zoom-200', { width: 640, height: 450 }]] as const) {
        await page.setViewportSize(size);
        expect(await overflow(page), name).toBe(0);
        await shot(page, `overzicht-${name}`);
      }
      // Every chart fits its frame, measured in the browser: wide on a laptop, the narrow drawing on a phone (390 px) and at 200%.
      for (const [name, size, variant] of [['1280', { width: 1280, height: 900 }, 'wide'], ['390', { width: 390, height: 844 }, 'narrow'], ['zoom-200', { width: 640, height: 450 }, 'narrow']] as const) {
        await page.setViewportSize(size);
        expectChartsFit(await chartBoxes(page), variant, `charts at ${name}`);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflow(page)).toBe(0);
      await expectNoAxeViolations(page, 'overview on a phone');
      await shot(page, 'overzicht-390');
      await page.setViewportSize({ width: 1280, height: 900 });

      // Knelpunten: filter with the form (GET, no script), by keyboard.
      await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Knelpunten' }).click();
      await page.getByRole('heading', { level: 1, name: 'Knelpunten' }).waitFor();
      await expectNoAxeViolations(page, 'knelpunten');
      await page.getByRole('checkbox', { name: 'in behandeling' }).check();
      await page.getByRole('combobox', { name: 'Opgave' }).selectOption('opgave-wonen');
      await page.getByRole('combobox', { name: 'Sorteer op' }).selectOption('oudste');
      await page.getByRole('button', { name: 'Filter toepassen' }).press('Enter');
      await page.waitForURL(/status=in_behandeling/);
      const rows = page.getByRole('table').getByRole('row');
      const expected = (await d.bot.store.knelpunten.list({ opgave: ['opgave-wonen'], status: ['in_behandeling'] })).length;
      expect(expected).toBeGreaterThan(0);
      expect(await rows.count()).toBe(expected + 1);
      expect(await page.getByRole('status').textContent()).toBe(expected === 1 ? '1 knelpunt gevonden.' : `${expected} knelpunten gevonden.`);
      expect(await page.getByRole('checkbox', { name: 'in behandeling' }).isChecked()).toBe(true);
      await shot(page, 'knelpunten');
      await page.setViewportSize({ width: 360, height: 740 });
      expect(await overflow(page)).toBe(0);
      await shot(page, 'knelpunten-telefoon');
      await page.setViewportSize({ width: 1280, height: 900 });

      // Export with the current filter: the same file as the CLI export of that selection.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV (voor Excel)' }).click()]);
      expect(download.suggestedFilename()).toBe('knelpunten.csv');
      const csv = readFileSync((await download.path())!);
      const want = (await d.bot.store.knelpunten.list({ opgave: ['opgave-wonen'], status: ['in_behandeling'] }));
      expect(csv.equals(Buffer.from(knelpuntenCsv(want), 'utf8'))).toBe(true);

      // The knelpunt with a script in it: shown as text, nothing runs.
      await page.goto(`${d.url}/admin/knelpunten/${refs.xss}`);
      await page.getByText(XSS, { exact: true }).waitFor();
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.locator('main script').count()).toBe(0);
      expect(await page.getByText('<b>Mallory</b>').count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page, 'knelpunt detail');

      // A status change, by keyboard-reachable form: "niet oppakken" without toelichting first.
      await page.goto(`${d.url}/admin/knelpunten/${refs.named}`);
      await page.getByRole('radio', { name: 'Niet oppakken' }).check();
      await page.getByRole('button', { name: 'Status wijzigen' }).click();
      const toelichting = page.getByRole('textbox', { name: 'Toelichting voor de melder' });
      await page.getByText('Vul dit veld in.').waitFor();
      expect(await toelichting.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('radio', { name: 'Niet oppakken' }).isChecked()).toBe(true);
      await expectNoAxeViolations(page, 'status form with an error');
      await shot(page, 'knelpunt-fout');
      const from = fake.calls.length;
      await toelichting.fill('Dit ligt bij het Rijk; we hebben het doorgestuurd.');
      await page.getByRole('button', { name: 'Status wijzigen' }).click();
      await page.getByText('Opgeslagen. De status is nu "niet opgepakt".').waitFor();
      await page.getByText('De melder krijgt een bericht.').waitFor();
      const dm = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ALICE', { from });
      expect(JSON.stringify(dm.body.blocks)).toMatch(/Dit ligt bij het Rijk/);
      expect((await d.bot.store.knelpunten.get(refs.named))!.history.at(-1)).toMatchObject({ by: 'aad:11111111-2222-3333-4444-555555555555', byName: 'Cora Coördinator', to: 'niet_opgepakt' });
      // The history says who, by name, as the header does; no account id anywhere on the page.
      const history = page.getByRole('table', { name: 'Alle wijzigingen van dit knelpunt' });
      expect(await history.getByRole('row').last().getByRole('cell').nth(1).textContent()).toBe('Cora Coördinator');
      expect(await page.locator('main').textContent()).not.toMatch(/11111111-2222|aad:/);
      expect(await page.getByText('Dit knelpunt is afgerond.').count()).toBe(1);
      await expectNoAxeViolations(page, 'knelpunt after the change');
      await shot(page, 'knelpunt');

      // Kennisvragen: download a knowledge file and check it with `ibp-bot validate`; mark a group handled.
      await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Kennisvragen' }).click();
      const group = page.getByRole('article', { name: 'Wat is een regiodeal?' });
      await group.waitFor();
      await page.getByText(`Vraag met ${XSS}`, { exact: true }).waitFor();
      await expectNoAxeViolations(page, 'kennisvragen');
      await shot(page, 'kennisvragen');
      // The outcome filter by keyboard only (a GET form): choose "Weet ik niet", Tab to the button, Enter.
      await page.getByRole('combobox', { name: 'Uitkomst' }).focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForURL(/uitkomst=unknown/), page.keyboard.press('Enter')]);
      await group.waitFor();
      expect(await page.getByRole('combobox', { name: 'Uitkomst' }).inputValue()).toBe('unknown');
      await expectNoAxeViolations(page, 'kennisvragen, filtered');
      const [file] = await Promise.all([page.waitForEvent('download'), group.getByRole('link', { name: /^Maak kennisitem/ }).click()]);
      const copy = tempDir('ibp-knowledge-');
      cpSync(path.resolve('knowledge'), copy, { recursive: true });
      const text = readFileSync((await file.path())!, 'utf8');
      expect(text).toContain('- Wat is een regiodeal?');
      writeFileSync(path.join(copy, file.suggestedFilename()), text);
      const err: string[] = [];
      // unedited it is refused, naming the file; with its TODO fields filled in it passes
      expect(await runCli(['validate'], { KNOWLEDGE_DIR: copy, NODE_ENV: 'test' }, { out: () => {}, err: (x) => err.push(x) })).toBe(1);
      expect(err.join('\n')).toContain(`${file.suggestedFilename()} [title]: still holds the template placeholder "TODO"`);
      err.length = 0;
      writeFileSync(path.join(copy, file.suggestedFilename()), fillInTemplate(text));
      expect(await runCli(['validate'], { KNOWLEDGE_DIR: copy, NODE_ENV: 'test' }, { out: () => {}, err: (x) => err.push(x) }), err.join('\n')).toBe(0);
      await group.getByRole('button', { name: /^Markeer als afgehandeld/ }).click();
      await page.getByText('3 vragen gemarkeerd als afgehandeld.').waitFor();
      expect(await page.getByRole('article', { name: 'Wat is een regiodeal?' }).count()).toBe(0);

      // Lessen (with the digest as it will be sent) and planning.
      await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Lessen' }).click();
      await page.getByRole('heading', { name: 'Maandoverzicht zoals het verstuurd wordt' }).waitFor();
      await page.getByRole('heading', { level: 3, name: /^Wat we leerden in / }).waitFor();
      expect(await page.getByText('anoniem', { exact: false }).count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page, 'lessen');
      await shot(page, 'lessen');
      // The table of opgaven by zekerheid shows all its columns at 1280 px, the total last.
      const matrix = await page.evaluate(() => {
        const table = document.querySelector('table.data-table--matrix')!;
        const wrap = table.closest('.table-wrap')!;
        const last = table.querySelector('thead th:last-child')!;
        const w = wrap.getBoundingClientRect();
        const l = last.getBoundingClientRect();
        return { last: last.textContent, lastLeft: l.left, lastRight: l.right, wrapLeft: w.left, wrapRight: w.right, hidden: wrap.scrollWidth - wrap.clientWidth };
      });
      expect(matrix.last).toBe('Totaal');
      expect(matrix.hidden).toBe(0);
      expect(matrix.lastLeft).toBeGreaterThanOrEqual(matrix.wrapLeft);
      expect(matrix.lastRight).toBeLessThanOrEqual(matrix.wrapRight);
      // On a phone: a labelled region that scrolls by keyboard, with a visible hint; the page itself does not scroll sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflow(page)).toBe(0);
      const region = page.getByRole('region', { name: 'Gedeelde reflecties per opgave (rijen) en zekerheid (kolommen)' });
      await region.focus();
      expect((await focused(page)).visible).toBe(true);
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.activeElement!.scrollLeft > 0);
      expect(await page.getByText('De tabel is breder dan het scherm.', { exact: false }).first().isVisible()).toBe(true);
      await expectNoAxeViolations(page, 'lessen on a phone');
      await shot(page, 'lessen-390');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Planning' }).click();
      await page.getByRole('cell', { name: 'maandoverzicht' }).waitFor();
      await expectNoAxeViolations(page, 'planning');
      await shot(page, 'planning');
      // Channels by name, never by id: the Slack channel without a name by its kind and a short code, the web chat as "Webchat".
      const planning = (await page.locator('main').textContent())!;
      expect(planning).toMatch(/Slack-kanaal [0-9a-f]{4}/);
      expect(planning).toContain('Webchat');
      expect(planning).not.toMatch(/C0TEAM|web-a7688135/);
      expect(planning).toContain('vrijdag');
      expect(planning).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflow(page)).toBe(0);
      await shot(page, 'planning-390');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${d.url}/admin/bestaat-niet`);
      await expectNoAxeViolations(page, 'not found');

      // Sign out by keyboard.
      await page.getByRole('button', { name: 'Uitloggen' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Je bent uitgelogd.').waitFor();
      await page.goto(`${d.url}/admin/planning`);
      expect(new URL(page.url()).pathname).toBe('/admin/login');

      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }, 180_000);

    it('someone who is not a coordinator sees a polite, accessible 403 page and nothing else', async () => {
      const { context, page } = await newPage();
      await page.goto(`${d.url}/admin/knelpunten`);
      await signInAtProvider(page, 'outsider');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Geen toegang');
      expect(await page.getByText('Je bent ingelogd als Bert Buitenstaander').count()).toBe(1);
      expect(await page.getByRole('navigation', { name: 'Hoofdmenu' }).count()).toBe(0);
      await expectNoAxeViolations(page, '403 page');
      await shot(page, 'geen-toegang');
      const res = await page.goto(`${d.url}/admin/knelpunten/${refs.named}`);
      expect(res?.status()).toBe(403);
      expect(await page.content()).not.toContain('RES-regio');
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }, 60_000);
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { browserAvailability, launchBrowser } from './helpers/browser.js';
import { LogCapture } from './helpers/core.js';
import { freePort } from './helpers/pg.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Teams as its users meet it: Microsoft 365 Agents Playground (Microsoft's offline Teams
 * client, a dev dependency pinned to one version; it renders our Adaptive Cards with
 * Microsoft's own renderer and runs its own Bot Connector) in Chromium, set to English,
 * talking to the real bot with the settings `npm start` has (anonymous Teams on this
 * machine, default limits). Someone with an English Teams asks in Dutch, presses a
 * feedback button, reports a knelpunt and presses "Melden" twice.
 */
const availability = browserAvailability();
const PLAYGROUND_CLI = path.resolve('node_modules/@microsoft/m365agentsplayground/cli.js');

let bot: RunningBot;
let playground: ChildProcess;
let playgroundOutput = '';
let browser: Browser;
let page: Page;
// Each run starts its own bot, Playground and browser (the variables above are reset per run).

async function startPlayground(endpoint: string): Promise<string> {
  const port = await freePort();
  playground = spawn(process.execPath, [PLAYGROUND_CLI, '-e', endpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own browser opener must not run: the test drives the page.
    env: { ...process.env, BROWSER: 'none' },
  });
  playground.stdout!.on('data', (d: Buffer) => (playgroundOutput += d.toString()));
  playground.stderr!.on('data', (d: Buffer) => (playgroundOutput += d.toString()));
  for (let i = 0; i < 600 && !playgroundOutput.includes('Listening on'); i++) await new Promise((r) => setTimeout(r, 100));
  if (!playgroundOutput.includes('Listening on')) throw new Error(`the Agents Playground did not start:\n${playgroundOutput}`);
  return `http://127.0.0.1:${port}`;
}

/** Types a message into the Playground's compose box and sends it. */
async function say(text: string): Promise<void> {
  const box = page.locator('[data-lexical-editor="true"]');
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const cards = (): Locator => page.locator('.ac-adaptiveCard');

/** The newest card once there are `count` cards and it shows `text`. */
async function cardWith(count: number, text: string | RegExp): Promise<Locator> {
  await expect.poll(() => cards().count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  const card = cards().nth(count - 1);
  await expect.poll(() => card.innerText(), { timeout: 15_000 }).toMatch(text);
  return card;
}

describe.skipIf('skip' in availability).each(TEAMS_TRANSPORTS)('Teams in Microsoft 365 Agents Playground (English client), over %s', (sdk) => {
  beforeAll(async () => {
    bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), TEAMS_SDK: sdk },
      { logDestination: new LogCapture() },
    );
    const ui = await startPlayground(`${bot.url}/api/messages`);
    browser = await launchBrowser('path' in availability ? availability.path : undefined);
    page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
    await page.goto(ui, { waitUntil: 'networkidle' });
    // The Playground installs the app first (installationUpdate, conversationUpdate): the welcome card.
    await page.locator('.ac-adaptiveCard').first().waitFor({ timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    // What the Playground showed last, for a failed run (test-results/ is not committed).
    await page?.screenshot({ path: path.resolve(`test-results/playground-${sdk}.png`), fullPage: true }).catch(() => undefined);
    await browser?.close();
    playground?.kill('SIGTERM');
    playgroundOutput = '';
    await bot?.close();
  });

  it('a Dutch question in an English client is answered in Dutch; the feedback card updates in place', async () => {
    const before = await cards().count();
    await say('wat houdt zekerheid 6 in');
    const answer = await cardWith(before + 1, /Eigen huis op orde/);
    const text = await answer.innerText();
    expect(text).toMatch(/Zie ook/);
    expect(text).toMatch(/Had je hier iets aan\?/);
    await answer.getByRole('button', { name: 'Ja, nuttig' }).click();
    // The same card, updated in place: the choice, and only the button to change it; no new card.
    await expect.poll(() => answer.innerText(), { timeout: 15_000 }).toMatch(/Je vond dit antwoord nuttig\. Dank je!/);
    expect(await answer.getByRole('button', { name: 'Ja, nuttig' }).count()).toBe(0);
    expect(await answer.getByRole('button', { name: 'Toch niet nuttig' }).count()).toBe(1);
    expect(await cards().count()).toBe(before + 1);
  });

  it('after Dutch, a one-word command stays Dutch: the knelpunt form submits once, and the card shows the receipt', async () => {
    const before = await cards().count();
    await say('knelpunt');
    const form = await cardWith(before + 1, /Knelpunt melden/);
    await form.locator('input').first().click();
    await page.getByRole('option').nth(1).click();
    await form.locator('textarea').fill('De regio wacht al maanden op een besluit over de woondeal.');
    const melden = form.getByRole('button', { name: 'Melden' });
    await melden.click();
    await expect.poll(() => form.innerText(), { timeout: 15_000 }).toMatch(/KP-\d{4}-0001/);
    // The form is gone from the card: nothing left to press twice.
    expect(await form.getByRole('button', { name: 'Melden' }).count()).toBe(0);
    expect(await form.locator('textarea').count()).toBe(0);
    expect(await bot.store.knelpunten.list()).toHaveLength(1);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Browser tests drive the system's Chromium (Debian: `apt-get install -y chromium`)
 * through playwright-core. We never download browser builds.
 */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** Path of a Chromium to drive: `CHROMIUM_PATH`, else the first candidate on PATH; undefined if none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    // A wrong explicit path is a set-up error, not a reason to quietly pick another browser.
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file`);
    return configured;
  }
  for (const name of CANDIDATES) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (found) return found;
    } catch {
      // not on PATH: try the next name
    }
  }
  return undefined;
}

/**
 * What a browser test should do about the browser: run with it, or skip with a reason.
 * On CI (env `CI` set) a missing browser throws, because CI installs Chromium and a
 * silently skipped browser test would hide a broken pipeline.
 */
export function browserAvailability(env: NodeJS.ProcessEnv = process.env): { path: string } | { skip: string } {
  const path = findChromium(env);
  if (path) return { path };
  const missing = 'no Chromium found (set CHROMIUM_PATH, or install it: apt-get install -y chromium)';
  if (env.CI) throw new Error(`CI is set but ${missing}: the browser test must run on CI.`);
  return { skip: `Browser test skipped: ${missing}.` };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the system Chromium headless; throws when there is none. */
export async function launchBrowser(executablePath = findChromium()): Promise<Browser> {
  if (!executablePath) throw new Error('No Chromium found: set CHROMIUM_PATH or install chromium.');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

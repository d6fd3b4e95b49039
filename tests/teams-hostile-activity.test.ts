import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector } from './helpers/fake-connector.js';
import { BOT, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

/**
 * Issue #16 at server level: a ~500 KB Teams message of hostile text must not block the
 * event loop. One such message used to freeze the server for 19.5 s, and /healthz with it.
 *
 * The bot runs as a real process (`node --import tsx src/main.ts`, Teams in anonymous
 * mode), so the test's own event loop stays free to measure: while the hostile
 * activities are posted to /api/messages, a client asks /healthz again and again and
 * records how long each answer takes.
 *
 * The bounds, and why: the issue asks that /healthz is never delayed by more than
 * 100 ms. Every single sample under 100 ms is not a fair test on this shared 2-core
 * machine (the OS alone can hold a process back that long), so the 100 ms applies to
 * the median, and the maximum gets a generous 1 s. The old code fails both by far: its
 * first activity held every /healthz answer for 19 s. The bot's time per activity
 * itself is the bench's business (bench/parsers.ts).
 */

const ACTIVITY_BYTES = 500_000;
const BODY_LIMIT = 512 * 1024;
const MEDIAN_MS = 100;
const MAX_MS = 1000;
/** A /healthz without an answer by then counts as this slow (the old code held it for 19 s and more). */
const HEALTHZ_GIVE_UP_MS = 5000;

describe.each(TEAMS_TRANSPORTS)('a 500 KB hostile Teams activity over %s', (sdk) => {
  let connector: FakeConnector;
  let child: ChildProcess;
  let base = '';
  let output = '';

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  }

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'),
        NODE_ENV: 'test', LOG_LEVEL: 'warn', RATE_LIMIT_TURNS_PER_MINUTE: '0', TEAMS_SDK: sdk,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the bot did not start:\n${output}`);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await connector?.close();
  });

  /** Text that fills an activity to about ACTIVITY_BYTES: `unit` repeated between a question and a last word. */
  function fill(prefix: string, unit: string, activity: (text: string) => Record<string, unknown>): Record<string, unknown> {
    const envelope = Buffer.byteLength(JSON.stringify(activity(`${prefix} x`)));
    const unitBytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
    const text = `${prefix}${unit.repeat(Math.floor((ACTIVITY_BYTES - envelope) / unitBytes))} x`;
    return activity(text);
  }

  /** The worst cases of the old Teams text cleaning, each as a ~500 KB activity whose text stays over 4,000 characters. */
  function hostileActivities(): Record<string, unknown>[] {
    const url = connector.url;
    const mention = { type: 'mention', mentioned: { id: BOT.id, name: BOT.name }, text: `<at>${BOT.name}</at>` };
    return [
      // A run of U+2003: /\s*\n\s*/g backtracked over it from every position (the 19.5 s of the issue).
      fill('Wat is dit?', '\u2003', (t) => personalMessage(url, t)),
      // Unclosed <at>: the lazy <at>…</at> regex ran to the end of the text from every one.
      fill('Wat is dit?', '<at>\u2003', (t) => channelMessage(url, t)),
      // Thousands of mention entities of the bot: the text was split once per entity.
      fill('Wat is dit?', 'x\u2003', (t) => channelMessage(url, t, { entities: Array.from({ length: 2000 }, () => mention) })),
    ];
  }

  /** The HTTP status, or 0 when the bot took longer than 30 s to answer. */
  async function post(activity: Record<string, unknown>): Promise<number> {
    try {
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity), signal: AbortSignal.timeout(30_000),
      });
      await res.text();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** How long /healthz takes to answer (HEALTHZ_GIVE_UP_MS when it does not answer by then, or fails). */
  async function healthzLatency(): Promise<number> {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(HEALTHZ_GIVE_UP_MS) });
      await res.text();
      return res.ok ? performance.now() - t0 : HEALTHZ_GIVE_UP_MS;
    } catch {
      return HEALTHZ_GIVE_UP_MS;
    }
  }

  const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

  describe('a 500 KB hostile Teams activity (issue #16)', () => {
    it('is answered with the friendly "too long" message while /healthz keeps answering promptly', async () => {
      const activities = [...hostileActivities(), ...hostileActivities()];
      for (const a of activities) {
        const bytes = Buffer.byteLength(JSON.stringify(a));
        expect(bytes).toBeGreaterThan(ACTIVITY_BYTES * 0.95);
        expect(bytes).toBeLessThan(BODY_LIMIT); // accepted by the endpoint, not refused as too large
      }

      const latencies: number[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) latencies.push(await healthzLatency());
      })();

      const statuses: number[] = [];
      for (const a of activities) {
        statuses.push(await post(a));
        if (latencies.some((l) => l >= MAX_MS)) break; // blocked: no need to wait for the rest
      }
      polling = false;
      await poller;

      const sorted = [...latencies].sort((a, b) => a - b);
      const summary = `/healthz while the activities were processed: n=${sorted.length}, median ${percentile(sorted, 50).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`;
      expect(sorted.at(-1)!, summary).toBeLessThan(MAX_MS);
      expect(percentile(sorted, 50), summary).toBeLessThan(MEDIAN_MS);
      expect(sorted.length, summary).toBeGreaterThanOrEqual(activities.length);

      expect(statuses).toEqual(activities.map(() => 200));
      // One answer per activity, in the conversation it came from: the core refuses text over 4,000 characters.
      const answers = connector.sent;
      expect(answers).toHaveLength(activities.length);
      for (const a of answers) expect(JSON.stringify(a)).toContain('Je bericht is te lang. Houd het korter dan 4000 tekens.');
    }, 120_000);
  });
});

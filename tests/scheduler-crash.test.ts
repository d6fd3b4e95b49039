import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSchedule, parseSchedule } from '../src/domain/schedule.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { FakeSlack } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The issues' exactly-once tests, for real: a server process sending 1,000 due nudges
 * to (fake) Slack is stopped half-way, with SIGKILL (crash) or SIGTERM (a roll-out); a
 * new server on the same DATA_DIR sends every remaining one once and none twice.
 * Asserted on the fake Slack Web API.
 */
const N = 1000;
const CHANNELS = Array.from({ length: N }, (_, i) => `C${String(i).padStart(5, '0')}`);
let fake: FakeSlack | undefined;
let bot: RunningBot | undefined;
afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

const until = async (cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

async function seed(): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = tempDir();
  const parsed = parseSchedule('elke dag 15:00 ook op feestdagen');
  if (!parsed.ok) throw new Error('schedule');
  const schedule = parsed.schedule;
  const due = new Date(Date.now() - 60_000).toISOString(); // one minute late: well within the grace period
  const store = await LowdbStore.open({ dataDir: dir });
  const at = new Date().toISOString();
  await Promise.all(CHANNELS.flatMap((c, i) => [
    store.conversations.upsert({ key: `slack:${c}`, platform: 'slack', conversationId: c, kind: 'channel', data: {} }, new Date()),
    store.subscriptions.create({
      id: `sub-${i}`, kind: 'nudge', channelKey: `slack:${c}`, platform: 'slack', conversationId: c, schedule, schema: describeSchedule(schedule), locale: 'nl',
      status: 'active', nextSlotAt: due, questionCursor: i, history: [{ at, by: 'slack:U1', what: 'plan' }], createdAt: at, updatedAt: at,
    }),
  ]));
  await store.close();
  fake = await FakeSlack.start();
  const env = {
    ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: 'test-signing-secret-crash', SLACK_API_URL: fake.apiUrl,
  };
  return { dir, env };
}

const posts = (): string[] => fake!.callsTo('chat.postMessage').map((c) => String(c.body.channel));

/** Starts the server as a child process, waits until half the nudges went out, then sends `signal`. */
async function stopHalfway(env: NodeJS.ProcessEnv, signal: NodeJS.Signals): Promise<{ code: number | null; sentBefore: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await until(() => posts().length >= N / 2, 60_000);
  child.kill(signal);
  const code = await exited;
  return { code, sentBefore: posts() };
}

describe('exactly once across a stopped server (fake Slack)', () => {
  it('1,000 due nudges: killed (SIGKILL) mid fan-out, restarted: every remaining one once, none twice', async () => {
    const { env } = await seed();
    const { sentBefore: beforeRestart } = await stopHalfway(env, 'SIGKILL'); // no shutdown, no flush, no finally
    expect(beforeRestart.length).toBeGreaterThanOrEqual(N / 2);
    expect(beforeRestart.length).toBeLessThan(N);

    bot = await startBot(env, { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
    const report = await bot.scheduler.tick();
    const all = posts();
    expect(new Set(all).size).toBe(all.length); // none twice
    const unconfirmed = (await bot.store.nudges.list({ status: ['unconfirmed'] })).map((n) => n.channelKey.slice('slack:'.length));
    expect(unconfirmed.length).toBeLessThanOrEqual(8); // at most the window that was in flight
    const missing = CHANNELS.filter((c) => !all.includes(c));
    for (const c of missing) expect(unconfirmed).toContain(c); // never sent again, and recorded
    expect(report.sent).toBe(all.length - beforeRestart.length);
    const sent = await bot.store.nudges.list({ status: ['sent'] });
    expect(sent.length + unconfirmed.length).toBe(N);
    // a second run sends nothing
    expect((await bot.scheduler.tick()).sent).toBe(0);
    expect(posts()).toHaveLength(all.length);
    await bot.close();
    bot = undefined;
    await fake?.close();
    fake = undefined;
  }, 120_000);

  it('1,000 due nudges: SIGTERM mid fan-out exits 0 after the window in flight; after a restart every nudge is sent exactly once', async () => {
    const { env } = await seed();
    const { code, sentBefore } = await stopHalfway(env, 'SIGTERM');
    expect(code).toBe(0);
    expect(sentBefore.length).toBeLessThan(N); // it stopped claiming and sending
    // graceful: the window in flight finished and was recorded, so nothing is left unconfirmed
    bot = await startBot(env, { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
    expect(await bot.store.nudges.list({ status: ['unconfirmed', 'sending'] })).toEqual([]);
    expect(await bot.store.nudges.list({ status: ['sent'] })).toHaveLength(sentBefore.length);
    const report = await bot.scheduler.tick();
    const all = posts();
    expect(all).toHaveLength(N);
    expect(new Set(all).size).toBe(N); // every channel exactly once
    expect(report.sent).toBe(N - sentBefore.length);
    expect(await bot.store.nudges.list({ status: ['sent'] })).toHaveLength(N);
  }, 120_000);
});

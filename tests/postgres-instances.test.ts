import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { nullOutbox } from '../src/core/outbox.js';
import type { Reply } from '../src/core/reply.js';
import { KnowledgeBase } from '../src/knowledge/base.js';
import { openReflectieQuestions } from '../src/knowledge/reflectie.js';
import { createLogger } from '../src/log.js';
import { describeSchedule, parseSchedule } from '../src/domain/schedule.js';
import { NudgeScheduler } from '../src/scheduler/scheduler.js';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/types.js';
import { FakeSlack } from './helpers/fake-slack.js';
import { usePostgres } from './helpers/pg.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Several real bot processes (`node --import tsx src/main.ts`) on one PostgreSQL
 * database, as behind a load balancer: knelpunt references, nudges, a killed instance
 * and a database outage. Slack is a local fake (SLACK_API_URL); each instance has its
 * own bot token, so the fake can tell who sent what.
 */
const server = usePostgres();
const N = 1000;
const quiet = createLogger({ level: 'silent', pretty: false });

interface BotProcess {
  name: string;
  child: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<void>;
}
const processes: BotProcess[] = [];
const fakes: FakeSlack[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await Promise.all(fakes.map((f) => f.close()));
});

function spawnBot(name: string, env: Record<string, string>): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '1000', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: BotProcess = { name, child, url: '', out: () => out, exited };
  processes.push(proc);
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /"port":(\d+)[^\n]*ibp-bot ready/.exec(out);
      if (m) {
        clearInterval(t);
        resolve({ ...proc, url: `http://127.0.0.1:${m[1]}` });
      } else if (child.exitCode !== null) {
        clearInterval(t);
        reject(new Error(`${name} exited before ready:\n${out}`));
      }
    }, 50);
  });
}

const until = async (what: string, cond: () => boolean | Promise<boolean>, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** 1,000 subscriptions due a minute ago, each in its own Slack channel, created through the PostgreSQL store. */
async function seedNudges(store: Store, prefix: string): Promise<string[]> {
  const parsed = parseSchedule('elke dag 15:00 ook op feestdagen');
  if (!parsed.ok) throw new Error('schedule');
  const schedule = parsed.schedule;
  const due = new Date(Date.now() - 60_000).toISOString();
  const at = new Date().toISOString();
  const channels = Array.from({ length: N }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  for (let i = 0; i < N; i += 50) {
    await Promise.all(channels.slice(i, i + 50).flatMap((c, j) => [
      store.conversations.upsert({ key: `slack:${c}`, platform: 'slack', conversationId: c, kind: 'channel', data: {} }, new Date()),
      store.subscriptions.create({
        id: `sub-${prefix}-${i + j}`, kind: 'nudge', channelKey: `slack:${c}`, platform: 'slack', conversationId: c, schedule, schema: describeSchedule(schedule),
        locale: 'nl', status: 'active', nextSlotAt: due, questionCursor: i + j, history: [{ at, by: 'slack:U1', what: 'plan' }], createdAt: at, updatedAt: at,
      }),
    ]));
  }
  return channels;
}

const slackEnv = (fake: FakeSlack, token: string, databaseUrl: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl, SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: 'test-signing-secret-instances', SLACK_API_URL: fake.apiUrl, NUDGE_SENDING_LEASE_MS: '2000',
});

/** Posts per channel and per sending instance (by bot token). */
function tally(fake: FakeSlack): { perChannel: Map<string, number>; perToken: Map<string, number>; total: number } {
  const perChannel = new Map<string, number>();
  const perToken = new Map<string, number>();
  const posts = fake.callsTo('chat.postMessage');
  for (const c of posts) {
    perChannel.set(String(c.body.channel), (perChannel.get(String(c.body.channel)) ?? 0) + 1);
    perToken.set(c.authorization ?? '?', (perToken.get(c.authorization ?? '?') ?? 0) + 1);
  }
  return { perChannel, perToken, total: posts.length };
}

let kpN = 0;
async function submitKnelpunt(bot: BotProcess): Promise<{ bot: string; status: number; ms: number; text: string; ref?: string }> {
  const started = Date.now();
  const i = ++kpN;
  try {
    const res = await fetch(`${bot.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...forwardedFor(`instances-session-${i}`) },
      body: JSON.stringify({
        // One person per report: the per-user limits stay at their defaults.
        session: `instances-session-${i}`, messageId: `instances-msg-${i}-${Date.now()}`,
        input: { kind: 'form', formId: 'knelpunt', values: { opgave: 'anders', beschrijving: `Knelpunt ${i} over twee instanties.`, urgentie: 'laag', anoniem: i % 2 === 0 } },
      }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { replies?: Reply[] };
    const text = (body.replies ?? []).map((r) => r.fallbackText).join(' ');
    const ref = /KP-\d{4}-\d+/.exec(text)?.[0];
    return { bot: bot.name, status: res.status, ms: Date.now() - started, text, ...(ref ? { ref } : {}) };
  } catch (e) {
    return { bot: bot.name, status: 0, ms: Date.now() - started, text: (e as Error).message };
  }
}

describe('two bot processes on one PostgreSQL database', () => {
  let a: BotProcess;
  let b: BotProcess;
  let store: Store;
  let url: string;

  it('1,000 due nudges with both schedulers running: every nudge reaches Slack exactly once, sent by both', async () => {
    url = await server().createDatabase('instances');
    store = await openStore(loadConfig({ DATABASE_URL: url }), quiet);
    const channels = await seedNudges(store, 'C');
    const fake = await FakeSlack.start();
    fakes.push(fake);
    fake.delay('chat.postMessage', 30); // a fan-out of a few seconds, so both instances take part
    [a, b] = await Promise.all([spawnBot('a', slackEnv(fake, 'xoxb-instance-a', url)), spawnBot('b', slackEnv(fake, 'xoxb-instance-b', url))]);
    await until('1,000 nudges sent', async () => (await store.nudges.list({ status: ['sent'] })).length === N, 90_000);
    const { perChannel, perToken, total } = tally(fake);
    expect(total).toBe(N);
    for (const c of channels) expect(perChannel.get(c), c).toBe(1);
    expect(perToken.get('Bearer xoxb-instance-a') ?? 0).toBeGreaterThan(0);
    expect(perToken.get('Bearer xoxb-instance-b') ?? 0).toBeGreaterThan(0);
    expect((await store.nudges.list()).every((n) => n.status === 'sent')).toBe(true);
  }, 120_000);

  it('200 knelpunt submissions split over both give 200 distinct, consecutive references', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => submitKnelpunt(i % 2 === 0 ? a : b)));
    const failed = results.filter((r) => r.status !== 200);
    // On failure, show why: the answers and each bot's error lines.
    const errors = (p: BotProcess): string => p.out().split('\n').filter((l) => /"level":(50|60)/.test(l)).slice(-5).join('\n');
    expect(failed.map((r) => `${r.bot} ${r.status} ${r.ms} ms: ${r.text}`), `${errors(a)}\n${errors(b)}`).toEqual([]);
    const refs = results.map((r) => r.ref);
    expect(new Set(refs).size).toBe(200);
    const list = await store.knelpunten.list();
    expect(list).toHaveLength(200);
    expect(list.map((k) => k.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(list.map((k) => k.ref))).toEqual(new Set(refs));
  }, 60_000);

  // Session 2 saw this fail under CI load: a bot process died during the outage. The cause was
  // a pg client 'error' event with no listener while a transaction held the client (see Db.tx);
  // tests/store-postgres.test.ts now reproduces that case on its own. If a process dies here
  // again, its log is in the failure message.
  it('database stopped and started under load: no request over 5 s, only the retry message or 503 meanwhile, nothing confirmed is lost, service resumes', async () => {
    const results: Awaited<ReturnType<typeof submitKnelpunt>>[] = [];
    const health: number[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    let stop = false;
    const loops = Array.from({ length: 6 }, async (_, i) => {
      while (!stop) {
        results.push(await submitKnelpunt(i % 2 === 0 ? a : b));
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await until('requests before the outage', () => results.filter((r) => r.status === 200).length >= 20, 20_000);
    await server().stop();
    phase = 'down';
    const downFrom = results.length;
    const probes = (async () => {
      while (phase === 'down') {
        const res = await fetch(`${a.url}/readyz`, { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => {
          throw new Error(`bot a did not answer /readyz (exit code ${a.child.exitCode}): ${String(e)}\n${a.out().slice(-4000)}`);
        });
        health.push(res.status);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await new Promise((r) => setTimeout(r, 2500));
    await server().start();
    phase = 'after';
    await probes;
    const upFrom = results.length;
    // service resumes on both instances without a restart
    await until('successes after the outage on both', () => {
      const ok = results.slice(upFrom).filter((r) => r.status === 200);
      return ok.some((r) => r.bot === 'a') && ok.some((r) => r.bot === 'b') && ok.length >= 20;
    }, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; exit codes a=${a.child.exitCode} b=${b.child.exitCode}\n--- a ---\n${a.out().slice(-3000)}\n--- b ---\n${b.out().slice(-3000)}`);
    });
    stop = true;
    await Promise.all(loops);

    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(5000);
    const during = results.slice(downFrom, upFrom);
    expect(during.length).toBeGreaterThan(0);
    for (const r of results) {
      if (r.status === 200) expect(r.ref, r.text).toBeDefined();
      else {
        expect(r.status, r.text).toBe(503);
        expect(r.text).toMatch(/Probeer het zo nog eens/);
      }
    }
    expect(during.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(health).toContain(503);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    // everything that was confirmed is stored; references stay unique and gapless
    const stored = await store.knelpunten.list();
    const refs = new Set(stored.map((k) => k.ref));
    for (const r of results) if (r.ref) expect(refs.has(r.ref), r.ref).toBe(true);
    expect(stored.map((k) => k.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await store.close();
  }, 150_000);
});

describe('an instance killed in the middle of a fan-out', () => {
  it('the other finishes the rest; none is sent twice; the killed one\'s in-flight nudges become unconfirmed after the lease', async () => {
    const url = await server().createDatabase('killed');
    const config = loadConfig({ DATABASE_URL: url, NUDGE_SENDING_LEASE_MS: '2000' });
    const store = await openStore(config, quiet);
    const channels = await seedNudges(store, 'K');
    const fake = await FakeSlack.start();
    fakes.push(fake);
    fake.delay('chat.postMessage', 40);
    const [victim, survivor] = await Promise.all([spawnBot('victim', slackEnv(fake, 'xoxb-victim', url)), spawnBot('survivor', slackEnv(fake, 'xoxb-survivor', url))]);
    await until('both instances sending', () => {
      const { perToken, total } = tally(fake);
      return total >= 250 && (perToken.get('Bearer xoxb-victim') ?? 0) > 0 && (perToken.get('Bearer xoxb-survivor') ?? 0) > 0;
    }, 90_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    // Within the lease nothing is taken from a sender, not even from the live one that is sending right now.
    expect(await store.nudges.markUnconfirmed(new Date(), config.nudgeSendingLeaseMs)).toEqual([]);

    // The survivor sends the rest: nothing stays queued; what stays `sending` is the victim's window.
    await until('the survivor has sent the rest', async () => {
      const open = await store.nudges.list({ status: ['queued', 'sending'] });
      // only the victim's window stays `sending`: marked before the kill (the survivor's own last window may still be in flight)
      return open.every((n) => n.status === 'sending' && Date.parse(n.updatedAt) <= killedAt) && open.length <= 8 && (await store.nudges.list({ status: ['sent'] })).length + open.length === N;
    }, 90_000);
    const inFlight = await store.nudges.list({ status: ['sending'] });
    expect(inFlight.length).toBeLessThanOrEqual(8); // at most one window (DEFAULT_CONCURRENCY)

    // After the lease, any instance's scheduler run records them as unconfirmed (here: one in this process).
    await new Promise((r) => setTimeout(r, Math.max(0, config.nudgeSendingLeaseMs + 100 - (Date.now() - killedAt))));
    const scheduler = new NudgeScheduler({
      store, knowledge: new KnowledgeBase([]), questions: await openReflectieQuestions(path.resolve('knowledge')), outbox: nullOutbox('not used'),
      log: quiet, now: () => new Date(), graceMinutes: 120,
    });
    expect((await scheduler.tick()).sent).toBe(0);
    const unconfirmed = await store.nudges.list({ status: ['unconfirmed'] });
    expect(unconfirmed.map((n) => n.channelKey).sort()).toEqual(inFlight.map((n) => n.channelKey).sort());

    const { perChannel, perToken, total } = tally(fake);
    expect(perToken.get('Bearer xoxb-survivor') ?? 0).toBeGreaterThan(0);
    for (const c of channels) expect(perChannel.get(c) ?? 0, `${c} received twice`).toBeLessThanOrEqual(1);
    const byChannel = new Map((await store.nudges.list()).map((n) => [n.channelKey.slice('slack:'.length), n.status]));
    for (const c of channels) {
      const status = byChannel.get(c);
      // received exactly once and recorded sent, or recorded unconfirmed (it may or may not have arrived)
      if (status === 'sent') expect(perChannel.get(c), c).toBe(1);
      else expect(status, c).toBe('unconfirmed');
    }
    expect(total).toBeGreaterThanOrEqual(N - unconfirmed.length);
    expect(survivor.child.exitCode).toBeNull();
    await store.close();
  }, 150_000);
});

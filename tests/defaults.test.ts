import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startBotProcess, type BotProcess } from './helpers/bot-process.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlack, FAKE_TEAM_ID } from './helpers/fake-slack.js';
import { freePort, usePostgres } from './helpers/pg.js';
import { commandBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The defaults are what we test (issue 16). The real bot, started the way the README says
 * (`npm start`: node + tsx on src/main.ts), as its own process, with nothing but what the
 * README's quick start and deployment sections set: no NODE_ENV, default rate limits,
 * default HOST; a free PORT (tests run side by side) and a temporary DATA_DIR are the only
 * additions. Driven through the web chat, Teams (as the Agents Playground does: anonymous,
 * from this machine) and, where Slack is configured as the deployment section says, Slack.
 * Once on lowdb (the quick start) and once on PostgreSQL (Deployment).
 */
const pg = usePostgres();
const SECRET = 'defaults-signing-secret-0001';

/** The environment a user has: the test runner's own variables (NODE_ENV=test, …) removed. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_ENV: _n, VITEST: _v, VITEST_POOL_ID: _p, VITEST_WORKER_ID: _w, TEST: _t, ...rest } = process.env;
  return { ...rest, ...extra };
}

async function ready(bot: BotProcess, port: number): Promise<string> {
  for (let i = 0; i < 600; i++) {
    if (bot.output().includes('ibp-bot ready')) return `http://127.0.0.1:${port}`;
    if (bot.output().includes('cannot start')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the bot did not start:\n${bot.output()}`);
}

for (const backend of ['lowdb', 'postgres'] as const) {
  describe(`the defaults, as a user starts it: ${backend}`, () => {
    let bot: BotProcess;
    let url: string;
    let connector: FakeConnector;
    let slack: FakeSlack;
    let n = 0;
    const chat = async (session: string, input: Record<string, unknown>): Promise<{ status: number; text: string }> => {
      const res = await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, messageId: `defaults-${++n}-${Date.now()}`, input }) });
      const body = (await res.json()) as { replies?: Reply[] };
      return { status: res.status, text: (body.replies ?? []).map((r) => r.fallbackText).join('\n') };
    };

    beforeAll(async () => {
      connector = await new FakeConnector().start();
      slack = await FakeSlack.start();
      const port = await freePort();
      bot = startBotProcess(userEnv({
        PORT: String(port), DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'),
        ...(backend === 'postgres'
          ? {
            // Deployment: PostgreSQL and Slack, as the README's deployment and Slack sections set them.
            DATABASE_URL: await pg().createDatabase('defaults'),
            SLACK_BOT_TOKEN: 'xoxb-defaults-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl,
          }
          : {}),
      }));
      url = await ready(bot, port);
    }, 90_000);
    afterAll(async () => {
      await bot?.kill('SIGTERM').catch(() => undefined);
      await bot?.exited;
      await connector?.close();
      await slack?.close();
    });

    it('listens on this machine only (HOST 127.0.0.1 in development), on the store the README says, ready', async () => {
      expect(bot.output()).not.toMatch(/reachable from other machines/i);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { store: { backend: string; writable: boolean } };
      expect(health.store).toMatchObject({ backend, writable: true });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    });

    it('web chat: answers, and files a knelpunt, with the default rate limits', async () => {
      const q = await chat('defaults-person-1', { kind: 'text', text: 'Wat is de zevende zekerheid?' });
      expect(q.status).toBe(200);
      expect(q.text).toMatch(/blijf leren/i);
      const k = await chat('defaults-person-1', { kind: 'form', formId: 'knelpunt', values: { opgave: 'anders', beschrijving: 'Een knelpunt met de standaardinstellingen.', urgentie: 'laag', anoniem: false } });
      expect(k.status).toBe(200);
      expect(k.text).toMatch(/KP-\d{4}-\d{4}/);
      // the per-user turn limit is on: the 21st turn in a minute is refused, once, friendly
      const answers = [];
      for (let i = 0; i < 21; i++) answers.push(await chat('defaults-person-2', { kind: 'text', text: `hallo ${i}` }));
      expect(answers.filter((a) => a.status === 200).length).toBe(21);
      expect(answers.at(-1)!.text).toMatch(/even rustig|te veel|probeer het over/i);
    });

    it('Teams as the Agents Playground talks to it (anonymous, from this machine): the answer arrives at the connector', async () => {
      const from = connector.calls.length;
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(personalMessage(connector.url, 'wat houdt zekerheid 6 in', { locale: 'en-US' })) });
      expect(res.status).toBe(200);
      await expect.poll(() => connector.calls.length, { timeout: 10_000 }).toBeGreaterThan(from);
      expect(JSON.stringify(connector.calls.slice(from).map((c) => c.body))).toMatch(/Eigen huis op orde/);
    });

    it.runIf(backend === 'postgres')('Slack with signed requests: a slash command is answered', async () => {
      const res = await postToSlackEndpoint(`${url}/slack/events`, {
        secret: SECRET,
        body: commandBody({ team_id: FAKE_TEAM_ID, channel_id: 'D0DEFAULTS', user_id: 'U0DEFAULTS', command: '/ibp', text: 'wat is het ibp', response_url: slack.responseUrl('defaults'), trigger_id: 'trigger-defaults' }),
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(200);
      const answer = await slack.waitFor((c) => c.responseUrlId === 'defaults', { timeoutMs: 10_000 });
      expect(JSON.stringify(answer.body)).toMatch(/Interbestuurlijk Programma/);
    });
  });
}

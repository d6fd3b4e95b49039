import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeSlack, FAKE_TEAM_ID } from './helpers/fake-slack.js';
import { commandBody, postToSlackEndpoint, signedHeaders } from './helpers/slack-sign.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Edges of the Slack endpoint (issue 16): a body over 1 MB gets 413 before any signature
 * check (it was a 500), and a slash command with more text than the core takes gets a
 * friendly answer (it got none). Signed requests against the real bot and a fake Slack.
 */
const SECRET = 'edges-signing-secret-1234';
let fake: FakeSlack;
let bot: RunningBot;
const logs = new LogCapture();

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-edges-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl,
    },
    { logDestination: logs, schedulerIntervalMs: 0 },
  );
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

let n = 0;
function slash(text: string, responseId: string): ReturnType<typeof postToSlackEndpoint> {
  return postToSlackEndpoint(`${bot.url}/slack/events`, {
    secret: SECRET,
    contentType: 'application/x-www-form-urlencoded',
    body: commandBody({
      team_id: FAKE_TEAM_ID, channel_id: 'C0EDGES', channel_name: 'ibp-test', user_id: 'U0EDGE', user_name: 'edge',
      command: '/ibp', text, response_url: fake.responseUrl(responseId), trigger_id: `trigger-edges-${++n}`, api_app_id: 'A0APP',
    }),
  });
}
const textOf = (body: Record<string, unknown>): string => JSON.stringify(body.blocks ?? body.text);

describe('a Slack request body over 1 MB', () => {
  const big = JSON.stringify({ type: 'event_callback', event_id: 'EvBig', event: { type: 'message', text: 'x'.repeat(1_100_000) } });

  it('gets 413 with a short text, signed or not; nothing reaches the core', async () => {
    const gaps = await bot.store.gaps.count();
    const from = fake.calls.length;
    const signed = await postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, contentType: 'application/json', body: big });
    expect(signed.status).toBe(413);
    expect(signed.text).toBe('Payload too large');
    const forged = await postToSlackEndpoint(`${bot.url}/slack/events`, { secret: 'not-the-secret', contentType: 'application/json', body: big });
    expect(forged.status).toBe(413);
    expect(fake.calls.slice(from)).toEqual([]);
    expect(await bot.store.gaps.count()).toBe(gaps);
    expect(logs.text).toMatch(/"problem":"body_too_large".*"msg":"slack: request refused"/);
    expect(logs.text).not.toMatch(/unhandled request error/);
  });

  it('gets 413 too when it comes without Content-Length (chunked)', async () => {
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) c.enqueue(bytes.subarray(i, i + 64 * 1024));
        c.close();
      },
    });
    const res = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(SECRET, big) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('Payload too large');
  });

  it('a body just under the limit is still read and checked (a bad signature: 401)', async () => {
    const under = JSON.stringify({ type: 'event_callback', event_id: 'EvUnder', event: { type: 'message', text: 'x'.repeat(900_000) } });
    expect((await postToSlackEndpoint(`${bot.url}/slack/events`, { secret: 'not-the-secret', contentType: 'application/json', body: under })).status).toBe(401);
  });
});

describe('a slash command with more than 4,000 characters of text', () => {
  it('is acknowledged and answered privately with what is allowed', async () => {
    const res = await slash(`Wat is het IBP? ${'heel lang verhaal '.repeat(250)}`, 'too-long');
    expect(res.status).toBe(200);
    const answer = await fake.waitFor((c) => c.responseUrlId === 'too-long');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer.body)).toMatch(/Je bericht is te lang\. Houd het korter dan 4000 tekens\./);
  });

  it('exactly 4,000 characters still reach the core as a question', async () => {
    const text = `Wat is de zevende zekerheid? ${'a'.repeat(4000 - 29)}`;
    expect(text).toHaveLength(4000);
    expect((await slash(text, 'at-limit')).status).toBe(200);
    const answer = await fake.waitFor((c) => c.responseUrlId === 'at-limit');
    expect(textOf(answer.body)).not.toMatch(/te lang/);
  });
});

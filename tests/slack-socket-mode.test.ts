import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { FakeSlack, FAKE_TEAM_ID } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

/** Socket Mode (SLACK_APP_TOKEN): no HTTP endpoint; events arrive over a WebSocket the bot opens. */
let fake: FakeSlack;
let bot: RunningBot;
const logs = new LogCapture();

beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.enableSocketMode();
  bot = await startBot(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      KNOWLEDGE_DIR: path.resolve('knowledge'),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token',
      SLACK_APP_TOKEN: 'xapp-test-not-a-real-token',
      SLACK_API_URL: fake.apiUrl,
    },
    { logDestination: logs },
  );
});

afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

describe('Slack in Socket Mode against a fake Slack', () => {
  it('connects out with the app token; POST /slack/events is not mounted', async () => {
    expect(fake.socketConnections).toBe(1);
    expect(fake.callsTo('apps.connections.open')[0]?.authorization).toBe('Bearer xapp-test-not-a-real-token');
    expect(logs.text).toMatch(/Slack: Socket Mode/);
    expect((await fetch(`${bot.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('answers a DM and a slash command that arrive over the socket', async () => {
    const from = fake.calls.length;
    await fake.socketSend('events_api', {
      type: 'event_callback', team_id: FAKE_TEAM_ID, event_id: 'EvSOCK1',
      event: { type: 'message', channel: 'D0ALICE', channel_type: 'im', user: 'U0ALICE', text: 'Wat is de zevende zekerheid?', ts: '1700002000.000001' },
    });
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    expect(answer.body.channel).toBe('D0ALICE');
    expect(JSON.stringify(answer.body.blocks)).toContain('Er gaan altijd dingen mis, blijf leren!');

    const ack = await fake.socketSend('slash_commands', {
      command: '/ibp', text: 'Welke opgaven zijn er?', user_id: 'U0ALICE', channel_id: 'C0CHAN', team_id: FAKE_TEAM_ID,
      response_url: fake.responseUrl('sock-cmd'), trigger_id: 'trigger-sock',
    });
    expect(ack).toEqual({});
    const reply = await fake.waitFor((c) => c.responseUrlId === 'sock-cmd');
    expect(reply.body.response_type).toBe('ephemeral');
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../src/core/deliveries.js';
import type { Outbox, ProactiveResult } from '../src/core/outbox.js';
import { reply } from '../src/core/reply.js';
import { createLogger } from '../src/log.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlack, FAKE_TEAM_ID } from './helpers/fake-slack.js';
import { commandBody, interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { cardSubmit, CHANNEL, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Triage posts and reporter updates never hold up a turn (issue 16): they go through the
 * outbox in the background, failures are retried, and a conversation that is gone is
 * marked inactive and not tried again.
 */
const card = reply('nl', 'Nieuw knelpunt', []);
const lines = (logs: LogCapture): Record<string, unknown>[] => logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** An outbox whose answers the test scripts, one per call. */
function scripted(answers: (ProactiveResult | Error | 'hang')[]): Outbox & { calls: string[] } {
  const calls: string[] = [];
  const next = async (to: string): Promise<ProactiveResult> => {
    calls.push(to);
    const a = answers.shift() ?? { ok: true };
    if (a === 'hang') return new Promise<ProactiveResult>(() => undefined);
    if (a instanceof Error) throw a;
    return a;
  };
  return { calls, send: (key) => next(key), sendToUser: (u) => next(`user:${u.platform}:${u.userId}`) };
}
function queue(outbox: Outbox, retryDelaysMs = [5, 5]): { q: DeliveryQueue; logs: LogCapture } {
  const logs = new LogCapture();
  return { q: new DeliveryQueue(outbox, createLogger({ level: 'info', pretty: false, destination: logs }), { retryDelaysMs }), logs };
}

describe('DeliveryQueue', () => {
  it('returns at once, also when the send hangs', async () => {
    const outbox = scripted(['hang']);
    const { q } = queue(outbox);
    q.deliver({ conversation: 'slack:C1' }, card, { what: 'test' });
    expect(outbox.calls).toEqual(['slack:C1']); // started, not awaited
  });

  it('retries a passing failure (a result or a throw) after each delay, and says when it got through', async () => {
    const outbox = scripted([{ ok: false, gone: false, reason: 'http_503' }, new Error('network down'), { ok: true }]);
    const { q, logs } = queue(outbox);
    q.deliver({ user: { platform: 'slack', userId: 'U1' } }, card, { what: 'knelpunt reporter update', ref: 'KP-2026-0001' });
    await q.idle();
    expect(outbox.calls).toHaveLength(3);
    expect(lines(logs).map((l) => [l.msg, l.attempt, l.reason])).toEqual([
      ['delivery failed; will retry', 1, 'http_503'],
      ['delivery failed; will retry', 2, 'network down'],
      ['delivery sent after a retry', 3, undefined],
    ]);
    expect(logs.text).not.toContain('U1');
  });

  it('does not retry what is gone; gives up after the last retry', async () => {
    const gone = scripted([{ ok: false, gone: true, reason: 'channel_not_found' }]);
    const a = queue(gone);
    a.q.deliver({ conversation: 'slack:C1' }, card, { what: 'test' });
    await a.q.idle();
    expect(gone.calls).toHaveLength(1);
    expect(a.logs.text).toMatch(/conversation is gone/);
    const failing = scripted(Array.from({ length: 5 }, () => ({ ok: false as const, gone: false as const, reason: 'rate_limited' })));
    const b = queue(failing);
    b.q.deliver({ conversation: 'slack:C1' }, card, { what: 'test' });
    await b.q.idle();
    expect(failing.calls).toHaveLength(3);
    expect(lines(b.logs).at(-1)).toMatchObject({ level: 50, msg: 'delivery failed; giving up', attempt: 3 });
  });

  it('at shutdown: drops the retries not yet due (and says how many), lets a send in flight finish, takes no new ones', async () => {
    let finish!: (r: ProactiveResult) => void;
    const calls: string[] = [];
    const outbox: Outbox = {
      send: async (key) => {
        calls.push(key);
        if (key === 'slack:SLOW') return new Promise<ProactiveResult>((r) => (finish = r));
        return { ok: false, gone: false, reason: 'http_500' };
      },
      sendToUser: async () => ({ ok: true }),
    };
    const { q, logs } = queue(outbox, [60_000]);
    q.deliver({ conversation: 'slack:FAILS' }, card, { what: 'knelpunt triage post' });
    q.deliver({ conversation: 'slack:SLOW' }, card, { what: 'knelpunt triage post' });
    await new Promise((r) => setTimeout(r, 10));
    const stopped = q.stop(5000);
    setTimeout(() => finish({ ok: true }), 20);
    await stopped;
    expect(lines(logs).find((l) => l.msg === 'deliveries waiting for a retry dropped at shutdown')).toMatchObject({ count: 1, what: ['knelpunt triage post'] });
    q.deliver({ conversation: 'slack:LATE' }, card, { what: 'knelpunt triage post' });
    expect(calls).toEqual(['slack:FAILS', 'slack:SLOW']);
    expect(logs.text).toMatch(/delivery not sent: shutting down/);
  });
});

describe('knelpunt triage posts through Slack (real bot, fake Slack)', () => {
  const SECRET = 'deliveries-signing-secret';
  let fake: FakeSlack;
  let bot: RunningBot;
  const logs = new LogCapture();
  let n = 0;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    bot = await startBot(
      {
        PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info',
        SLACK_BOT_TOKEN: 'xoxb-deliveries-not-real', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl,
        KNELPUNT_COORDINATORS: 'slack:U0COORD', RATE_LIMIT_TURNS_PER_MINUTE: '0', RATE_LIMIT_KNELPUNTEN_PER_HOUR: '0',
      },
      { logDestination: logs, schedulerIntervalMs: 0, deliveryRetryDelaysMs: [100, 100] },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  const post = (body: string, form = true): ReturnType<typeof postToSlackEndpoint> =>
    postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType: form ? 'application/x-www-form-urlencoded' : 'application/json' });
  const slash = (user: string, channel: string, text: string, responseId: string): ReturnType<typeof post> =>
    post(commandBody({
      team_id: FAKE_TEAM_ID, channel_id: channel, channel_name: 'kanaal', user_id: user, user_name: user.toLowerCase(), command: '/knelpunt', text,
      response_url: fake.responseUrl(responseId), trigger_id: `trigger-deliveries-${++n}`,
    }));
  const toChannel = (channel: string) => (c: { method: string; body: Record<string, unknown> }): boolean => c.method === 'chat.postMessage' && c.body.channel === channel;
  async function waitForLog(msg: string): Promise<void> {
    for (let i = 0; i < 100 && !lines(logs).some((l) => l.msg === msg); i++) await new Promise((r) => setTimeout(r, 25));
    expect(lines(logs).some((l) => l.msg === msg), msg).toBe(true);
  }

  async function registerTriage(channel: string): Promise<void> {
    await slash('U0COORD', channel, 'triage hier', `triage-${channel}`);
    await fake.waitFor((c) => c.responseUrlId === `triage-${channel}`);
  }
  /** A named knelpunt through the modal; returns the index of the first fake call it caused. */
  async function report(): Promise<number> {
    const from = fake.calls.length;
    await slash('U0REPORTER', 'C0REPORT', '', `report-${n + 1}`);
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    const res = await post(interactionBody({
      type: 'view_submission', team: { id: FAKE_TEAM_ID }, user: { id: 'U0REPORTER', name: 'reporter', team_id: FAKE_TEAM_ID },
      view: {
        id: `V0DEL${n}`, hash: `h-del-${n}`, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata,
        state: { values: {
          opgave: { v: { type: 'static_select', selected_option: { value: 'opgave-wonen' } } },
          beschrijving: { v: { type: 'plain_text_input', value: 'De provincie en de gemeente wachten op elkaar.' } },
          urgentie: { v: { type: 'static_select', selected_option: { value: 'hoog' } } },
        } },
      },
    }));
    expect(res.status).toBe(200);
    return from;
  }
  const confirmed = (from: number) => fake.waitFor((c) => JSON.stringify(c.body).includes('Knelpunt ontvangen'), { from });

  it('a triage post that hangs does not hold up the confirmation; after it fails it is retried and arrives', async () => {
    await registerTriage('C0TRIAGE');
    const hang = fake.hold('chat.postMessage', 'C0TRIAGE');
    const from = await report();
    const first = await fake.waitFor(toChannel('C0TRIAGE'), { from });
    await confirmed(from);
    // the reporter has the confirmation while the triage post still hangs
    expect(hang.pending).toBe(true);
    hang.release('internal_error');
    await fake.waitFor(toChannel('C0TRIAGE'), { from: fake.calls.indexOf(first) + 1 });
    await waitForLog('delivery sent after a retry');
    expect(fake.calls.slice(from).filter(toChannel('C0TRIAGE'))).toHaveLength(2);
    expect(lines(logs).find((l) => l.msg === 'delivery failed; will retry')).toMatchObject({ what: 'knelpunt triage post', reason: 'internal_error', attempt: 1 });
  });

  it('a triage channel that is gone (channel_not_found) is marked inactive and not tried again', async () => {
    await registerTriage('C0GONE');
    fake.failChannel('C0GONE', 'channel_not_found');
    const from = await report();
    await confirmed(from);
    await fake.waitFor(toChannel('C0TRIAGE'), { from });
    await waitForLog('delivery not sent: the conversation is gone (marked inactive); not retried');
    expect(await bot.store.conversations.get('slack:C0GONE')).toMatchObject({ active: false, inactiveReason: 'channel_not_found' });
    await new Promise((r) => setTimeout(r, 300)); // longer than the retry delays
    expect(fake.calls.slice(from).filter(toChannel('C0GONE'))).toHaveLength(1);
    // the next knelpunt does not call Slack for it at all
    const again = await report();
    await confirmed(again);
    await fake.waitFor(toChannel('C0TRIAGE'), { from: again });
    expect(fake.calls.slice(again).filter(toChannel('C0GONE'))).toHaveLength(0);
    expect(logs.text).not.toMatch(/U0REPORTER|C0REPORT/);
  });
});

describe('knelpunt triage posts through Teams (real bot, fake Bot Connector)', () => {
  const COORD = { id: '29:1DeliveriesCoordinator', name: 'Coördinator', aadObjectId: 'd0d0d0d0-0000-4000-8000-00000000c00d' };
  let connector: FakeConnector;
  let bot: RunningBot;
  const logs = new LogCapture();

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info', KNELPUNT_COORDINATORS: `aad:${COORD.aadObjectId}` },
      { logDestination: logs, schedulerIntervalMs: 0, deliveryRetryDelaysMs: [100] },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });
  const send = (activity: Record<string, unknown>): Promise<Response> =>
    fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

  it('a channel where the bot was removed (403) is marked inactive; the reporter is confirmed anyway', async () => {
    await send(channelMessage(connector.url, 'knelpunt triage hier', { from: COORD }));
    const [key] = await bot.store.triageChannels.list();
    expect(key).toMatch(/^teams:19:/);
    connector.failConversation(CHANNEL, { status: 403 });
    await send(personalMessage(connector.url, 'knelpunt'));
    const from = connector.calls.length;
    await send(cardSubmit(connector.url, {
      ibpForm: 'knelpunt', ibpFields: { overheden: 'multiselect', anoniem: 'checkbox' },
      opgave: 'anders', beschrijving: 'Het waterschap en de provincie wachten op elkaar.', overheden: 'provincie', urgentie: 'hoog', anoniem: 'false',
    }));
    expect(JSON.stringify(connector.calls.slice(from).map((c) => c.body))).toMatch(/Knelpunt ontvangen/);
    for (let i = 0; i < 100 && (await bot.store.conversations.get(key!))?.active !== false; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await bot.store.conversations.get(key!)).toMatchObject({ active: false, inactiveReason: expect.stringMatching(/^teams_403/) });
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls.slice(from).filter((c) => c.conversationId?.startsWith(CHANNEL))).toHaveLength(1);
  });
});

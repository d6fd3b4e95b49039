import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelLabels, conversationsOf } from '../src/dashboard/names.js';
import { planningRows } from '../src/dashboard/pages/planning.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { buttonsOf, FakeSlack, FAKE_TEAM_ID, type SlackButton as Button } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { commandBody, interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Reflectie through the real Slack adapter (real Bolt, fake Slack Web API): the slash
 * command opens a modal, the summary comes privately, sharing posts in the channel;
 * a planned nudge goes out through the adapter's proactive path, and a channel the
 * bot was removed from pauses the subscription.
 */
const SECRET = 'test-signing-secret-reflectie';
let fake: FakeSlack;
let bot: RunningBot;
/** Real time for HTTP (Bolt checks signature timestamps against the real clock); a fixed instant while the scheduler runs. */
let fixed: Date | null = null;
const clock = (): Date => fixed ?? new Date();
async function tickAt(at: Date) {
  fixed = at;
  try {
    return await bot.scheduler.tick();
  } finally {
    fixed = null;
  }
}
let n = 0;

const send = (body: string): ReturnType<typeof postToSlackEndpoint> =>
  postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType: 'application/x-www-form-urlencoded' });
const slash = (text: string, id: string, channel = 'C0TEAM', user = 'U0ALICE'): ReturnType<typeof send> =>
  send(commandBody({ team_id: FAKE_TEAM_ID, channel_id: channel, channel_name: 'team', user_id: user, user_name: user.toLowerCase(), command: '/reflectie', text, response_url: fake.responseUrl(id), trigger_id: `trigger-${id}` }));
function click(user: string, channel: string, button: Button, messageTs: string): ReturnType<typeof send> {
  n += 1;
  return send(interactionBody({
    type: 'block_actions', user: { id: user, username: user.toLowerCase(), team_id: FAKE_TEAM_ID }, team: { id: FAKE_TEAM_ID },
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false }, channel: { id: channel },
    message: { type: 'message', ts: messageTs }, trigger_id: `trigger-click-${n}`,
    actions: [{ type: 'button', action_id: button.action_id, value: button.value, action_ts: `1700002000.${n}` }],
  }));
}
function submit(user: string, view: { callback_id: string; private_metadata: string }, values: Record<string, unknown>): ReturnType<typeof send> {
  n += 1;
  return send(interactionBody({
    // as Slack sends it: the user's handle as name and username
    type: 'view_submission', team: { id: FAKE_TEAM_ID }, user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FAKE_TEAM_ID },
    view: { id: `V${n}`, hash: `h${n}`, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
  }));
}

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl },
    { logDestination: new LogCapture(), now: clock, schedulerIntervalMs: 0 },
  );
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

describe('reflectie in Slack', () => {
  it('/reflectie opens a modal; errors in the ack; the summary is private; "share with my name" posts in the channel', async () => {
    let from = fake.calls.length;
    await slash('', 'open');
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('reflectie');

    const empty = await submit('U0ALICE', view, { goed: { v: { type: 'plain_text_input', value: '' } } });
    expect(JSON.parse(empty.text)).toMatchObject({ response_action: 'errors', errors: { goed: expect.stringMatching(/minstens één/) } });

    from = fake.calls.length;
    const ok = await submit('U0ALICE', view, {
      goed: { v: { type: 'plain_text_input', value: 'We deelden de planning <!channel> op tijd.' } },
      beter: { v: { type: 'plain_text_input', value: null } },
      meenemen: { v: { type: 'plain_text_input', value: null } },
      opgave: { v: { type: 'static_select', selected_option: { value: 'opgave-klimaat' } } },
      zekerheid: { v: { type: 'static_select', selected_option: null } },
    });
    expect(ok.text).toBe('');
    // privately: ephemeral through the slash command's response_url
    const summary = await fake.waitFor((c) => JSON.stringify(c.body.blocks ?? '').includes('Alleen voor mij'), { from });
    expect(summary.responseUrlId).toBe('open');
    expect(summary.body.response_type).toBe('ephemeral');
    const share = buttonsOf(summary).find((b) => b.value.endsWith('|named~nl'))!; // ~nl: the card's language
    expect(share).toBeDefined();

    from = fake.calls.length;
    await click('U0ALICE', 'C0TEAM', share, '1700002100.000001');
    const posted = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TEAM' && JSON.stringify(c.body.blocks ?? '').includes('Reflectie van'), { from });
    expect(JSON.stringify(posted.body.blocks)).toContain('&lt;!channel&gt;'); // typed text never becomes a mention
    for (let i = 0; i < 100 && (await bot.store.reflections.count()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await bot.store.reflections.list())[0]).toMatchObject({ channelKey: 'slack:C0TEAM', opgave: 'opgave-klimaat', anonymous: false });
  });

  it('a planned nudge goes out through the Slack adapter; its button opens the modal for whoever clicks', async () => {
    await slash('plan elke dag 15:00 ook op feestdagen', 'plan');
    const planned = await fake.waitFor((c) => c.responseUrlId === 'plan');
    expect(JSON.stringify(planned.body.blocks)).toMatch(/Afgesproken.*elke dag 15:00.*(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} [a-z]+ \d{4}, 15:00/);
    const [sub] = await bot.store.subscriptions.list({ channelKey: 'slack:C0TEAM', kind: 'nudge' });
    // The dashboard's planning names the channel as Slack does, not by its id.
    const refs = await conversationsOf(bot.store, [sub!.channelKey]);
    expect(planningRows([sub!], new Date(), channelLabels([sub!], refs))[0]!.channel).toBe('#team');
    let from = fake.calls.length;
    expect((await tickAt(new Date(new Date(sub!.nextSlotAt).getTime() + 10_000))).sent).toBe(1);
    const nudge = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TEAM', { from });
    expect(JSON.stringify(nudge.body.blocks)).toMatch(/Tijd voor een korte reflectie/);
    const start = buttonsOf(nudge)[0]!;
    from = fake.calls.length;
    await click('U0BOB', 'C0TEAM', start, '1700002200.000001');
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    expect((opened.body.view as { callback_id: string }).callback_id).toBe('reflectie');
  });

  it('a channel the bot was removed from: the nudge is recorded as gone and the subscription paused', async () => {
    const [sub] = await bot.store.subscriptions.list({ channelKey: 'slack:C0TEAM', kind: 'nudge' });
    const next = new Date(sub!.nextSlotAt);
    fake.failNext('chat.postMessage', 'channel_not_found');
    const report = await tickAt(new Date(next.getTime() + 5000));
    expect(report.gone).toBe(1);
    const subs = await bot.store.subscriptions.list({ channelKey: 'slack:C0TEAM' });
    expect(subs.map((s) => [s.status, s.pausedReason])).toEqual([['paused', 'channel_not_found'], ['paused', 'channel_not_found']]);
    const from = fake.calls.length;
    expect((await tickAt(new Date(next.getTime() + 86_400_000 + 5000))).sent).toBe(0);
    expect(fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('a step-by-step dialogue in a DM survives a restart of the server', async () => {
    const dir = tempDir();
    const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl };
    let ev = 0;
    const dm = async (b: RunningBot, text: string): Promise<string> => {
      ev += 1;
      const from = fake.calls.length;
      const body = JSON.stringify({
        type: 'event_callback', team_id: FAKE_TEAM_ID, event_id: `EvRefl${ev}${Date.now()}`,
        event: { type: 'message', channel: 'D0CAROL', channel_type: 'im', user: 'U0CAROL', text, ts: `17000030${ev}.000001` },
      });
      await postToSlackEndpoint(`${b.url}/slack/events`, { secret: SECRET, body, contentType: 'application/json' });
      const answer = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0CAROL', { from });
      return JSON.stringify(answer.body.blocks);
    };
    const first = await startBot(env, { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
    expect(await dm(first, 'reflectie stap voor stap')).toMatch(/Vraag 1 van 5/);
    expect(await dm(first, 'We vierden een succes samen.')).toMatch(/Vraag 2 van 5/);
    await first.close();
    const second = await startBot(env, { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
    try {
      expect(await dm(second, 'overslaan')).toMatch(/Vraag 3 van 5/);
      await dm(second, 'Samen vieren werkt.');
      await dm(second, 'overslaan');
      expect(await dm(second, 'overslaan')).toMatch(/Je reflectie.*We vierden een succes samen.*Samen vieren werkt/);
    } finally {
      await second.close();
    }
  });
});

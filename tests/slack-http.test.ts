import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { block, reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { buttonsOf, FakeSlack, FAKE_BOT_USER_ID, FAKE_TEAM_ID, headerOf } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { commandBody, interactionBody, postToSlackEndpoint, type SlackPost } from './helpers/slack-sign.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The Slack adapter end to end: signed requests to POST /slack/events on the real
 * bot, Bolt's real Web API client talking to a local fake Slack (SLACK_API_URL).
 */
const SECRET = 'test-signing-secret-1234';
const SEVENTH = 'Er gaan altijd dingen mis, blijf leren!';

let fake: FakeSlack;
let bot: RunningBot;
const logs = new LogCapture();
let seq = 0;
const next = (): number => ++seq;

const post = (p: Omit<SlackPost, 'secret'> & { secret?: string }): ReturnType<typeof postToSlackEndpoint> =>
  postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, ...p });

function slash(command: string, text: string, responseId: string, channel = 'C0CHAN'): Promise<{ status: number; text: string; ms: number }> {
  const n = next();
  return post({
    contentType: 'application/x-www-form-urlencoded',
    body: commandBody({
      token: 'legacy-verification-token',
      team_id: FAKE_TEAM_ID,
      channel_id: channel,
      channel_name: 'ibp-test',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command,
      text,
      response_url: fake.responseUrl(responseId),
      trigger_id: `trigger-${n}`,
      api_app_id: 'A0APP',
    }),
  });
}

function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${next()}`): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: FAKE_TEAM_ID,
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true }],
    event,
  });
}

function dm(text: string, over: Record<string, unknown> = {}, eventId?: string): Promise<{ status: number }> {
  const ts = `1700000100.${String(next()).padStart(6, '0')}`;
  return post({
    contentType: 'application/json',
    body: eventEnvelope({ type: 'message', channel: 'D0ALICE', channel_type: 'im', user: 'U0ALICE', text, ts, event_ts: ts, ...over }, eventId),
  });
}

type SentBlock = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string }[] };

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      KNOWLEDGE_DIR: path.resolve('knowledge'),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    },
    { logDestination: logs },
  );
});

afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

describe('Slack over signed HTTP against a fake Slack', () => {
  it('starts with auth.test and says in the log where Slack listens', () => {
    expect(fake.callsTo('auth.test')).toHaveLength(1);
    expect(fake.callsTo('auth.test')[0]!.authorization).toBe('Bearer xoxb-test-not-a-real-token');
    expect(logs.text).toMatch(/Slack: listening on POST \/slack\/events/);
    expect(logs.text).not.toContain('xoxb-test-not-a-real-token');
    expect(logs.text).not.toContain(SECRET);
  });

  it('answers url_verification with the challenge (after the signature check)', async () => {
    const body = JSON.stringify({ token: 'legacy', challenge: 'uitdaging-123', type: 'url_verification' });
    const res = await post({ contentType: 'application/json', body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'uitdaging-123' });
    const forged = await post({ contentType: 'application/json', body, secret: 'wrong-secret-000' });
    expect(forged.status).toBe(401);
  });

  it('/ibp <vraag>: acks at once, answers privately via response_url with the answer card', async () => {
    const res = await slash('/ibp', 'Wat is de zevende zekerheid?', 'cmd-ibp');
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const call = await fake.waitFor((c) => c.responseUrlId === 'cmd-ibp');
    expect(call.body.response_type).toBe('ephemeral');
    expect(call.body.replace_original).toBe(false);
    expect(headerOf(call)).toBe(SEVENTH);
    expect(typeof call.body.text).toBe('string');
    // feedback buttons carry unique action ids `<action>:<index>`
    const ids = buttonsOf(call).map((e) => e.action_id);
    expect(ids.filter((i) => i.startsWith('feedback:'))).toHaveLength(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await bot.store.conversations.get('slack:C0CHAN')).toMatchObject({ platform: 'slack', conversationId: 'C0CHAN', teamId: FAKE_TEAM_ID, active: true });
  });

  it('/reflectie reaches the core and opens the reflection form as a modal', async () => {
    const from = fake.calls.length;
    await slash('/reflectie', '', 'cmd-reflectie');
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    expect((opened.body.view as { callback_id: string }).callback_id).toBe('reflectie');
  });

  it('/knelpunt opens the form as a modal; field errors go back in the ack; a valid report is confirmed privately', async () => {
    const from = fake.calls.length;
    await slash('/knelpunt', '', 'cmd-knelpunt');
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: { type: string; block_id?: string; element?: { type: string; action_id: string } }[] };
    expect(opened.body.trigger_id).toMatch(/^trigger-/);
    expect(view.callback_id).toBe('knelpunt');
    const inputs = view.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => [b.block_id, b.element?.type])).toEqual([
      ['opgave', 'static_select'],
      ['beschrijving', 'plain_text_input'],
      ['overheden', 'multi_static_select'],
      ['urgentie', 'static_select'],
      ['anoniem', 'checkboxes'],
    ]);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ c: 'C0CHAN', r: fake.responseUrl('cmd-knelpunt'), e: 1 });

    const submit = (hash: string, beschrijving: string): Promise<{ status: number; text: string }> =>
      post({
        contentType: 'application/x-www-form-urlencoded',
        body: interactionBody({
          type: 'view_submission',
          team: { id: FAKE_TEAM_ID },
          user: { id: 'U0ALICE', name: 'alice', team_id: FAKE_TEAM_ID },
          view: {
            id: 'V0KNELPUNT',
            hash,
            type: 'modal',
            callback_id: view.callback_id,
            private_metadata: view.private_metadata,
            state: {
              values: {
                opgave: { value: { type: 'static_select', selected_option: { value: 'anders' } } },
                beschrijving: { value: { type: 'plain_text_input', value: beschrijving } },
                overheden: { value: { type: 'multi_static_select', selected_options: [] } },
                urgentie: { value: { type: 'static_select', selected_option: { value: 'middel' } } },
                anoniem: { value: { type: 'checkboxes', selected_options: [] } },
              },
            },
          },
        }),
      });
    const tooShort = await submit('h1', 'kort');
    expect(tooShort.status).toBe(200);
    const ack = JSON.parse(tooShort.text) as { response_action: string; errors: Record<string, string> };
    expect(ack.response_action).toBe('errors');
    expect(Object.keys(ack.errors)).toEqual(['beschrijving']);

    const ok = await submit('h2', 'De gemeente en de provincie wachten al maanden op elkaar.');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe(''); // closes the modal
    const confirmation = await fake.waitFor((c) => c.responseUrlId === 'cmd-knelpunt');
    expect(confirmation.body.response_type).toBe('ephemeral');
    expect(headerOf(confirmation)).toMatch(/^Knelpunt ontvangen: /);
  });

  it('app_mention: answers in a thread under the mention, without the mention in the question', async () => {
    const from = fake.calls.length;
    const ts = '1700000200.000100';
    const res = await post({
      contentType: 'application/json',
      body: eventEnvelope({ type: 'app_mention', channel: 'C0CHAN', user: 'U0BOB', text: `<@${FAKE_BOT_USER_ID}> Wat is de zevende zekerheid?`, ts, event_ts: ts }),
    });
    expect(res.status).toBe(200);
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    expect(call.body).toMatchObject({ channel: 'C0CHAN', thread_ts: ts });
    expect(headerOf(call)).toBe(SEVENTH);
    expect(await bot.store.conversations.get(`slack:C0CHAN:${ts}`)).toMatchObject({ threadId: ts, kind: 'channel' });
  });

  it('a DM is answered in the DM; bot messages, edits, deletions and our own posts are ignored', async () => {
    const from = fake.calls.length;
    await dm('Wat is de zevende zekerheid?', { bot_id: 'B0OTHER', subtype: 'bot_message' });
    await dm('Wat is de zevende zekerheid?', { subtype: 'message_changed' });
    await dm('', { subtype: 'message_deleted', user: undefined });
    await dm('Wat is de zevende zekerheid?', { user: FAKE_BOT_USER_ID });
    await dm('Wat is de zevende zekerheid?');
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    expect(call.body.channel).toBe('D0ALICE');
    expect(call.body.thread_ts).toBeUndefined();
    expect(headerOf(call)).toBe(SEVENTH);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.slice(from).filter((c) => c.method.startsWith('chat.'))).toHaveLength(1);
  });

  it('a redelivered event (same event_id, X-Slack-Retry-Num) is processed once', async () => {
    const from = fake.calls.length;
    const gapsBefore = await bot.store.gaps.count();
    const body = eventEnvelope({ type: 'message', channel: 'D0ALICE', channel_type: 'im', user: 'U0ALICE', text: 'hoe laat vertrekt de trein naar Zwolle', ts: '1700000300.000001' }, 'EvRETRY1');
    expect((await post({ contentType: 'application/json', body })).status).toBe(200);
    await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    const again = await post({ contentType: 'application/json', body, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(again.status).toBe(200);
    await dm('Wat is de zevende zekerheid?'); // a barrier: when this is answered, the retry was handled
    await fake.waitFor((c) => c.method === 'chat.postMessage' && headerOf(c) === SEVENTH, { from });
    expect(fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    expect(await bot.store.gaps.count()).toBe(gapsBefore + 1);
  });

  it('a feedback button (block_actions) stores feedback and thanks privately', async () => {
    const answer = await fake.waitFor((c) => c.responseUrlId === 'cmd-ibp');
    const button = buttonsOf(answer).find((e) => e.action_id.startsWith('feedback:') && e.value.includes('|helpful|'))!;
    const before = await bot.store.feedback.count();
    const payload = {
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', team_id: FAKE_TEAM_ID },
      api_app_id: 'A0APP',
      team: { id: FAKE_TEAM_ID, domain: 'ibp-test' },
      container: { type: 'message', message_ts: '1700000400.000001', channel_id: 'C0CHAN', is_ephemeral: true },
      channel: { id: 'C0CHAN', name: 'ibp-test' },
      trigger_id: 'trigger-fb-1',
      response_url: fake.responseUrl('fb-1'),
      actions: [{ type: 'button', block_id: 'b1', action_id: button.action_id, value: button.value, action_ts: '1700000401.000001', text: { type: 'plain_text', text: 'Ja, nuttig' } }],
    };
    const res = await post({ contentType: 'application/x-www-form-urlencoded', body: interactionBody(payload) });
    expect(res.status).toBe(200);
    const thanks = await fake.waitFor((c) => c.responseUrlId === 'fb-1');
    expect(thanks.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(thanks.body.blocks)).toMatch(/Fijn dat het hielp/);
    expect(await bot.store.feedback.count()).toBe(before + 1);
    // the same click delivered twice is stored once
    await post({ contentType: 'application/x-www-form-urlencoded', body: interactionBody(payload) });
    await new Promise((r) => setTimeout(r, 300));
    expect(await bot.store.feedback.count()).toBe(before + 1);
  });

  it('a view_submission of a form the core does not know closes the modal and answers kindly', async () => {
    const payload = {
      type: 'view_submission',
      team: { id: FAKE_TEAM_ID },
      user: { id: 'U0ALICE', team_id: FAKE_TEAM_ID },
      trigger_id: 'trigger-view-1',
      view: {
        id: 'V0FORM1',
        hash: '1700000500.abc',
        type: 'modal',
        callback_id: 'onbekend-formulier',
        private_metadata: JSON.stringify({ c: 'C0CHAN', r: fake.responseUrl('view-1'), e: 1 }),
        state: { values: { omschrijving: { value: { type: 'plain_text_input', value: 'iets' } } } },
      },
    };
    const res = await post({ contentType: 'application/x-www-form-urlencoded', body: interactionBody(payload) });
    expect(res.status).toBe(200);
    expect(res.text).toBe(''); // an empty ack closes the modal
    const call = await fake.waitFor((c) => c.responseUrlId === 'view-1');
    expect(call.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(call.body.blocks)).toMatch(/formulier ken ik niet/);
  });

  it('app_home_opened publishes an App Home view with the help and the user\'s own knelpunten', async () => {
    const from = fake.calls.length;
    await post({ contentType: 'application/json', body: eventEnvelope({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home', event_ts: '1700000600.000001' }) });
    const call = await fake.waitFor((c) => c.method === 'views.publish', { from });
    expect(call.body.user_id).toBe('U0ALICE');
    const view = call.body.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(JSON.stringify(view.blocks)).toContain('Wat kan ik voor je doen?');
    expect(JSON.stringify(view.blocks)).toContain('Jouw knelpunten');
    expect(JSON.stringify(view.blocks)).toMatch(/KP-\d{4}-\d+/); // reported with /knelpunt above
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });

  it('a button in App Home (no channel) is answered in the user\'s DM', async () => {
    const home = await fake.waitFor((c) => c.method === 'views.publish');
    const ask = ((home.body.view as { blocks: SentBlock[] }).blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []) as { action_id: string; value: string }[]).find(
      (e) => e.value === 'Wat is de zevende zekerheid?~nl', // ~nl: the card's language
    )!;
    expect(ask.action_id).toMatch(/^ask:\d+$/);
    const from = fake.calls.length;
    const payload = {
      type: 'block_actions',
      user: { id: 'U0ALICE', team_id: FAKE_TEAM_ID },
      team: { id: FAKE_TEAM_ID },
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home' },
      trigger_id: 'trigger-home-1',
      actions: [{ type: 'button', action_id: ask.action_id, value: ask.value, action_ts: '1700000650.000001' }],
    };
    await post({ contentType: 'application/x-www-form-urlencoded', body: interactionBody(payload) });
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    expect(answer.body.channel).toBe('U0ALICE');
    expect(headerOf(answer)).toBe(SEVENTH);
  });

  it('refuses a bad signature, a stale or future timestamp and missing headers; nothing is processed', async () => {
    const from = fake.calls.length;
    const gapsBefore = await bot.store.gaps.count();
    const body = eventEnvelope({ type: 'message', channel: 'D0ALICE', channel_type: 'im', user: 'U0ALICE', text: 'geweigerd verzoek', ts: '1700000700.000001' });
    const now = Math.floor(Date.now() / 1000);
    expect((await post({ contentType: 'application/json', body, secret: 'not-the-secret' })).status).toBe(401);
    expect((await post({ contentType: 'application/json', body, timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await post({ contentType: 'application/json', body, timestamp: now + 6 * 60 })).status).toBe(401);
    expect((await post({ contentType: 'application/json', body, unsigned: true })).status).toBe(400);
    const tampered = await postToSlackEndpoint(`${bot.url}/slack/events`, {
      contentType: 'application/json',
      body: body.replace('geweigerd', 'veranderd'),
      headers: { 'x-slack-request-timestamp': String(now), 'x-slack-signature': 'v0=' + '0'.repeat(64) },
      unsigned: true,
    });
    expect(tampered.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.slice(from)).toEqual([]);
    expect(await bot.store.gaps.count()).toBe(gapsBefore);
    expect(logs.text).toMatch(/slack: request refused/);
  });

  it('a question with <!channel>, a mention and a fake link is never sent back live', async () => {
    const from = fake.calls.length;
    // As Slack delivers it: its own markup, with & escaped
    await dm('<!channel> <@U123> <https://evil.example|klik> &amp; *vet*');
    await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    const sent = JSON.stringify(fake.calls.slice(from).map((c) => c.body));
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<@U123>');
    expect(sent).not.toContain('evil.example|');
    const gaps = await bot.store.gaps.list();
    expect(gaps.at(-1)?.text).toBe('@channel @U123 klik & *vet*');
  });

  it('sendProactive reaches Slack, retries a 429 after Retry-After, and marks a gone channel inactive', async () => {
    const adapter = bot.adapters.find((a) => a.platform === 'slack')!;
    const ref = (await bot.store.conversations.get('slack:C0CHAN'))!;
    const msg = reply('nl', 'Nieuw knelpunt', [block.heading('Nieuw knelpunt'), block.plain('<!channel> kijk even')]);

    const from = fake.calls.length;
    expect(await adapter.sendProactive(ref, msg)).toMatchObject({ ok: true, messageId: expect.any(String) });
    const sent = fake.calls.slice(from).find((c) => c.method === 'chat.postMessage')!;
    expect(sent.body.channel).toBe('C0CHAN');
    expect(JSON.stringify(sent.body.blocks)).toContain('&lt;!channel&gt; kijk even');

    fake.rateLimitNext('chat.postMessage', 1);
    const from429 = fake.calls.length;
    const started = Date.now();
    expect(await adapter.sendProactive(ref, msg)).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.calls.slice(from429).filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    expect(logs.text).toMatch(/"waitSeconds":1,"attempt":1,"msg":"slack: rate limited/);

    fake.failNext('chat.postMessage', 'channel_not_found');
    expect(await adapter.sendProactive(ref, msg)).toEqual({ ok: false, gone: true, reason: 'channel_not_found' });
    expect(await bot.store.conversations.get('slack:C0CHAN')).toMatchObject({ active: false, inactiveReason: 'channel_not_found' });
    // and the core's outbox now refuses the reference without calling Slack
    const fromOutbox = fake.calls.length;
    expect(await bot.bot.deps.outbox.send('slack:C0CHAN', msg)).toMatchObject({ ok: false, gone: true });
    expect(fake.calls.length).toBe(fromOutbox);
  });
});

describe('the log', () => {
  it('has no errors, no tokens, no signatures and no Slack user ids', () => {
    const entries = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    expect(logs.text).not.toMatch(/xoxb-|v0=[0-9a-f]{8}|U0ALICE|U0BOB/);
  });
});

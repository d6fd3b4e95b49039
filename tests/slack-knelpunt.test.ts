import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '../src/core/context.js';
import { block, reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { buttonsOf, FakeSlack, FAKE_TEAM_ID, headerOf, type SlackButton as Button } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { commandBody, interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { tempDir } from './helpers/tmp.js';

/**
 * A whole knelpunt through Slack: a coordinator registers a triage channel, a civil
 * servant reports from a DM (form as a modal via the "open form" button), the
 * coordinator declines it with a toelichting (a second modal, with form state),
 * and the reporter gets a DM. Real bot, real Bolt, fake Slack.
 */
const SECRET = 'test-signing-secret-1234';
let fake: FakeSlack;
let bot: RunningBot;
let n = 0;

const send = (body: string, form = true): ReturnType<typeof postToSlackEndpoint> =>
  postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType: form ? 'application/x-www-form-urlencoded' : 'application/json' });


function click(user: string, channel: string, button: Button, messageTs: string, extra: Record<string, unknown> = {}): ReturnType<typeof send> {
  n += 1;
  return send(
    interactionBody({
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), team_id: FAKE_TEAM_ID },
      team: { id: FAKE_TEAM_ID },
      container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
      channel: { id: channel },
      message: { type: 'message', ts: messageTs },
      trigger_id: `trigger-click-${n}`,
      actions: [{ type: 'button', action_id: button.action_id, value: button.value, action_ts: `1700001000.${n}` }],
      ...extra,
    }),
  );
}

function submit(user: string, view: { callback_id: string; private_metadata: string }, values: Record<string, unknown>): ReturnType<typeof send> {
  n += 1;
  return send(
    interactionBody({
      type: 'view_submission',
      team: { id: FAKE_TEAM_ID },
      user: { id: user, team_id: FAKE_TEAM_ID },
      view: { id: `V${n}`, hash: `h${n}`, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
    }),
  );
}

/** A core that takes longer than Slack's 3 s: the acks must not wait for it. */
const SLOW_MS = 3500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const slowFeature: Feature = {
  name: 'slow-for-tests',
  commands: {
    reflectie: async (ctx) => {
      await sleep(SLOW_MS);
      return { replies: [reply(ctx.locale, 'Traag antwoord', [block.heading('Traag antwoord')])], outcome: 'command' };
    },
  },
  forms: {
    langzaam: async (ctx) => {
      await sleep(SLOW_MS);
      return { replies: [reply(ctx.locale, 'Traag formulier', [block.heading('Traag formulier')])], outcome: 'form' };
    },
  },
};

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      KNOWLEDGE_DIR: path.resolve('knowledge'),
      NODE_ENV: 'test',
      SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      KNELPUNT_COORDINATORS: 'slack:U0COORD',
    },
    { logDestination: new LogCapture(), features: [slowFeature] },
  );
});

afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

describe('Slack with the knelpunt feature and a slow core', () => {
  it('report from a DM, triage in a channel, decline with a toelichting, reporter informed', async () => {
    // 1. the coordinator registers the triage channel
    await send(
      commandBody({
        team_id: FAKE_TEAM_ID, channel_id: 'C0TRIAGE', channel_name: 'ibp-triage', user_id: 'U0COORD', user_name: 'coord',
        command: '/knelpunt', text: 'triage hier', response_url: fake.responseUrl('triage'), trigger_id: 'trigger-triage',
      }),
    );
    const registered = await fake.waitFor((c) => c.responseUrlId === 'triage');
    expect(JSON.stringify(registered.body.blocks)).toMatch(/triagekanaal/);
    expect(await bot.store.conversations.get('slack:C0TRIAGE')).toMatchObject({ active: true, kind: 'channel' });

    // 2. a DM "knelpunt": no trigger id, so the form arrives as an "open form" button
    let from = fake.calls.length;
    await send(
      JSON.stringify({
        type: 'event_callback', team_id: FAKE_TEAM_ID, event_id: 'EvKNELPUNT1',
        event: { type: 'message', channel: 'D0ALICE', channel_type: 'im', user: 'U0ALICE', text: 'knelpunt', ts: '1700000900.000001' },
      }),
      false,
    );
    const formMsg = await fake.waitFor((c) => c.method === 'chat.postMessage', { from });
    expect(formMsg.body.channel).toBe('D0ALICE');
    const open = buttonsOf(formMsg).find((b) => b.action_id.startsWith('ibp_open_form:'))!;
    expect(open.text.text).toBe('Formulier openen');

    // 3. the click opens the modal
    from = fake.calls.length;
    await click('U0ALICE', 'D0ALICE', open, '1700000901.000001');
    const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('knelpunt');

    // 4. a valid report: modal closes, the confirmation takes the place of the "open form" message, triage card in the triage channel
    from = fake.calls.length;
    const res = await submit('U0ALICE', view, {
      opgave: { v: { type: 'static_select', selected_option: { value: 'anders' } } },
      beschrijving: { v: { type: 'plain_text_input', value: 'Twee ministeries vragen dezelfde gegevens <!channel> op.' } },
      overheden: { v: { type: 'multi_static_select', selected_options: [{ value: 'gemeente' }] } },
      urgentie: { v: { type: 'static_select', selected_option: { value: 'hoog' } } },
      anoniem: { v: { type: 'checkboxes', selected_options: [] } },
    });
    expect(res.text).toBe('');
    const confirmation = await fake.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'D0ALICE', { from });
    expect(confirmation.body.ts).toBe('1700000901.000001');
    const ref = /KP-\d{4}-\d+/.exec(headerOf(confirmation) ?? '')?.[0];
    expect(ref).toBeDefined();
    const triage = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE', { from });
    expect(headerOf(triage)).toContain(ref);
    expect(JSON.stringify(triage.body.blocks)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(triage.body.blocks)).not.toContain('<!channel>');

    // 5. the coordinator declines: the toelichting form opens as a modal carrying the form state
    const decline = buttonsOf(triage).find((b) => b.value.endsWith('|niet_opgepakt~nl'))!; // ~nl: the card's language
    expect(decline.action_id).toMatch(/^knelpunt\.status:\d+$/);
    from = fake.calls.length;
    await click('U0COORD', 'C0TRIAGE', decline, '1700000950.000001');
    const toelichting = await fake.waitFor((c) => c.method === 'views.open', { from });
    const tview = toelichting.body.view as { callback_id: string; private_metadata: string };
    expect(tview.callback_id).toBe('knelpunt-toelichting');
    // the form state: its one-time id, then the status step; and the triage card the answer will replace
    expect(JSON.parse(tview.private_metadata)).toMatchObject({ c: 'C0TRIAGE', t: '1700000950.000001', s: expect.stringMatching(new RegExp(`^f1:[\\w-]{22}:${decline.value.replace(/\|/g, '\\|')}$`)), m: '1700000950.000001' });

    // too short: the error comes back in the ack
    const short = await submit('U0COORD', tview, { toelichting: { v: { type: 'plain_text_input', value: 'x' } } });
    expect(JSON.parse(short.text)).toMatchObject({ response_action: 'errors', errors: { toelichting: expect.any(String) } });

    // 6. a valid toelichting: the triage card it came from is updated in place (no new card), the reporter gets a DM
    from = fake.calls.length;
    const done = await submit('U0COORD', tview, { toelichting: { v: { type: 'plain_text_input', value: 'Dit hoort bij het Rijk.' } } });
    expect(done.text).toBe('');
    const changed = await fake.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0TRIAGE' && c.body.ts === '1700000950.000001', { from });
    expect(JSON.stringify(changed.body.blocks)).toMatch(/Status\*\\nniet opgepakt/);
    expect(headerOf(changed)).toBe(`Knelpunt ${ref}`);
    const update = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0ALICE', { from });
    expect(headerOf(update)).toContain(ref);
    expect((await bot.store.knelpunten.get(ref!))?.status).toBe('niet_opgepakt');
    // the card first posted in the triage channel is updated too (through the delivery queue), and nothing new is posted there
    const posted = triage.body.ts ?? (await bot.store.cards.list(ref!))[0]?.messageId;
    await fake.waitFor((c) => c.method === 'chat.update' && c.body.channel === 'C0TRIAGE' && c.body.ts === posted, { from });
    expect(fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE')).toEqual([]);
  });

  it('a stale "open form" button says the form expired', async () => {
    const from = fake.calls.length;
    await click('U0ALICE', 'D0ALICE', { action_id: 'ibp_open_form:0', value: 'verlopen-sleutel', text: { text: '' } }, '1700000999.000001');
    const msg = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0ALICE', { from });
    expect(JSON.stringify(msg.body.blocks)).toMatch(/verlopen/);
  });

  it('acks a slash command and a modal submission within 3 s when the core takes longer; the answer follows', async () => {
    const cmd = await send(
      commandBody({
        team_id: FAKE_TEAM_ID, channel_id: 'C0CHAN', user_id: 'U0ALICE', command: '/reflectie', text: '',
        response_url: fake.responseUrl('slow-cmd'), trigger_id: 'trigger-slow',
      }),
    );
    expect(cmd.status).toBe(200);
    expect(cmd.ms).toBeLessThan(1000);
    const sub = await submit('U0ALICE', { callback_id: 'langzaam', private_metadata: JSON.stringify({ c: 'C0CHAN', r: fake.responseUrl('slow-view'), e: 1 }) }, {});
    expect(sub.status).toBe(200);
    expect(sub.ms).toBeLessThan(3000); // the 2.5 s budget for field errors, then the modal closes
    expect(sub.text).toBe('');
    const a = await fake.waitFor((c) => c.responseUrlId === 'slow-cmd', { timeoutMs: 10_000 });
    const b = await fake.waitFor((c) => c.responseUrlId === 'slow-view', { timeoutMs: 10_000 });
    expect(headerOf(a)).toBe('Traag antwoord');
    expect(headerOf(b)).toBe('Traag formulier');
  });
});

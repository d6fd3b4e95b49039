import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { buttonsOf, FakeSlack, FAKE_TEAM_ID, headerOf, type RecordedCall, type SlackButton as Button } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { commandBody, interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Issue 19 through Slack's real protocol (signed requests to the real bot and Bolt, a fake
 * Web API): a modal sent twice files one knelpunt; the message a button was on is updated
 * in place (`chat.update`, or `response_url` with `replace_original` for an ephemeral one);
 * every triage card follows a status change; feedback counts once; names, never ids.
 */
const SECRET = 'test-signing-secret-forms';
let fake: FakeSlack;
let bot: RunningBot;
let n = 0;

const send = (body: string, form = true): ReturnType<typeof postToSlackEndpoint> =>
  postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType: form ? 'application/x-www-form-urlencoded' : 'application/json' });

const blocksText = (c: RecordedCall): string => JSON.stringify(c.body.blocks ?? []);

function click(user: { id: string; name: string }, channel: string, button: Button, messageTs: string, opts: { ephemeral?: boolean; responseUrl?: string } = {}): ReturnType<typeof send> {
  n += 1;
  return send(
    interactionBody({
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: FAKE_TEAM_ID },
      team: { id: FAKE_TEAM_ID },
      container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: opts.ephemeral ?? false },
      channel: { id: channel },
      ...(opts.ephemeral ? {} : { message: { type: 'message', ts: messageTs } }),
      trigger_id: `trigger-forms-${n}`,
      response_url: opts.responseUrl ?? fake.responseUrl(`click-${n}`),
      actions: [{ type: 'button', action_id: button.action_id, value: button.value, action_ts: `1700003000.${n}` }],
    }),
  );
}

function submit(user: { id: string; name: string }, view: { callback_id: string; private_metadata: string }, values: Record<string, unknown>): ReturnType<typeof send> {
  n += 1;
  return send(interactionBody({
    type: 'view_submission',
    team: { id: FAKE_TEAM_ID },
    user: { id: user.id, username: user.name, name: user.name, team_id: FAKE_TEAM_ID },
    view: { id: `VF${n}`, hash: `hf${n}`, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
  }));
}

const dm = (user: { id: string }, channel: string, text: string, eventId: string): ReturnType<typeof send> =>
  send(JSON.stringify({
    type: 'event_callback', team_id: FAKE_TEAM_ID, event_id: eventId,
    event: { type: 'message', channel, channel_type: 'im', user: user.id, text, ts: `1700004000.${eventId.length}${n++}` },
  }), false);

const ALICE = { id: 'U0ALICE', name: 'alice.ambtenaar' };
const COORD = { id: 'U0COORD', name: 'cor.coordinator' };
const report = {
  opgave: { v: { type: 'static_select', selected_option: { value: 'opgave-wonen' } } },
  beschrijving: { v: { type: 'plain_text_input', value: 'De woondeal loopt vast op de planning van de provincie.' } },
  overheden: { v: { type: 'multi_static_select', selected_options: [{ value: 'gemeente' }] } },
  urgentie: { v: { type: 'static_select', selected_option: { value: 'hoog' } } },
  anoniem: { v: { type: 'checkboxes', selected_options: [] } },
};

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test',
      SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, KNELPUNT_COORDINATORS: `slack:${COORD.id}`,
    },
    { logDestination: new LogCapture() },
  );
  await send(commandBody({
    team_id: FAKE_TEAM_ID, channel_id: 'C0TRIAGE', channel_name: 'ibp-triage', user_id: COORD.id, user_name: COORD.name,
    command: '/knelpunt', text: 'triage hier', response_url: fake.responseUrl('triage'), trigger_id: 'trigger-triage',
  }));
  await fake.waitFor((c) => c.responseUrlId === 'triage');
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

describe('Slack: forms submit once, cards show the truth', () => {
  let ref = '';
  let triageTs = '';

  it('the same modal submitted twice files one knelpunt; the second answer says what the first made', async () => {
    let from = fake.calls.length;
    await send(commandBody({ team_id: FAKE_TEAM_ID, channel_id: 'D0ALICE', user_id: ALICE.id, user_name: ALICE.name, command: '/knelpunt', text: '', response_url: fake.responseUrl('k1'), trigger_id: 'trigger-k1' }));
    const view = (await fake.waitFor((c) => c.method === 'views.open', { from })).body.view as { callback_id: string; private_metadata: string };
    expect(JSON.parse(view.private_metadata).s).toMatch(/^f1:[\w-]{22}:~nl$/); // ~nl: the form's language
    from = fake.calls.length;
    expect((await submit(ALICE, view, report)).text).toBe('');
    const first = await fake.waitFor((c) => c.responseUrlId === 'k1' && blocksText(c).includes('Knelpunt ontvangen'), { from });
    ref = /KP-\d{4}-\d{4}/.exec(headerOf(first) ?? '')![0];
    // Slack resends the submission (a new view hash), or the user sends the same form again
    from = fake.calls.length;
    expect((await submit(ALICE, view, report)).text).toBe('');
    const second = await fake.waitFor((c) => c.responseUrlId === 'k1' && blocksText(c).includes('al ontvangen'), { from });
    expect(blocksText(second)).toContain(`Dit knelpunt is al ontvangen als ${ref}`);
    expect(await bot.store.knelpunten.count()).toBe(1);
    const triage = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE');
    triageTs = (await bot.store.cards.list(ref))[0]?.messageId ?? '';
    expect(triageTs).toMatch(/^1700000000\.\d+$/);
    expect(blocksText(triage)).toContain(ALICE.name);
    expect(blocksText(triage)).not.toContain(ALICE.id);
  });

  it('a status button updates its own message with chat.update: the new status, the coordinator by name, only valid buttons; no new card', async () => {
    const triage = fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE')!;
    const take = buttonsOf(triage).find((b) => b.value === `${ref}|nieuw|in_behandeling~nl`)!;
    const from = fake.calls.length;
    await click(COORD, 'C0TRIAGE', take, triageTs);
    const updated = await fake.waitFor((c) => c.method === 'chat.update' && c.body.ts === triageTs && blocksText(c).includes('in behandeling'), { from });
    expect(updated.body.channel).toBe('C0TRIAGE');
    expect(headerOf(updated)).toBe(`Knelpunt ${ref}`);
    expect(blocksText(updated)).toContain(`van nieuw naar in behandeling, door ${COORD.name}`);
    expect(buttonsOf(updated).map((b) => b.value)).toEqual([`${ref}|in_behandeling|geagendeerd~nl`, `${ref}|in_behandeling|niet_opgepakt~nl`]);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE')).toEqual([]);
    // a stale press: the card again as it is, and the answer in the thread where it was pressed
    const from2 = fake.calls.length;
    await click(COORD, 'C0TRIAGE', take, triageTs);
    await fake.waitFor((c) => c.method === 'chat.update' && c.body.ts === triageTs, { from: from2 });
    const note = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE', { from: from2 });
    expect(note.body.thread_ts).toBe(triageTs);
    expect(blocksText(note)).toMatch(/was al gewijzigd/);
  });

  it('declining asks the toelichting in a modal; the triage card it came from is updated; a reopen later too, and the reporter is told', async () => {
    const current = [...fake.calls].reverse().find((c) => c.method === 'chat.update' && c.body.ts === triageTs)!;
    const decline = buttonsOf(current).find((b) => b.value.endsWith('|niet_opgepakt~nl'))!;
    let from = fake.calls.length;
    await click(COORD, 'C0TRIAGE', decline, triageTs);
    let view = (await fake.waitFor((c) => c.method === 'views.open', { from })).body.view as { callback_id: string; private_metadata: string };
    from = fake.calls.length;
    await submit(COORD, view, { toelichting: { v: { type: 'plain_text_input', value: 'Dit hoort bij het Rijk.' } } });
    const closed = await fake.waitFor((c) => c.method === 'chat.update' && c.body.ts === triageTs && blocksText(c).includes('niet opgepakt'), { from });
    expect(buttonsOf(closed).map((b) => b.text.text)).toEqual(['Heropenen']);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ALICE.id && blocksText(c).includes('Update over je knelpunt'), { from });

    from = fake.calls.length;
    await click(COORD, 'C0TRIAGE', buttonsOf(closed)[0]!, triageTs);
    view = (await fake.waitFor((c) => c.method === 'views.open', { from })).body.view as { callback_id: string; private_metadata: string };
    expect((view as unknown as { title: { text: string } }).title.text).toMatch(/^Waarom wordt KP/);
    from = fake.calls.length;
    await submit(COORD, view, { toelichting: { v: { type: 'plain_text_input', value: 'Het Rijk verwijst terug.' } } });
    const reopened = await fake.waitFor((c) => c.method === 'chat.update' && c.body.ts === triageTs && blocksText(c).includes('heropend'), { from });
    expect(blocksText(reopened)).toContain(`heropend (nu in behandeling), door ${COORD.name}: Het Rijk verwijst terug.`);
    const told = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === ALICE.id && blocksText(c).includes('heropend'), { from });
    expect(blocksText(told)).toContain('Het Rijk verwijst terug.');
    expect((await bot.store.knelpunten.get(ref))?.status).toBe('in_behandeling');
  });
});

describe('Slack: names, never ids; hostile names stay text', () => {
  it('a reporter whose name holds a mention, Markdown and a NUL: the triage card shows it literally', async () => {
    const hostile = { id: 'U0HOSTILE', name: '<!channel> *vet* <https://evil.example|klik>\u0000' };
    let from = fake.calls.length;
    await send(commandBody({ team_id: FAKE_TEAM_ID, channel_id: 'D0HOSTILE', user_id: hostile.id, user_name: 'h', command: '/knelpunt', text: '', response_url: fake.responseUrl('kh'), trigger_id: 'trigger-kh' }));
    const view = (await fake.waitFor((c) => c.method === 'views.open', { from })).body.view as { callback_id: string; private_metadata: string };
    from = fake.calls.length;
    await submit(hostile, view, report);
    const triage = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0TRIAGE', { from });
    const raw = blocksText(triage);
    expect(raw).toContain('&lt;!channel&gt;');
    expect(raw).not.toContain('<!channel>');
    expect(raw).toContain('&lt;https://evil.example|klik&gt;');
    expect(raw).not.toContain('\\u0000');
    expect(raw).not.toContain(hostile.id);
  });
});

describe('Slack: feedback and private cards', () => {
  it('feedback in a DM: "Nee" twice, then "Ja": one record; the answer message itself shows the choice (chat.update)', async () => {
    let from = fake.calls.length;
    await dm(ALICE, 'D0ALICE', 'Wat is de zevende zekerheid?', 'EvFormsFb1');
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0ALICE', { from });
    const ts = String(answer.body.ts ?? '1700009999.000001');
    const yes = buttonsOf(answer).find((b) => b.value.includes('|helpful|'))!;
    const no = buttonsOf(answer).find((b) => b.value.includes('|not_helpful|'))!;
    const before = await bot.store.feedback.count();
    from = fake.calls.length;
    for (const b of [no, no, yes]) {
      const at = fake.calls.length;
      await click(ALICE, 'D0ALICE', b, ts);
      await fake.waitFor((c) => c.method === 'chat.update', { from: at });
    }
    expect(await bot.store.feedback.count()).toBe(before + 1);
    expect((await bot.store.feedback.list()).at(-1)?.value).toBe('helpful');
    const updates = fake.calls.slice(from).filter((c) => c.method === 'chat.update');
    expect(updates).toHaveLength(3);
    expect(buttonsOf(updates[2]!).filter((b) => b.action_id.startsWith('feedback:')).map((b) => b.text.text)).toEqual(['Toch niet nuttig']);
    expect(fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('an ephemeral card (step by step after /reflectie in a channel) is replaced through its response_url', async () => {
    let from = fake.calls.length;
    await send(commandBody({ team_id: FAKE_TEAM_ID, channel_id: 'C0TEAM', user_id: ALICE.id, user_name: ALICE.name, command: '/reflectie', text: 'stap voor stap', response_url: fake.responseUrl('step'), trigger_id: 'trigger-step' }));
    const q1 = await fake.waitFor((c) => c.responseUrlId === 'step', { from });
    const skip = buttonsOf(q1).find((b) => b.text.text === 'Overslaan')!;
    from = fake.calls.length;
    await click(ALICE, 'C0TEAM', skip, '1700005000.000001', { ephemeral: true, responseUrl: fake.responseUrl('step-q1') });
    const replaced = await fake.waitFor((c) => c.responseUrlId === 'step-q1' && c.body.replace_original === true, { from });
    expect(blocksText(replaced)).toMatch(/Vraag 1 van 5.*Overgeslagen/);
    expect(buttonsOf(replaced)).toEqual([]);
    const next = await fake.waitFor((c) => c.responseUrlId === 'step-q1' && c.body.replace_original === false, { from });
    expect(blocksText(next)).toMatch(/Vraag 2 van 5/);
  });

  it('`@IBP-bot reflectie elke vrijdag 15:00` in a channel is answered in that thread, visibly', async () => {
    const from = fake.calls.length;
    await send(JSON.stringify({
      type: 'event_callback', team_id: FAKE_TEAM_ID, event_id: 'EvFormsPlan',
      event: { type: 'app_mention', channel: 'C0PLAN', channel_type: 'channel', user: ALICE.id, text: '<@UBOT0001> reflectie elke vrijdag 15:00', ts: '1700006000.000001' },
    }), false);
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0PLAN', { from });
    expect(answer.body.thread_ts).toBe('1700006000.000001');
    expect(blocksText(answer)).toMatch(/Afgesproken/);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import { messages } from '../src/i18n/index.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture, shippedKnowledge } from './helpers/core.js';
import { cardActions, FakeConnector, type ConnectorCall } from './helpers/fake-connector.js';
import { buttonsOf as slackButtons, FakeSlack, FAKE_BOT_USER_ID, FAKE_TEAM_ID, type RecordedCall, type SlackButton } from './helpers/fake-slack.js';
import { forwardedFor } from './helpers/people.js';
import { commandBody, interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { CHANNEL, TEAM, TENANT, cardExecute, cardSubmit, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Speak the user's language (issue 18), through every platform's real protocol with the
 * default settings: the words of a message decide its language over the client's locale;
 * a conversation remembers a confidently spoken language, so one-word turns, help and
 * forms follow it; a button keeps the language of the card it is on; `taal en` sets it
 * for a channel; and what the bot sends by itself (triage posts, nudges, a reporter's
 * update) comes in the recipient's language.
 */
const SECRET = 'test-signing-secret-language';
const NL = messages('nl');
const EN = messages('en');
const COORD = { id: '29:1LanguageCoordinator', name: 'Coördinator Cor' };

let bot: RunningBot;
let fake: FakeSlack;
let connector: FakeConnector;
/** Real time for HTTP (Bolt checks signature timestamps); a fixed instant while the scheduler runs. */
let fixed: Date | null = null;
const clock = (): Date => fixed ?? new Date();

beforeAll(async () => {
  fake = await FakeSlack.start();
  connector = await new FakeConnector().start();
  bot = await startBot(
    {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test',
      SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl,
      KNELPUNT_COORDINATORS: `teams:${COORD.id}`,
    },
    { logDestination: new LogCapture(), now: clock, schedulerIntervalMs: 0, deliveryRetryDelaysMs: [50] },
  );
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
  await connector?.close();
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ── the web chat ────────────────────────────────────────────────────────────
let n = 0;
type Chat = { status: number; replies: Reply[]; notifications: Reply[]; error?: string };
async function chat(session: string, locale: 'nl' | 'en', input: Record<string, unknown>): Promise<Chat> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...forwardedFor(session) },
    body: JSON.stringify({ session, messageId: `lang-msg-${++n}-${Date.now()}`, locale, input }),
  });
  const json = (await res.json()) as { replies?: Reply[]; notifications?: Reply[]; error?: string };
  return { status: res.status, replies: json.replies ?? [], notifications: json.notifications ?? [], ...(json.error ? { error: json.error } : {}) };
}
const say = (session: string, locale: 'nl' | 'en', text: string): Promise<Chat> => chat(session, locale, { kind: 'text', text });
const plainOf = (rs: Reply[]): string =>
  rs.flatMap((r) => r.blocks.map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : ''))).join('\n');
const buttons = (rs: Reply[]) => rs.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])));
/** A "see also" button: a topic without a forced language (`zekerheid-6~nl`, not `zekerheid-7|nl~en`). */
const seeAlso = (rs: Reply[]) => buttons(rs).find((b) => b.action === 'topic' && !b.value.includes('|'))!;
const press = (session: string, locale: 'nl' | 'en', b: { action: string; value: string }): Promise<Chat> => chat(session, locale, { kind: 'action', action: b.action, value: b.value });
const localesOf = (c: Chat): string[] => c.replies.map((r) => r.locale);

describe('the web chat (HTTP)', () => {
  it('an English browser asking in Dutch gets Dutch; "help", "ok" and a button of that card stay Dutch', async () => {
    const S = 'lang-web-english-browser';
    const q = await say(S, 'en', 'Wat is de zevende zekerheid?');
    expect(localesOf(q)).toEqual(['nl']);
    expect(q.replies[0]!.blocks[0]).toEqual({ kind: 'heading', text: (await shippedKnowledge()).get('zekerheid-7')!.title });
    const help = await say(S, 'en', 'help');
    expect(localesOf(help)).toEqual(['nl']);
    expect(plainOf(help.replies)).toContain(NL.helpTitle);
    expect(localesOf(await say(S, 'en', 'ok'))).toEqual(['nl']);
    const topic = await press(S, 'en', seeAlso(q.replies));
    expect(localesOf(topic)).toEqual(['nl']);
    expect(plainOf(topic.replies)).toContain(NL.feedbackQuestion);
  });

  it('a Dutch browser asking in English gets English; "help" and a button stay English; a Dutch card pressed later is answered in Dutch', async () => {
    const S = 'lang-web-dutch-browser';
    const q = await say(S, 'nl', 'What is the seventh zekerheid about?');
    expect(localesOf(q)).toEqual(['en']);
    expect(plainOf((await say(S, 'nl', 'help')).replies)).toContain(EN.helpTitle);
    expect(localesOf(await press(S, 'nl', seeAlso(q.replies)))).toEqual(['en']);
    // A Dutch card, then an English one: the conversation now speaks English, but the Dutch card's button answers in Dutch.
    const dutch = await say(S, 'nl', 'Wat is de zevende zekerheid?');
    const english = await say(S, 'nl', 'What is the seventh zekerheid about?');
    expect([...localesOf(dutch), ...localesOf(english)]).toEqual(['nl', 'en']);
    expect(localesOf(await press(S, 'nl', seeAlso(dutch.replies)))).toEqual(['nl']);
    expect(localesOf(await press(S, 'nl', seeAlso(english.replies)))).toEqual(['en']);
    // The feedback button thanks in the card's language too.
    const feedback = buttons(english.replies).find((b) => b.action === 'feedback')!;
    expect(localesOf(await press(S, 'nl', feedback))).toEqual(['en']);
  });

  it('forms keep the form\'s language: an English browser in a Dutch conversation gets the knelpunt form in Dutch, and its errors and confirmation after an English question too', async () => {
    const S = 'lang-web-form';
    await say(S, 'en', 'Wat is de zevende zekerheid?');
    const asked = await say(S, 'en', 'knelpunt');
    const form = asked.replies.flatMap((r) => r.blocks).find((b) => b.kind === 'form');
    expect(form?.kind === 'form' && form.form.title).toBe(NL.knelpunt.formTitle);
    if (form?.kind !== 'form') return;
    // Meanwhile an English question: the conversation speaks English now, the form still Dutch.
    expect(localesOf(await say(S, 'en', 'What is the seventh zekerheid about?'))).toEqual(['en']);
    const submit = (values: Record<string, unknown>) => chat(S, 'en', { kind: 'form', formId: form.form.id, values, ...(form.form.state ? { state: form.form.state } : {}) });
    const invalid = await submit({ beschrijving: '' });
    expect(localesOf(invalid)).toEqual(['nl']);
    expect(plainOf(invalid.replies)).toContain(NL.knelpunt.errorsIntro);
    const done = await submit({ opgave: 'opgave-wonen', beschrijving: 'De regels voor woningbouw verschillen per gemeente.', overheden: ['gemeente'], urgentie: 'laag', anoniem: false });
    expect(localesOf(done)).toEqual(['nl']);
    expect(plainOf(done.replies)).toMatch(/Knelpunt ontvangen: KP-\d{4}-\d{4}/);
  });

  it('`taal` says the language and how to change it; `taal en` answers in English and stays; hostile text gets a friendly answer', async () => {
    const S = 'lang-web-taal';
    const now = await say(S, 'nl', 'taal');
    expect(plainOf(now.replies)).toContain(NL.taal.whyNothing.replace(/\*\*/g, ''));
    expect(plainOf(now.replies)).toMatch(/taal en/);
    const set = await say(S, 'nl', 'taal en');
    expect(localesOf(set)).toEqual(['en']);
    expect(plainOf(set.replies)).toMatch(/From now on I speak English here/);
    expect(plainOf((await say(S, 'nl', 'help')).replies)).toContain(EN.helpTitle);
    expect(plainOf((await say(S, 'nl', 'taal')).replies)).toMatch(/I speak English here\. Someone set it so here\./);
    // A Dutch question is answered in Dutch, but does not undo what was chosen.
    expect(localesOf(await say(S, 'nl', 'Wat is de zevende zekerheid?'))).toEqual(['nl']);
    expect(localesOf(await say(S, 'nl', 'ok'))).toEqual(['en']);
    for (const hostile of ['taal <!channel>', 'taal <script>alert(1)</script>', 'taal \ud800']) {
      const res = await say(S, 'nl', hostile);
      expect(res.status, hostile).toBe(200);
      expect(plainOf(res.replies), hostile).toBe(EN.taal.unknown.replace(/\*\*/g, ''));
      expect(JSON.stringify(res.replies)).not.toMatch(/<!channel>|<script>/);
    }
    // NUL is removed at the boundary: what is left is a language.
    expect(localesOf(await say(S, 'en', 'taal \u0000nl'))).toEqual(['nl']);
    expect(localesOf(await say(S, 'en', 'help'))).toEqual(['nl']);
    const long = await say(S, 'en', `taal ${'x'.repeat(5000)}`);
    expect(long.status).toBe(400);
    expect(long.error).toMatch(/te lang/);
    expect(localesOf(await say(S, 'en', 'help'))).toEqual(['nl']); // nothing changed
  });
});

// ── Microsoft Teams ─────────────────────────────────────────────────────────
async function teams(activity: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  return res.status;
}
const said = (calls: ConnectorCall[]): string => JSON.stringify(calls.map((c) => c.body));
const teamsPosts = (from: number): ConnectorCall[] => connector.calls.slice(from).filter((c) => c.method === 'POST' && c.path.includes('/activities') && c.status < 300);

describe('Microsoft Teams (Bot Framework protocol, fake connector)', () => {
  const person = (id: string) => ({ from: { id: `29:1${id}`, name: id }, conversation: { conversationType: 'personal', tenantId: TENANT, id: `a:1${id}` } });

  it('an English Teams client asking in Dutch gets Dutch; "help" stays Dutch; the Dutch card\'s button answers in Dutch after English questions too', async () => {
    const who = person('LangTeamsEnglishClient');
    let from = connector.calls.length;
    expect(await teams(personalMessage(connector.url, 'Wat is de zevende zekerheid?', { locale: 'en-US', ...who }))).toBe(200);
    await until(() => teamsPosts(from).length > 0, 'the answer');
    const answer = teamsPosts(from)[0]!;
    expect(said([answer])).toContain(NL.feedbackQuestion);
    from = connector.calls.length;
    await teams(personalMessage(connector.url, 'help', { locale: 'en-US', ...who }));
    await until(() => teamsPosts(from).length > 0, 'the help');
    expect(said(teamsPosts(from))).toContain(NL.helpTitle);
    // An English question: now the conversation speaks English too; the Dutch card's button still answers in Dutch.
    from = connector.calls.length;
    await teams(personalMessage(connector.url, 'What is the seventh zekerheid about?', { locale: 'en-US', ...who }));
    await until(() => teamsPosts(from).length > 0, 'the English answer');
    const topic = cardActions(answer.body).find((a) => a.data?.ibpAction === 'topic' && !String(a.data.value).includes('|'))!;
    expect(String(topic.data!.value)).toMatch(/~nl$/);
    from = connector.calls.length;
    await teams(cardSubmit(connector.url, topic.data!, { locale: 'en-US', ...who }));
    await until(() => connector.calls.length > from, 'the topic');
    expect(said(connector.calls.slice(from))).toContain(NL.feedbackQuestion);
  });

  it('a Dutch Teams client asking in English gets English; "help" and "ok" stay English; the English card\'s button answers in English after Dutch questions too', async () => {
    const who = person('LangTeamsDutchClient');
    let from = connector.calls.length;
    await teams(personalMessage(connector.url, 'What is the seventh zekerheid about?', { locale: 'nl-NL', ...who }));
    await until(() => teamsPosts(from).length > 0, 'the answer');
    const answer = teamsPosts(from)[0]!;
    expect(said([answer])).toContain(EN.feedbackQuestion);
    from = connector.calls.length;
    await teams(personalMessage(connector.url, 'help', { locale: 'nl-NL', ...who }));
    await until(() => teamsPosts(from).length > 0, 'the help');
    expect(said(teamsPosts(from))).toContain(EN.helpTitle);
    from = connector.calls.length;
    await teams(personalMessage(connector.url, 'ok', { locale: 'nl-NL', ...who }));
    await until(() => teamsPosts(from).length > 0, 'the answer to "ok"');
    expect(said(teamsPosts(from))).not.toContain(NL.unknownTitle);
    // A Dutch question: the conversation speaks Dutch now; the English card's button still answers in English.
    from = connector.calls.length;
    await teams(personalMessage(connector.url, 'Wat is de zevende zekerheid?', { locale: 'nl-NL', ...who }));
    await until(() => teamsPosts(from).length > 0, 'the Dutch answer');
    const topic = cardActions(answer.body).find((a) => a.data?.ibpAction === 'topic' && !String(a.data.value).includes('|'))!;
    from = connector.calls.length;
    await teams(cardSubmit(connector.url, topic.data!, { locale: 'nl-NL', ...who }));
    await until(() => connector.calls.length > from, 'the topic');
    expect(said(connector.calls.slice(from))).toContain(EN.feedbackQuestion);
    // The same button as an Action.Execute (Universal Actions): the invoke response and the answer in English too.
    from = connector.calls.length;
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardExecute(connector.url, topic.data!, { locale: 'nl-NL', ...who })),
    });
    expect(await res.json()).toMatchObject({ statusCode: 200, value: EN.teams.actionDone });
    await until(() => teamsPosts(from).length > 0, 'the answer to Action.Execute');
    expect(said(teamsPosts(from))).toContain(EN.feedbackQuestion);
  });

  it('a channel set with `taal en` gets the triage post in English; a Dutch coordinator pressing it gets English; the English-speaking reporter is told in English', async () => {
    const channelData = { teamsChannelId: CHANNEL, teamsTeamId: TEAM, channel: { id: CHANNEL }, team: { id: TEAM }, tenant: { id: TENANT } };
    let from = connector.calls.length;
    await teams(channelMessage(connector.url, 'knelpunt triage hier', { from: COORD, locale: 'nl-NL' }));
    await teams(channelMessage(connector.url, 'taal en', { from: COORD, locale: 'nl-NL' }));
    await until(() => teamsPosts(from).length >= 2, 'two answers in the channel');
    expect(said(teamsPosts(from))).toMatch(/From now on I speak English here/);
    // Hostile text after `taal`: a friendly answer, never the text itself.
    from = connector.calls.length;
    await teams(channelMessage(connector.url, 'taal <!channel>', { from: COORD, locale: 'nl-NL' }));
    await teams(channelMessage(connector.url, `taal ${'x'.repeat(5000)}`, { from: COORD, locale: 'nl-NL' }));
    await until(() => teamsPosts(from).length >= 2, 'two answers');
    expect(said(teamsPosts(from))).toContain(EN.taal.unknown.replace(/\*\*/g, ''));
    // (5,000 characters of "x" look Dutch to the words: that answer may be Dutch.)
    expect(said(teamsPosts(from))).toMatch(new RegExp(`${EN.tooLong(4000)}|${NL.tooLong(4000)}`));
    expect(said(teamsPosts(from))).not.toMatch(/<!channel>|xxxxxxxxxx/);

    // The reporter writes English in the web chat of a Dutch browser, and reports a knelpunt.
    const R = 'lang-web-english-reporter';
    await say(R, 'nl', 'What is the seventh zekerheid about?');
    from = connector.calls.length;
    const reported = await chat(R, 'nl', { kind: 'form', formId: 'knelpunt', values: { opgave: 'opgave-wonen', beschrijving: 'Housing rules differ between every municipality we work with.', overheden: ['gemeente'], urgentie: 'hoog', anoniem: false } });
    expect(plainOf(reported.replies)).toMatch(/KP-\d{4}-\d{4}/);
    const ref = (await bot.store.knelpunten.list()).at(-1)!.ref;
    await until(() => teamsPosts(from).some((c) => c.conversationId?.startsWith(CHANNEL)), 'the triage post');
    const post = teamsPosts(from).find((c) => c.conversationId?.startsWith(CHANNEL))!;
    expect(said([post])).toContain(EN.knelpunt.triageTitle(ref));
    await until(async () => (await bot.store.cards.list(ref)).length === 1, 'the triage post to be remembered');
    const [card] = await bot.store.cards.list(ref);
    expect(card!.locale).toBe('en');

    // A coordinator with a Dutch client presses "in progress" on the English card: English, and the card stays English.
    const take = cardActions(post.body).find((a) => String(a.data?.value).endsWith('|in_behandeling~en'))!;
    expect(take).toBeDefined();
    from = connector.calls.length;
    await teams(cardSubmit(connector.url, take.data!, {
      from: COORD, locale: 'nl-NL', replyToId: card!.messageId, channelData,
      conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=${card!.messageId}` },
    }));
    await until(() => connector.calls.slice(from).some((c) => c.method === 'PUT'), 'the card update');
    const updates = connector.calls.slice(from).filter((c) => c.method === 'PUT');
    expect(said(updates)).toMatch(/in progress/i);
    expect(said(updates)).not.toContain(NL.knelpunt.triageTitle(ref));
    expect((await bot.store.knelpunten.get(ref))?.status).toBe('in_behandeling');
    // The reporter's update waits in the web chat: in English, their language; so does their next one-word turn.
    let next: Chat | undefined;
    await until(async () => ((next = await say(R, 'nl', 'ok')).notifications.length > 0), 'the reporter update');
    expect(next!.notifications.map((r) => r.locale)).toEqual(['en']);
    expect(plainOf(next!.notifications)).toContain(EN.knelpunt.reporterUpdateTitle(ref));
    expect(localesOf(next!)).toEqual(['en']);
  });
});

// ── Slack ───────────────────────────────────────────────────────────────────
const slack = (body: string, contentType: 'application/json' | 'application/x-www-form-urlencoded' = 'application/json'): ReturnType<typeof postToSlackEndpoint> =>
  postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType });
let ev = 0;
function slackEvent(event: Record<string, unknown>): ReturnType<typeof slack> {
  ev += 1;
  const ts = `1700100000.${String(ev).padStart(6, '0')}`;
  return slack(JSON.stringify({
    token: 'legacy', team_id: FAKE_TEAM_ID, api_app_id: 'A0APP', type: 'event_callback', event_id: `EvLang${ev}`, event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true }],
    event: { ts, event_ts: ts, ...event },
  }));
}
const dm = (user: string, text: string) => slackEvent({ type: 'message', channel: `D${user}`, channel_type: 'im', user, text });
const mention = (channel: string, user: string, text: string) => slackEvent({ type: 'app_mention', channel, channel_type: 'channel', user, text: `<@${FAKE_BOT_USER_ID}> ${text}` });
const slackSaid = (c: RecordedCall): string => JSON.stringify(c.body);
function click(user: string, channel: string, button: SlackButton): ReturnType<typeof slack> {
  ev += 1;
  return slack(interactionBody({
    type: 'block_actions', user: { id: user, username: user.toLowerCase(), team_id: FAKE_TEAM_ID }, team: { id: FAKE_TEAM_ID },
    container: { type: 'message', message_ts: `1700100500.${ev}`, channel_id: channel, is_ephemeral: false }, channel: { id: channel },
    message: { type: 'message', ts: `1700100500.${ev}` }, trigger_id: `trigger-lang-${ev}`,
    actions: [{ type: 'button', action_id: button.action_id, value: button.value, action_ts: `1700100501.${ev}` }],
  }), 'application/x-www-form-urlencoded');
}
const posted = (channel: string, from: number) => (c: RecordedCall) => c.method === 'chat.postMessage' && c.body.channel === channel && fake.calls.indexOf(c) >= from;

describe('Slack (signed requests, fake Web API)', () => {
  // Slack tells no locale: DEFAULT_LOCALE (nl) plays the client's part.
  it('English in a DM gets English and "help" stays English; a button answers in its card\'s language whatever the conversation speaks now', async () => {
    const U = 'U0LANGEN';
    let from = fake.calls.length;
    await dm(U, 'What is the seventh zekerheid about?');
    const english = await fake.waitFor(posted(`D${U}`, from), { from });
    expect(slackSaid(english)).toContain(EN.feedbackQuestion);
    from = fake.calls.length;
    await dm(U, 'help');
    expect(slackSaid(await fake.waitFor(posted(`D${U}`, from), { from }))).toContain(EN.helpTitle);
    from = fake.calls.length;
    await dm(U, 'Wat is de zevende zekerheid?');
    const dutch = await fake.waitFor(posted(`D${U}`, from), { from });
    expect(slackSaid(dutch)).toContain(NL.feedbackQuestion);
    from = fake.calls.length;
    await dm(U, 'What is the seventh zekerheid about?'); // the conversation speaks English again
    await fake.waitFor(posted(`D${U}`, from), { from });
    const seeAlsoOf = (c: RecordedCall) => slackButtons(c).find((b) => b.action_id.startsWith('topic:') && !b.value.includes('|'))!;
    const pressed = async (card: RecordedCall): Promise<string> => {
      const at = fake.calls.length;
      await click(U, `D${U}`, seeAlsoOf(card));
      return slackSaid(await fake.waitFor((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && fake.calls.indexOf(c) >= at, { from: at }));
    };
    // The conversation speaks English: the Dutch card's button answers in Dutch.
    expect(await pressed(dutch)).toContain(NL.feedbackQuestion);
    // The conversation speaks Dutch again: the English card's button answers in English.
    from = fake.calls.length;
    await dm(U, 'Welke opgaven zijn er in het programma?');
    await fake.waitFor(posted(`D${U}`, from), { from });
    expect(await pressed(english)).toContain(EN.feedbackQuestion);
  });

  it('a modal keeps its form\'s language: /knelpunt in an English DM opens it in English; submitted after Dutch questions, the confirmation is English', async () => {
    const U = 'U0LANGFORM';
    let from = fake.calls.length;
    await dm(U, 'What is the seventh zekerheid about?');
    await fake.waitFor(posted(`D${U}`, from), { from });
    from = fake.calls.length;
    await slack(commandBody({ team_id: FAKE_TEAM_ID, channel_id: `D${U}`, user_id: U, user_name: 'form', command: '/knelpunt', text: '', response_url: fake.responseUrl('lang-k'), trigger_id: 'trigger-lang-k' }), 'application/x-www-form-urlencoded');
    const view = (await fake.waitFor((c) => c.method === 'views.open', { from })).body.view as { callback_id: string; private_metadata: string; title: { text: string } };
    expect(JSON.stringify(view)).toContain(EN.knelpunt.formTitle);
    expect(JSON.parse(view.private_metadata).s).toMatch(/~en$/);
    from = fake.calls.length;
    await dm(U, 'Welke opgaven zijn er in het programma?'); // the conversation speaks Dutch now
    await fake.waitFor(posted(`D${U}`, from), { from });
    from = fake.calls.length;
    ev += 1;
    const res = await slack(interactionBody({
      type: 'view_submission', team: { id: FAKE_TEAM_ID }, user: { id: U, username: 'form', name: 'form', team_id: FAKE_TEAM_ID },
      view: { id: `VLANG${ev}`, hash: `h${ev}`, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: {
        opgave: { v: { type: 'static_select', selected_option: { value: 'opgave-wonen' } } },
        beschrijving: { v: { type: 'plain_text_input', value: 'Housing rules differ between the municipalities we work with.' } },
        overheden: { v: { type: 'multi_static_select', selected_options: [{ value: 'gemeente' }] } },
        urgentie: { v: { type: 'static_select', selected_option: { value: 'laag' } } },
        anoniem: { v: { type: 'checkboxes', selected_options: [] } },
      } } },
    }), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    // (to the slash command's response_url: the modal was opened from it)
    const confirmation = await fake.waitFor((c) => /KP-\d{4}-\d{4}/.test(slackSaid(c)), { from });
    expect(slackSaid(confirmation)).toMatch(/Knelpunt received: KP-\d{4}-\d{4}/);
  });

  it('`/taal en` as a slash command sets a channel\'s language without a mention; `/taal` says it; hostile text gets the friendly answer', async () => {
    const C = 'C0LANGSLASH';
    let n = 0;
    const taal = async (text: string): Promise<string> => {
      n += 1;
      const from = fake.calls.length;
      const res = await slack(commandBody({ team_id: FAKE_TEAM_ID, channel_id: C, channel_name: 'ibp-wonen', user_id: 'U0LANGSLASH', user_name: 'slash', command: '/taal', text, response_url: fake.responseUrl(`lang-taal-${n}`), trigger_id: `trigger-lang-taal-${n}` }), 'application/x-www-form-urlencoded');
      expect(res.status).toBe(200);
      return slackSaid(await fake.waitFor((c) => slackSaid(c) !== '', { from }));
    };
    expect(await taal('en')).toMatch(/From now on I speak English here/);
    expect(await taal('')).toMatch(/I speak English here/);
    for (const hostile of ['<!channel>', '<script>alert(1)</script>', 'x'.repeat(2000)]) {
      const said = await taal(hostile);
      expect(said, hostile.slice(0, 20)).toContain(EN.taal.unknown.replace(/\*\*/g, ''));
      expect(said).not.toMatch(/<!channel>|<script>|xxxx/);
    }
    // The channel speaks English now: "help" after a mention is English.
    let from = fake.calls.length;
    await mention(C, 'U0LANGSLASH2', 'help');
    expect(slackSaid(await fake.waitFor(posted(C, from), { from }))).toContain(EN.helpTitle);
    expect(await taal('nl')).toMatch(/Vanaf nu praat ik hier Nederlands/);
    from = fake.calls.length;
    await mention(C, 'U0LANGSLASH2', 'help');
    expect(slackSaid(await fake.waitFor(posted(C, from), { from }))).toContain(NL.helpTitle);
  });

  it('nudges come in the channel\'s language: Dutch after Dutch human messages, English after `taal en`', async () => {
    const plan = async (channel: string): Promise<void> => {
      const from = fake.calls.length;
      await mention(channel, 'U0LANGPLAN', 'reflectie elke vrijdag 15:00');
      await fake.waitFor((c) => c.body.channel === channel && /Afgesproken|Agreed/.test(slackSaid(c)), { from });
    };
    // C0LANGNL: planned, then an English question, then Dutch questions from people: Dutch.
    await plan('C0LANGNL');
    let from = fake.calls.length;
    await mention('C0LANGNL', 'U0ANNA', 'What is the seventh zekerheid about?');
    await mention('C0LANGNL', 'U0BERT', 'Welke opgaven zijn er in het programma?');
    await fake.waitFor((c) => c.body.channel === 'C0LANGNL' && slackSaid(c).includes(NL.feedbackQuestion), { from });
    // C0LANGEN: planned in Dutch, then `taal en`: English.
    await plan('C0LANGEN');
    from = fake.calls.length;
    await mention('C0LANGEN', 'U0CARLA', 'taal en');
    await fake.waitFor((c) => c.body.channel === 'C0LANGEN' && /From now on I speak English here/.test(slackSaid(c)), { from });

    const subs = await bot.store.subscriptions.list({ status: ['active'] });
    const slot = new Date(Math.max(...subs.filter((s) => s.kind === 'nudge' && s.channelKey.startsWith('slack:C0LANG')).map((s) => new Date(s.nextSlotAt).getTime())));
    from = fake.calls.length;
    fixed = new Date(slot.getTime() + 20_000);
    try {
      expect((await bot.scheduler.tick()).sent).toBeGreaterThanOrEqual(2);
    } finally {
      fixed = null;
    }
    const nudgeIn = async (channel: string) => slackSaid(await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === channel, { from }));
    const dutch = await nudgeIn('C0LANGNL');
    const english = await nudgeIn('C0LANGEN');
    expect(dutch).toContain(NL.reflectie.nudgeTitle);
    expect(english).toContain(EN.reflectie.nudgeTitle);
    // The nudge's button carries its card's language too.
    expect(slackButtons(await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0LANGEN', { from })).every((b) => b.value.endsWith('~en'))).toBe(true);
  });
});

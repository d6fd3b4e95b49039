import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Feature } from '../src/core/context.js';
import { block, reply, type Form } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import {
  BOT,
  CHANNEL,
  GROUP_CHAT,
  PERSONAL_CONVERSATION,
  TENANT,
  USER,
  botAdded,
  cardExecute,
  cardSubmit,
  channelMessage,
  groupChatMessage,
  installationUpdate,
  personalMessage,
  typing,
} from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

describe.each(TEAMS_TRANSPORTS)('Teams over %s', (sdk) => {
  let bot: RunningBot;
  let connector: FakeConnector;
  const logs = new LogCapture();

  type Card = { type: string; version: string; body: Array<Record<string, unknown>> };

  async function post(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    return { status: res.status, body: await res.text() };
  }

  function cardOf(activity: Record<string, unknown> | undefined): Card {
    const att = (activity?.attachments as Array<{ contentType: string; content: Card }> | undefined)?.[0];
    expect(att?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    return att!.content;
  }

  const texts = (card: Card): string[] => card.body.filter((e) => e.type === 'TextBlock').map((e) => String(e.text));
  const actionsOf = (card: Card): Array<Record<string, unknown>> =>
    card.body.filter((e) => e.type === 'ActionSet').flatMap((e) => e.actions as Array<Record<string, unknown>>);

  /** A small form feature, the way the later knelpunt/reflectie features plug in. */
  const probeForm = (errors?: Record<string, string>): Form => ({
    id: 'probe',
    title: 'Proefformulier',
    submitLabel: 'Versturen',
    fields: [
      { id: 'titel', kind: 'text', label: 'Titel', required: true, minLength: 5, maxLength: 80 },
      { id: 'soorten', kind: 'multiselect', label: 'Soorten', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
      { id: 'anoniem', kind: 'checkbox', label: 'Anoniem' },
    ],
    ...(errors ? { errors } : {}),
  });
  const received: unknown[] = [];
  const probe: Feature = {
    name: 'probe',
    actions: {
      privateform: async (ctx) => ({ replies: [reply(ctx.locale, 'Formulier', [block.form(probeForm())], { private: true })], outcome: 'form' }),
    },
    forms: {
      probe: async (ctx, values) => {
        received.push(values);
        const titel = typeof values.titel === 'string' ? values.titel : '';
        if (titel.length < 5) {
          return { replies: [reply(ctx.locale, 'Formulier', [block.form(probeForm({ titel: 'Maak de titel langer.' }))])], outcome: 'invalid' };
        }
        return { replies: [reply(ctx.locale, 'Ontvangen', [block.plain(`Ontvangen: ${titel}`)])], outcome: 'form' };
      },
    },
  };

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', TEAMS_SDK: sdk, LOG_LEVEL: 'info' },
      { logDestination: logs, features: [probe] },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });
  beforeEach(() => connector.reset());

  describe('Teams adapter over the Bot Framework protocol (anonymous mode)', () => {
    it('says at start-up that Teams runs anonymously for local testing', () => {
      expect(logs.text).toMatch(/Teams: anonymous mode on POST \/api\/messages/);
    });

    it('carries the traffic with the SDK TEAMS_SDK names, and says which at start-up', async () => {
      expect(logs.text).toContain(sdk === 'agents' ? 'SDK: Microsoft 365 Agents SDK (TEAMS_SDK=agents)' : 'SDK: botbuilder (TEAMS_SDK=botbuilder;');
      await post(personalMessage(connector.url, 'help'));
      // Each SDK names itself in the User-Agent of its calls to the Bot Connector.
      expect(connector.calls[0]?.userAgent).toMatch(sdk === 'agents' ? /Agents-SDK-JS|agents-hosting/i : /botframework-connector\/4/);
    });

    it('answers a personal question with an Adaptive Card 1.5 sent to the connector as a reply', async () => {
      const activity = personalMessage(connector.url, 'Wat is de zevende zekerheid?');
      const res = await post(activity);
      expect(res.status).toBe(200);
      const [call] = connector.calls;
      expect(call?.method).toBe('POST');
      expect(call?.conversationId).toBe(PERSONAL_CONVERSATION);
      expect(call?.activityId).toBe(activity.id); // a reply to the user's message
      const card = cardOf(call?.body);
      expect(card.version).toBe('1.5');
      expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'Er gaan altijd dingen mis, blijf leren!', weight: 'Bolder' });
      const feedback = actionsOf(card).filter((a) => (a.data as Record<string, unknown>)?.ibpAction === 'feedback');
      expect(feedback).toHaveLength(2);
    });

    it('removes the @mention in a channel and replies in the thread', async () => {
      const activity = channelMessage(connector.url, 'Wat is de zevende zekerheid?');
      expect((await post(activity)).status).toBe(200);
      const [call] = connector.calls;
      expect(call?.conversationId).toBe(`${CHANNEL};messageid=${activity.id}`);
      expect(cardOf(call?.body).body[0]).toMatchObject({ text: 'Er gaan altijd dingen mis, blijf leren!' });
    });

    it('a channel message that is only an @mention plus "help" gets the help card (command parsed by the core)', async () => {
      await post(channelMessage(connector.url, '/help'));
      const card = cardOf(connector.sent[0]);
      expect(texts(card)[0]).toBe('Wat kan ik voor je doen?');
    });

    it('answers in a group chat', async () => {
      await post(groupChatMessage(connector.url, 'help'));
      expect(connector.calls[0]?.conversationId).toBe(GROUP_CHAT);
      expect(texts(cardOf(connector.sent[0]))[0]).toBe('Wat kan ik voor je doen?');
    });

    it('stores the conversation reference (service URL, tenant) for proactive messages', async () => {
      const activity = channelMessage(connector.url, 'help');
      await post(activity);
      const thread = await bot.store.conversations.get(`teams:${CHANNEL}:${activity.id}`);
      expect(thread).toMatchObject({ platform: 'teams', kind: 'channel', conversationId: CHANNEL, threadId: activity.id, teamId: TENANT, active: true });
      expect(thread?.data).toMatchObject({
        serviceUrl: connector.url,
        channelId: 'msteams',
        bot: { id: BOT.id },
        conversation: { id: `${CHANNEL};messageid=${activity.id}`, tenantId: TENANT },
      });
      const channel = await bot.store.conversations.get(`teams:${CHANNEL}`);
      expect(channel?.data).toMatchObject({ conversation: { id: CHANNEL } });
      // Channels by their name (the dashboard shows it); a personal chat gets none.
      expect(channel?.name).toBe('IBP Programmateam › Knelpunten');
      const personal = await bot.store.conversations.get(`teams:${PERSONAL_CONVERSATION}`);
      expect(personal?.data).toMatchObject({ user: { id: USER.id, aadObjectId: USER.aadObjectId } });
      expect(JSON.stringify(personal?.data)).not.toContain(USER.name); // no display names stored
      expect(personal).not.toHaveProperty('name');
    });

    it('a feedback button (Action.Submit) stores feedback and thanks the user', async () => {
      const before = await bot.store.feedback.count();
      await post(cardSubmit(connector.url, { ibpAction: 'feedback', value: 'zekerheid-7|helpful' }));
      expect(await bot.store.feedback.count()).toBe(before + 1);
      expect(texts(cardOf(connector.sent[0])).join(' ')).toMatch(/Dank je/);
    });

    it('a private reply in a channel goes to a 1:1 chat, not to the channel', async () => {
      const before = await bot.store.feedback.count();
      const submit = cardSubmit(connector.url, { ibpAction: 'feedback', value: 'zekerheid-7|helpful|kanaalantwoord1|nl' }, {
        conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=1700000000500` },
        channelData: { channel: { id: CHANNEL }, team: { id: 'team' }, tenant: { id: TENANT } },
      });
      await post(submit);
      expect(await bot.store.feedback.count()).toBe(before + 1);
      const [create, dm] = connector.calls;
      expect(create).toMatchObject({ method: 'POST', path: '/v3/conversations', body: { isGroup: false, members: [{ id: USER.id }], tenantId: TENANT } });
      expect(dm?.conversationId).toMatch(/^a:fake-conversation-/);
      expect(dm?.activityId).toBeUndefined(); // the first message of the new chat, not a reply to an id
      expect(texts(cardOf(dm?.body)).join(' ')).toMatch(/Dank je/);
      expect(connector.calls.filter((c) => c.conversationId?.startsWith(CHANNEL))).toHaveLength(0);
    });

    it('a private form asked for in a channel opens in the 1:1 chat, with a hint in the thread', async () => {
      const channelConv = { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=1700000000600` };
      await post(cardSubmit(connector.url, { ibpAction: 'privateform', value: '' }, { conversation: channelConv }));
      const dm = connector.sent.find((a) => String((a.conversation as { id: string }).id).startsWith('a:fake-conversation-'));
      expect(cardOf(dm).body.some((e) => e.type === 'Input.Text')).toBe(true);
      const inThread = connector.sentTo(channelConv.id);
      expect(inThread).toHaveLength(1);
      expect(texts(cardOf(inThread[0]))).toEqual(['Ik heb je een privébericht gestuurd.']);
    });

    it('when the 1:1 chat cannot be created, the channel gets a notice and never the private content', async () => {
      const channelConv = { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=1700000000700` };
      connector.failNext(1, { status: 403 });
      await post(cardSubmit(connector.url, { ibpAction: 'privateform', value: '' }, { conversation: channelConv }));
      const inThread = connector.sentTo(channelConv.id);
      expect(inThread).toHaveLength(1);
      expect(texts(cardOf(inThread[0])).join(' ')).toMatch(/persoonlijk bericht sturen/);
      expect(JSON.stringify(inThread)).not.toContain('Input.Text');
    });

    it('Action.Execute (invoke adaptiveCard/action) gets an invoke response and the answer as a message', async () => {
      const res = await post(cardExecute(connector.url, { ibpAction: 'topic', value: 'zekerheid-7' }));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Verstuurd.' });
      expect(cardOf(connector.sent[0]).body[0]).toMatchObject({ text: 'Er gaan altijd dingen mis, blijf leren!' });
    });

    it('welcomes when the bot is added, with what it can do', async () => {
      await post(botAdded(connector.url));
      expect(connector.calls[0]?.conversationId).toBe(CHANNEL);
      const card = cardOf(connector.sent[0]);
      expect(texts(card).join('\n')).toMatch(/knelpunt/);
    });

    it('processes a redelivered activity (same id) once', async () => {
      const activity = personalMessage(connector.url, 'Welke opgaven zijn er?');
      expect((await post(activity)).status).toBe(200);
      expect((await post(activity)).status).toBe(200);
      expect(connector.sent).toHaveLength(1);
    });

    it('does not answer installationUpdate, typing, a member added who is not the bot, or its own messages', async () => {
      await post(installationUpdate(connector.url));
      await post(typing(connector.url));
      await post(botAdded(connector.url, { membersAdded: [{ id: '29:someone-else' }] }));
      await post(personalMessage(connector.url, 'help', { from: { id: BOT.id, name: BOT.name } }));
      await post(personalMessage(connector.url, 'help', { from: { id: '28:other-bot', name: 'Andere bot', role: 'bot' } }));
      expect(connector.calls).toHaveLength(0);
    });

    it('passes the user locale on: an English Teams client gets the English help', async () => {
      // Someone new: USER already wrote Dutch here, and a person's language is remembered (tests/language-platforms.test.ts).
      await post(personalMessage(connector.url, 'help', {
        locale: 'en-US', from: { id: '29:1EnglishClientOnly', name: 'Emma English' }, conversation: { conversationType: 'personal', tenantId: TENANT, id: 'a:1englishClientOnly' },
      }));
      expect(texts(cardOf(connector.sent[0]))[0]).toBe('What can I do for you?');
    });

    it('shows text typed by a user literally (no injected links or formatting)', async () => {
      await post(personalMessage(connector.url, '/help'));
      const hostile = '[klik](https://evil.example) **vet**';
      await post(personalMessage(connector.url, hostile));
      const all = JSON.stringify(connector.sent);
      expect(all).not.toContain('](https://evil.example)');
    });

    it('a form submit (Action.Submit) reaches the core with typed values; errors update the submitted card in place', async () => {
      const submit = cardSubmit(connector.url, { ibpForm: 'probe', ibpFields: { soorten: 'multiselect', anoniem: 'checkbox' }, titel: 'kort', soorten: 'a,b' });
      await post(submit);
      expect(received.at(-1)).toEqual({ titel: 'kort', soorten: ['a', 'b'], anoniem: false });
      const [update] = connector.calls;
      expect(update).toMatchObject({ method: 'PUT', conversationId: PERSONAL_CONVERSATION, activityId: submit.replyToId });
      const card = cardOf(update?.body);
      expect(card.body).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'TextBlock', color: 'Attention', text: 'Maak de titel langer.' })]));
      expect(connector.sent).toHaveLength(0);

      await post(cardSubmit(connector.url, { ibpForm: 'probe', titel: 'Lang genoeg [x](y)' }));
      expect(texts(cardOf(connector.sent[0]))).toEqual(['Ontvangen: Lang genoeg \\[x\\]\\(y\\)']);
    });

    it('a form with errors after Action.Execute comes back as the card in the invoke response', async () => {
      const res = await post(cardExecute(connector.url, { ibpForm: 'probe', titel: 'x' }));
      const body = JSON.parse(res.body) as { statusCode: number; type: string; value: Card };
      expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
      expect(JSON.stringify(body.value)).toContain('Maak de titel langer.');
      expect(connector.calls).toHaveLength(0);
    });

    it('no turn failed on the way (the log has no Teams errors)', () => {
      expect(logs.text).not.toMatch(/teams: (turn failed|could not send|could not store|request failed)/);
      expect(logs.text).toMatch(/"platform":"teams"/);
      for (const identity of [USER.id, USER.name, USER.aadObjectId]) expect(logs.text).not.toContain(identity); // users appear as a hash only
    });

    it('refuses a malformed body with 400 and no processing', async () => {
      const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": ' });
      expect(res.status).toBe(400);
      expect(connector.calls).toHaveLength(0);
    });
  });
});

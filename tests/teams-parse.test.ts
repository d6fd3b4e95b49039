import { describe, expect, it } from 'vitest';
import type { Activity } from '../adapters/teams/activity.js';
import { cleanText, parseActivity, splitConversationId, submitInput } from '../adapters/teams/parse.js';
import {
  BOT,
  CHANNEL,
  GROUP_CHAT,
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

const url = 'http://127.0.0.1:1/';
const at = new Date('2026-11-23T10:00:00Z');
const parse = (a: Record<string, unknown>): ReturnType<typeof parseActivity> => parseActivity(a as Partial<Activity>, at);

describe('parseActivity: Teams activity -> Turn', () => {
  it('a personal message becomes a text turn with user, locale, Entra id and tenant', () => {
    const a = personalMessage(url, 'Wat is het IBP?');
    const p = parse(a);
    expect(p).toMatchObject({
      kind: 'turn',
      invoke: false,
      turn: {
        id: a.id,
        platform: 'teams',
        user: { id: USER.id, name: USER.name, locale: 'nl-NL', aadObjectId: USER.aadObjectId },
        conversation: { id: 'a:1personalConversationIdForJanJansen', kind: 'personal', teamId: TENANT },
        input: { kind: 'text', text: 'Wat is het IBP?' },
        receivedAt: at,
      },
    });
    expect(p.kind === 'turn' && p.turn.user.isBot).toBeFalsy();
  });

  it('a channel post: mention removed, channel and thread split', () => {
    const a = channelMessage(url, 'Welke opgaven zijn er?');
    const p = parse(a);
    expect(p).toMatchObject({ kind: 'turn', turn: { conversation: { id: CHANNEL, kind: 'channel', threadId: a.id, name: 'IBP Programmateam › Knelpunten' }, input: { kind: 'text', text: 'Welke opgaven zijn er?' } } });
  });

  it('a channel is named by its team and channel; General (no channel name) by its team; chats never', () => {
    const general = channelMessage(url, 'help', { channelData: { team: { id: 'T', name: 'IBP Programmateam' }, channel: { id: CHANNEL } } });
    expect(parse(general)).toMatchObject({ turn: { conversation: { name: 'IBP Programmateam' } } });
    const hostile = channelMessage(url, 'help', { channelData: { channel: { id: CHANNEL, name: 'Kanaal\u0000 <b>\u202e' } } });
    expect(parse(hostile)).toMatchObject({ turn: { conversation: { name: expect.not.stringContaining('\u0000') } } });
    const group = parse(groupChatMessage(url, 'help', { conversation: { id: GROUP_CHAT, conversationType: 'groupChat', name: 'Jan, Piet en Kees' } }));
    expect(group.kind === 'turn' && group.turn.conversation).not.toHaveProperty('name');
  });

  it('a group chat is a group conversation', () => {
    expect(parse(groupChatMessage(url, 'help'))).toMatchObject({ turn: { conversation: { id: GROUP_CHAT, kind: 'group' }, input: { text: 'help' } } });
  });

  it('card submits become action and form turns; foreign submits are ignored', () => {
    expect(parse(cardSubmit(url, { ibpAction: 'feedback', value: 'a|helpful' }))).toMatchObject({ turn: { input: { kind: 'action', action: 'feedback', value: 'a|helpful' } } });
    expect(
      parse(cardSubmit(url, { ibpForm: 'knelpunt', ibpFields: { soorten: 'multiselect', anoniem: 'checkbox', akkoord: 'checkbox' }, titel: 'Te traag', soorten: 'a,b', anoniem: 'true' })),
    ).toMatchObject({ turn: { input: { kind: 'form', formId: 'knelpunt', values: { titel: 'Te traag', soorten: ['a', 'b'], anoniem: true, akkoord: false } } } });
    expect(parse(cardSubmit(url, { ibpForm: 'toelichting', ibpState: 'K-2026-001|open|opgelost', toelichting: 'Klaar' }))).toMatchObject({
      turn: { input: { kind: 'form', formId: 'toelichting', state: 'K-2026-001|open|opgelost', values: { toelichting: 'Klaar' } } },
    });
    // a card the bot did not send: answered with a short message (handler), not ignored
    expect(parse(cardSubmit(url, { something: 'else' }))).toMatchObject({ kind: 'foreign', invoke: false, locale: 'nl-NL' });
    // a choice list: the value is what was chosen in its Input.ChoiceSet
    expect(parse(cardSubmit(url, { ibpAction: 'reflectie.step', ibpChoice: 'ibpChoice0', ibpChoice0: 'opgave|opgave-wonen|3' }))).toMatchObject({
      turn: { input: { kind: 'action', action: 'reflectie.step', value: 'opgave|opgave-wonen|3' } },
    });
    // nothing chosen (a client that skips isRequired): the submit's own value, the card's language
    for (const nothing of [{}, { ibpChoice0: '' }]) {
      expect(parse(cardSubmit(url, { ibpAction: 'reflectie.step', ibpChoice: 'ibpChoice0', value: '~en', ...nothing }))).toMatchObject({
        turn: { input: { kind: 'action', action: 'reflectie.step', value: '~en' } },
      });
    }
    // it may only point at such a ChoiceSet, never at another field
    expect(parse(cardSubmit(url, { ibpAction: 'x', ibpChoice: '__proto__', value: 'v' }))).toMatchObject({ turn: { input: { value: 'v' } } });
  });

  it('Action.Execute and dialog invokes become turns flagged with their kind (the id is the activity id)', () => {
    const a = cardExecute(url, { ibpAction: 'topic', value: 'zekerheid-7' });
    expect(parse(a)).toMatchObject({ kind: 'turn', invoke: 'execute', turn: { id: a.id, input: { kind: 'action', action: 'topic', value: 'zekerheid-7' } } });
    expect(parse({ ...a, name: 'composeExtension/query' })).toMatchObject({ kind: 'ignore', invoke: true });
    expect(parse(cardExecute(url, { other: 'card' }))).toMatchObject({ kind: 'foreign', invoke: 'execute' });
    const fetch = { ...a, name: 'task/fetch', value: { data: { msteams: { type: 'task/fetch' }, ibpAction: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' }, context: { theme: 'default' } } };
    expect(parse(fetch)).toMatchObject({ kind: 'turn', invoke: 'task/fetch', turn: { input: { kind: 'action', action: 'knelpunt.status', value: 'KP-2026-0001|nieuw|niet_opgepakt' } } });
    const submit = { ...a, name: 'task/submit', value: { data: { ibpForm: 'knelpunt-toelichting', ibpState: 'f1:x', toelichting: 'Hoort bij het Rijk' }, context: {} } };
    expect(parse(submit)).toMatchObject({ kind: 'turn', invoke: 'task/submit', turn: { input: { kind: 'form', formId: 'knelpunt-toelichting', state: 'f1:x', values: { toelichting: 'Hoort bij het Rijk' } } } });
  });

  it('in a channel or group chat only messages that @mention the bot are turns (resource-specific consent delivers the rest too)', () => {
    const unmentioned = channelMessage(url, 'x', { text: 'Even iets tussen collega’s', entities: [] });
    expect(parse(unmentioned)).toMatchObject({ kind: 'ignore', reason: 'no_mention' });
    expect(parse(groupChatMessage(url, 'x', { text: 'Wat eten we vandaag?', entities: [] }))).toMatchObject({ kind: 'ignore', reason: 'no_mention' });
    // another person mentioned, not the bot
    expect(parse(channelMessage(url, 'x', { text: '<at>Piet</at> kijk hier', entities: [{ type: 'mention', mentioned: { id: '29:piet', name: 'Piet' }, text: '<at>Piet</at>' }] }))).toMatchObject({ kind: 'ignore' });
    // a client that sends no mention entity but the bot's name in <at>
    expect(parse(channelMessage(url, 'x', { text: '<at>IBP-bot</at> help', entities: [] }))).toMatchObject({ kind: 'turn', turn: { input: { text: 'help' } } });
    expect(parse(channelMessage(url, 'help'))).toMatchObject({ kind: 'turn' });
    expect(parse(personalMessage(url, 'help'))).toMatchObject({ kind: 'turn' }); // a personal chat needs no mention
  });

  it('the bot added -> welcome (a help command); other updates, typing, installationUpdate -> ignore', () => {
    expect(parse(botAdded(url))).toMatchObject({ kind: 'welcome', turn: { input: { kind: 'command', command: 'help' }, conversation: { id: CHANNEL } } });
    expect(parse(botAdded(url, { membersAdded: [{ id: '29:x' }] }))).toMatchObject({ kind: 'ignore' });
    expect(parse(installationUpdate(url))).toMatchObject({ kind: 'ignore', reason: 'installationUpdate' });
    expect(parse(typing(url))).toMatchObject({ kind: 'ignore', reason: 'typing' });
    expect(parse({ ...personalMessage(url, 'x'), id: undefined })).toMatchObject({ kind: 'ignore' });
  });

  it('messages from bots (itself or another) are marked as bot turns', () => {
    expect(parse(personalMessage(url, 'x', { from: { ...BOT } }))).toMatchObject({ turn: { user: { isBot: true } } });
    expect(parse(personalMessage(url, 'x', { from: { id: '28:other', role: 'bot' } }))).toMatchObject({ turn: { user: { isBot: true } } });
  });
});

describe('cleanText and helpers', () => {
  it('removes the bot mention, keeps other names, decodes entities', () => {
    const entities = [{ type: 'mention', mentioned: { id: BOT.id }, text: '<at>IBP-bot</at>' }];
    expect(cleanText('<at>IBP-bot</at> vraag over <at>Piet</at> &amp; co&nbsp;', entities, BOT)).toBe('vraag over Piet & co');
    expect(cleanText('<at>IBP-bot</at>, wat is het IBP?', undefined, BOT)).toBe('wat is het IBP?');
  });

  it('splits channel thread ids', () => {
    expect(splitConversationId(`${CHANNEL};messageid=123`)).toEqual({ baseId: CHANNEL, threadId: '123' });
    expect(splitConversationId('a:1abc')).toEqual({ baseId: 'a:1abc' });
  });

  it('submit data cannot pollute prototypes', () => {
    const input = submitInput(JSON.parse('{"ibpForm":"f","__proto__":{"polluted":true},"a":"b"}'));
    expect(input).toEqual({ kind: 'form', formId: 'f', values: { a: 'b' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/**
 * Bot Framework activities shaped as Microsoft Teams sends them (field for field,
 * from Teams' own payloads: ids, conversation types, mention entities,
 * channelData with tenant/team/channel). `serviceUrl` points at the fake connector.
 */
export const BOT = { id: '28:00000000-0000-4000-8000-00000000b075', name: 'IBP-bot' };
export const TENANT = '72f988bf-0000-4000-8000-0000000000aa';
export const USER = { id: '29:1AbCdEfGhIjKlMnOpQrStUvWxYz-user', name: 'Jan Jansen', aadObjectId: '6b1b1c1d-0000-4000-8000-0000000000a1' };
export const PERSONAL_CONVERSATION = 'a:1personalConversationIdForJanJansen';
export const CHANNEL = '19:0ac7c1f9d1a4@thread.tacv2';
export const TEAM = '19:team0ac7c1f9d1a4@thread.tacv2';
export const GROUP_CHAT = '19:meeting_groupchat0ac7c1f9@thread.v2';

let seq = 1_700_000_000_000;
/** Teams activity ids are numeric strings (milliseconds-ish), unique per message. */
export function activityId(): string {
  seq += 1;
  return String(seq);
}

type Activity = Record<string, unknown>;

function base(serviceUrl: string, over: Activity): Activity {
  const now = new Date();
  return {
    type: 'message',
    id: activityId(),
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString().replace('Z', '+01:00'),
    channelId: 'msteams',
    serviceUrl,
    from: { ...USER },
    recipient: { ...BOT },
    locale: 'nl-NL',
    localTimezone: 'Europe/Amsterdam',
    entities: [{ type: 'clientInfo', locale: 'nl-NL', country: 'NL', platform: 'Windows', timezone: 'Europe/Amsterdam' }],
    channelData: { tenant: { id: TENANT } },
    ...over,
  };
}

const personalConversation = { conversationType: 'personal', tenantId: TENANT, id: PERSONAL_CONVERSATION };

export function personalMessage(serviceUrl: string, text: string, over: Activity = {}): Activity {
  return base(serviceUrl, { text, textFormat: 'plain', conversation: personalConversation, ...over });
}

/** A new channel post that @mentions the bot: Teams puts the mention in the text and in an entity. */
export function channelMessage(serviceUrl: string, text: string, over: Activity = {}): Activity {
  const id = activityId();
  const mention = `<at>${BOT.name}</at>`;
  return base(serviceUrl, {
    id,
    text: `${mention} ${text}`,
    textFormat: 'plain',
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=${id}` },
    entities: [
      { type: 'mention', mentioned: { id: BOT.id, name: BOT.name }, text: mention },
      { type: 'clientInfo', locale: 'nl-NL', country: 'NL', platform: 'Web', timezone: 'Europe/Amsterdam' },
    ],
    channelData: {
      teamsChannelId: CHANNEL,
      teamsTeamId: TEAM,
      // As Teams sends them; the first channel of a team (General) comes without a name.
      channel: { id: CHANNEL, name: 'Knelpunten' },
      team: { id: TEAM, name: 'IBP Programmateam' },
      tenant: { id: TENANT },
    },
    ...over,
  });
}

export function groupChatMessage(serviceUrl: string, text: string, over: Activity = {}): Activity {
  const mention = `<at>${BOT.name}</at>`;
  return base(serviceUrl, {
    text: `${mention} ${text}`,
    textFormat: 'plain',
    conversation: { isGroup: true, conversationType: 'groupChat', tenantId: TENANT, id: GROUP_CHAT },
    entities: [{ type: 'mention', mentioned: { id: BOT.id, name: BOT.name }, text: mention }],
    ...over,
  });
}

/** Action.Submit on a card the bot sent: a message with `value` and no text, replying to the card's message. */
export function cardSubmit(serviceUrl: string, value: Record<string, unknown>, over: Activity = {}): Activity {
  return base(serviceUrl, {
    conversation: personalConversation,
    replyToId: '1700000000999',
    value,
    channelData: { tenant: { id: TENANT }, source: { name: 'message' }, legacy: { replyToId: '1:1cardMessageLegacyId' } },
    ...over,
  });
}

/** Action.Execute (Universal Actions): an invoke the bot must answer in the HTTP response. */
export function cardExecute(serviceUrl: string, data: Record<string, unknown>, over: Activity = {}): Activity {
  return base(serviceUrl, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    conversation: personalConversation,
    replyToId: '1700000000998',
    value: { action: { type: 'Action.Execute', verb: 'ibp', data }, trigger: 'manual' },
    ...over,
  });
}

/** The bot was added to a team (General channel) or personal scope. */
export function botAdded(serviceUrl: string, over: Activity = {}): Activity {
  return base(serviceUrl, {
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: CHANNEL },
    channelData: { team: { id: TEAM, name: 'IBP Noord' }, eventType: 'teamMemberAdded', tenant: { id: TENANT } },
    ...over,
  });
}

export function installationUpdate(serviceUrl: string, over: Activity = {}): Activity {
  return base(serviceUrl, { type: 'installationUpdate', action: 'add', conversation: personalConversation, ...over });
}

export function typing(serviceUrl: string): Activity {
  return base(serviceUrl, { type: 'typing', conversation: personalConversation });
}

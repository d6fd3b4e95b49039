import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { cardActions, FakeConnector, type CardAction, type ConnectorCall } from './helpers/fake-connector.js';
import { LogCapture } from './helpers/core.js';
import { cardSubmit, CHANNEL, channelMessage, personalMessage, TEAM, TENANT } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

/**
 * A whole knelpunt through Teams: a coordinator (recognised by Entra object id)
 * registers a channel for triage, a civil servant reports in a personal chat (the
 * form as an Adaptive Card, with field errors), the triage card reaches the channel,
 * a non-coordinator is refused, the coordinator changes the status and the reporter
 * gets a 1:1 message. Real bot, real CloudAdapter, fake Bot Connector.
 */
const COORD = { id: '29:1CoordinatorUserId', name: 'Coördinator Cor', aadObjectId: 'c0c0c0c0-0000-4000-8000-00000000c00d' };
describe.each(TEAMS_TRANSPORTS)('Teams knelpunten over %s', (sdk) => {
  let bot: RunningBot;
  let connector: FakeConnector;

  async function post(activity: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    return res.status;
  }
  const since = (n: number): ConnectorCall[] => connector.calls.slice(n);
  const text = (calls: ConnectorCall[]): string => JSON.stringify(calls.map((c) => c.body));
  type Action = CardAction;
  const actions = (call: ConnectorCall): Action[] => cardActions(call.body);
  const channelConversation = (messageId: string) => ({ isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=${messageId}` });
  const channelData = { teamsChannelId: CHANNEL, teamsTeamId: TEAM, channel: { id: CHANNEL }, team: { id: TEAM }, tenant: { id: TENANT } };

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await startBot(
      {
        PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', TEAMS_SDK: sdk,
        KNELPUNT_COORDINATORS: `aad:${COORD.aadObjectId}`,
      },
      { logDestination: new LogCapture() },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });

  describe('knelpunten through Teams', () => {
    it('report, field errors, confirmation, triage card, refusal, status change, reporter informed', async () => {
      // 1. the coordinator registers the channel
      let from = connector.calls.length;
      await post(channelMessage(connector.url, 'knelpunt triage hier', { from: COORD }));
      expect(text(since(from))).toMatch(/triagekanaal/);

      // 2. the reporter asks for the form in a personal chat
      from = connector.calls.length;
      await post(personalMessage(connector.url, 'knelpunt'));
      const formCall = since(from).find((c) => JSON.stringify(c.body).includes('Input.ChoiceSet'));
      expect(formCall).toBeDefined();
      const submitAction = actions(formCall!).find((a) => a.type === 'Action.Submit' && (a.data as Record<string, unknown> | undefined)?.ibpForm === 'knelpunt');
      expect(submitAction).toBeDefined();
      const formData = submitAction!.data as Record<string, unknown>;

      // 3. too short: the card comes back with the error next to the field; nothing stored
      from = connector.calls.length;
      await post(cardSubmit(connector.url, { ...formData, opgave: 'opgave-wonen', beschrijving: 'kort', urgentie: 'hoog', anoniem: 'false' }));
      expect(text(since(from))).toMatch(/Schrijf minstens 10 tekens/);
      expect(await bot.store.knelpunten.count()).toBe(0);

      // 4. valid: confirmation to the reporter, triage card in the channel
      from = connector.calls.length;
      await post(cardSubmit(connector.url, {
        ...formData, opgave: 'opgave-wonen', beschrijving: 'De woondeal loopt vast op de planning van de provincie.',
        overheden: 'gemeente,provincie', urgentie: 'hoog', anoniem: 'false',
      }));
      // the triage post goes out beside the confirmation, which does not wait for it
      const isTriage = (c: (typeof connector.calls)[number]): boolean => !!c.conversationId?.startsWith(CHANNEL) && JSON.stringify(c.body).includes('Nieuw knelpunt');
      for (let i = 0; i < 200 && !since(from).some(isTriage); i++) await new Promise((r) => setTimeout(r, 25));
      const after = since(from);
      expect(text(after)).toMatch(/Knelpunt ontvangen: KP-\d{4}-0001/);
      const triage = after.find(isTriage);
      expect(triage).toBeDefined();
      const toInBehandeling = actions(triage!).find((a) => a.data?.ibpAction === 'knelpunt.status' && a.data.value?.endsWith('|in_behandeling~nl')); // ~nl: the card's language
      expect(toInBehandeling).toBeDefined();

      // 5. the reporter (no coordinator) presses it: refused, nothing changes
      from = connector.calls.length;
      await post(cardSubmit(connector.url, { ibpAction: 'knelpunt.status', value: toInBehandeling!.data!.value }, { conversation: channelConversation('1700000000500'), channelData }));
      expect(text(since(from))).toMatch(/alleen de coördinatoren/i);
      expect((await bot.store.knelpunten.list())[0]?.status).toBe('nieuw');

      // 6. the coordinator presses it: status changes, history says who, the reporter gets a 1:1 message
      from = connector.calls.length;
      await post(cardSubmit(connector.url, { ibpAction: 'knelpunt.status', value: toInBehandeling!.data!.value }, { from: COORD, conversation: channelConversation('1700000000600'), channelData }));
      const k = (await bot.store.knelpunten.list())[0]!;
      expect(k.status).toBe('in_behandeling');
      expect(k.history[0]?.by).toBe(`aad:${COORD.aadObjectId}`);
      expect(text(since(from))).toMatch(/Update over je knelpunt KP-\d{4}-0001/);
    }, 60_000);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfig } from '../adapters/teams/transport/agents.js';
import { createTransport } from '../adapters/teams/transport/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { block, reply } from '../src/core/reply.js';
import { createLogger } from '../src/log.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { CHANNEL, PERSONAL_CONVERSATION, TENANT, USER, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { TEAMS_TRANSPORTS, type TeamsTransportName } from './helpers/teams-transports.js';
import { tempDir } from './helpers/tmp.js';

const env = (dir: string, sdk: TeamsTransportName) => ({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' as const, TEAMS_SDK: sdk });
const nudge = reply('nl', 'Herinnering', [block.heading('Herinnering'), block.plain('Vergeet je reflectie niet.')]);
/** How each SDK names itself in the User-Agent of its calls to the Bot Connector. */
const USER_AGENT = { botbuilder: /botframework-connector\/4/, agents: /Agents-SDK-JS|agents-hosting/i } as const;

let connector: FakeConnector;
const running: RunningBot[] = [];
beforeAll(async () => {
  connector = await new FakeConnector().start();
});
afterAll(async () => {
  for (const b of running) await b.close();
  await connector?.close();
});

async function post(bot: RunningBot, activity: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  expect(res.status).toBe(200);
}

describe('TEAMS_SDK', () => {
  it('is botbuilder by default (npm start unchanged), agents on request; anything else stops the start naming the variable', async () => {
    expect(loadConfig({}).teams.sdk).toBe('botbuilder');
    expect(loadConfig({ TEAMS_SDK: 'agents' }).teams.sdk).toBe('agents');
    expect(() => loadConfig({ TEAMS_SDK: 'teams-ai' })).toThrow(/TEAMS_SDK="teams-ai": must be one of: botbuilder, agents/);
    const bad = await startBot({ ...env(tempDir(), 'botbuilder'), TEAMS_SDK: 'Agents' }, { logDestination: new LogCapture() }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect(String((bad as Error).message)).toMatch(/TEAMS_SDK/);
  });
});

describe('switching TEAMS_SDK needs no data migration', () => {
  it('both transports store the same conversation reference for the same activity', async () => {
    const stored: unknown[] = [];
    for (const sdk of TEAMS_TRANSPORTS) {
      const bot = await startBot(env(tempDir(), sdk), { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
      running.push(bot);
      const activity = channelMessage(connector.url, 'help', { id: '1700000123456', conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=1700000123456` } });
      await post(bot, activity);
      stored.push((await bot.store.conversations.list()).map((c) => [c.key, c.data]).sort());
    }
    expect(stored[0]).toEqual(stored[1]);
    expect(JSON.stringify(stored[0])).not.toContain('"agent"'); // the protocol's `bot`, whichever SDK ran
  });

  it.each([
    ['botbuilder', 'agents'],
    ['agents', 'botbuilder'],
  ] as const)('a reference stored under %s is used for proactive sends under %s: a message, a 1:1 chat, a card updated in place', async (from, to) => {
    const dir = tempDir();
    const first = await startBot(env(dir, from), { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
    await post(first, personalMessage(connector.url, 'hallo'));
    await post(first, channelMessage(connector.url, 'help'));
    await first.close();

    const second = await startBot(env(dir, to), { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
    running.push(second);
    const teams = second.adapters.find((a) => a.platform === 'teams')!;
    connector.reset();
    const sent = await second.bot.deps.outbox.send(`teams:${PERSONAL_CONVERSATION}`, nudge);
    expect(sent).toEqual({ ok: true, messageId: expect.any(String) });
    const toUser = await teams.sendToUser!(USER.id, await second.store.conversations.get(`teams:${CHANNEL}`), nudge);
    expect(toUser.ok).toBe(true);
    const updated = await teams.sendProactive((await second.store.conversations.get(`teams:${PERSONAL_CONVERSATION}`))!, { ...nudge, replacesMessage: '1700000000555' });
    expect(updated).toEqual({ ok: true, messageId: '1700000000555' });

    expect(connector.calls.map((c) => [c.method, c.conversationId ?? c.path, c.activityId])).toEqual([
      ['POST', PERSONAL_CONVERSATION, undefined],
      ['POST', '/v3/conversations', undefined],
      ['POST', expect.stringMatching(/^a:fake-conversation-/), undefined],
      ['PUT', PERSONAL_CONVERSATION, '1700000000555'],
    ]);
    for (const c of connector.calls) expect(c.userAgent).toMatch(USER_AGENT[to]);
    expect(connector.calls[1]?.body).toMatchObject({ isGroup: false, members: [{ id: USER.id }], tenantId: TENANT, bot: { id: expect.any(String) } });
  });
});

describe.each(TEAMS_TRANSPORTS)('the %s transport on its own', (sdk) => {
  const reference = (): { serviceUrl: string; channelId: string; conversation: { id: string }; bot: { id: string } } => ({
    serviceUrl: connector.url, channelId: 'msteams', conversation: { id: PERSONAL_CONVERSATION }, bot: { id: '28:bot' },
  });

  it('deletes and updates a message in a stored conversation (DELETE and PUT at the connector), and throws the connector’s failure', async () => {
    const transport = await createTransport(sdk, { auth: { mode: 'anonymous' }, log: createLogger({ level: 'silent', pretty: false }) });
    connector.reset();
    await transport.delete(reference(), '1700000000777');
    await transport.update(reference(), '1700000000778', { type: 'message', text: 'bijgewerkt' });
    expect(connector.calls.map((c) => [c.method, c.conversationId, c.activityId])).toEqual([
      ['DELETE', PERSONAL_CONVERSATION, '1700000000777'],
      ['PUT', PERSONAL_CONVERSATION, '1700000000778'],
    ]);
    connector.failNext(1, { status: 429, retryAfter: 7 });
    const err = await transport.sendNew(reference(), { type: 'message', text: 'x' }).catch((e: unknown) => e);
    const { describeFailure } = await import('../adapters/teams/send.js');
    expect(describeFailure(err, new Date())).toMatchObject({ status: 429, retryAfterMs: 7000 });
    expect(connector.calls).toHaveLength(3); // one attempt: the SDK's own retries are off
  });
});

describe('the Agents SDK gets our MICROSOFT_APP_* as its own settings', () => {
  const one = (c: ReturnType<typeof authConfig>) => c.connections!.get('serviceConnection');
  it.each([
    [{ appType: 'MultiTenant' as const, appPassword: 'geheim', tenantId: 'ignored-for-multitenant' }, { clientId: 'app-1', authType: 'ClientSecret', clientSecret: 'geheim', validateIssuer: true }],
    [{ appType: 'SingleTenant' as const, appPassword: 'geheim', tenantId: 'tenant-1' }, { clientId: 'app-1', authType: 'ClientSecret', clientSecret: 'geheim', tenantId: 'tenant-1', validateIssuer: true }],
    [{ appType: 'UserAssignedMSI' as const, tenantId: 'tenant-1' }, { clientId: 'app-1', authType: 'UserManagedIdentity', tenantId: 'tenant-1', validateIssuer: true }],
  ])('%o', (creds, expected) => {
    const config = authConfig({ mode: 'authenticated', appId: 'app-1', ...creds });
    expect(one(config)).toEqual(expected);
    expect(config.connectionsMap).toEqual([{ serviceUrl: '*', connection: 'serviceConnection' }]);
  });
  it('anonymous: no client id', () => {
    expect(one(authConfig({ mode: 'anonymous' }))).toEqual({ clientId: '' });
  });
});

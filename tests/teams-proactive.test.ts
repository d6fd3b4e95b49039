import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { block, reply } from '../src/core/reply.js';
import type { PlatformAdapter } from '../src/platform/contract.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { CHANNEL, PERSONAL_CONVERSATION, TENANT, USER, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

describe.each(TEAMS_TRANSPORTS)('Teams proactive over %s', (sdk) => {
  let bot: RunningBot;
  let connector: FakeConnector;
  let teams: PlatformAdapter;
  const logs = new LogCapture();
  const KEY = `teams:${PERSONAL_CONVERSATION}`;
  const nudge = reply('nl', 'Herinnering', [block.heading('Herinnering'), block.markdown('Vergeet je **reflectie** niet.')]);

  async function post(activity: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', TEAMS_SDK: sdk, LOG_LEVEL: 'info' },
      { logDestination: logs },
    );
    teams = bot.adapters.find((a) => a.platform === 'teams')!;
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });
  beforeEach(async () => {
    // Every test starts from a fresh, active reference stored by a real incoming message.
    connector.reset();
    await post(personalMessage(connector.url, 'hallo'));
    connector.reset();
  });

  describe('proactive messages to a stored Teams conversation', () => {
    it('a stored reference gets a message through the connector (via the core outbox)', async () => {
      const res = await bot.bot.deps.outbox.send(KEY, nudge);
      expect(res).toEqual({ ok: true, messageId: expect.any(String) });
      expect(connector.sent).toHaveLength(1);
      expect(connector.calls[0]?.conversationId).toBe(PERSONAL_CONVERSATION);
      expect(connector.calls[0]?.activityId).toBeUndefined(); // a new message, not a reply to a made-up id
      const card = (connector.sent[0]?.attachments as Array<{ content: { body: Array<{ text: string }> } }>)[0]!.content;
      expect(card.body.map((b) => b.text)).toEqual(['Herinnering', 'Vergeet je **reflectie** niet.']);
    });

    it('a 429 is retried after Retry-After and then delivered', async () => {
      connector.failNext(1, { status: 429, retryAfter: 1 });
      const started = Date.now();
      const res = await teams.sendProactive((await bot.store.conversations.get(KEY))!, nudge);
      expect(res.ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(connector.calls.map((c) => c.status)).toEqual([429, 201]);
    });

    it('a Retry-After beyond the cap ends the send at once, as rate_limited, without waiting (no hidden SDK retries)', async () => {
      connector.failNext(5, { status: 429, retryAfter: 120 });
      const started = Date.now();
      const res = await teams.sendProactive((await bot.store.conversations.get(KEY))!, nudge);
      expect(res).toEqual({ ok: false, gone: false, reason: 'rate_limited' });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(connector.calls).toHaveLength(1);
      expect((await bot.store.conversations.get(KEY))?.active).toBe(true);
    });

    it('a 5xx is retried with backoff', async () => {
      connector.failNext(1, { status: 502 });
      const res = await teams.sendProactive((await bot.store.conversations.get(KEY))!, nudge);
      expect(res.ok).toBe(true);
      expect(connector.calls.map((c) => c.status)).toEqual([502, 201]);
    });

    it.each([403, 404])('a %i marks the reference inactive and reports it gone, without throwing', async (status) => {
      connector.failNext(1, { status });
      const res = await teams.sendProactive((await bot.store.conversations.get(KEY))!, nudge);
      expect(res).toMatchObject({ ok: false, gone: true, reason: expect.stringContaining(`teams_${status}`) });
      const ref = await bot.store.conversations.get(KEY);
      expect(ref?.active).toBe(false);
      expect(ref?.inactiveReason).toContain(String(status));
      // The outbox no longer tries an inactive conversation.
      connector.reset();
      expect(await bot.bot.deps.outbox.send(KEY, nudge)).toMatchObject({ ok: false, gone: true });
      expect(connector.calls).toHaveLength(0);
    });

    it('a private message to a user creates a 1:1 conversation from a channel reference', async () => {
      const activity = channelMessage(connector.url, 'help');
      await post(activity);
      connector.reset();
      const via = await bot.store.conversations.get(`teams:${CHANNEL}`);
      const res = await teams.sendToUser!(USER.id, via, nudge);
      expect(res.ok).toBe(true);
      const [create, send] = connector.calls;
      expect(create).toMatchObject({ method: 'POST', path: '/v3/conversations' });
      expect(create?.body).toMatchObject({ isGroup: false, members: [{ id: USER.id }], tenantId: TENANT, channelData: { tenant: { id: TENANT } } });
      expect(send?.conversationId).toMatch(/^a:fake-conversation-/);
    });
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { CHANNEL, cardSubmit, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { cardActions } from './helpers/fake-connector.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

/** Reflectie through the real Teams adapter (botbuilder) against a fake Bot Framework connector. */
describe.each(TEAMS_TRANSPORTS)('reflectie in Teams over %s', (sdk) => {
  let connector: FakeConnector;
  const running: RunningBot[] = [];
  let fixed: Date | null = null;
  const clock = (): Date => fixed ?? new Date();
  const env = (dir: string) => ({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' as const, TEAMS_SDK: sdk });

  async function post(bot: RunningBot, activity: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBeLessThan(300);
  }
  const sentText = (from: number): string => JSON.stringify(connector.sent.slice(from));

  beforeAll(async () => {
    connector = await new FakeConnector().start();
  });
  afterAll(async () => {
    for (const b of running) await b.close();
    await connector?.close();
  });

  describe('reflectie in Teams', () => {
    it('`reflectie plan` in a channel; the nudge arrives in that channel through the connector', async () => {
      const bot = await startBot(env(tempDir()), { logDestination: new LogCapture(), now: clock, schedulerIntervalMs: 0 });
      running.push(bot);
      let from = connector.sent.length;
      await post(bot, channelMessage(connector.url, 'reflectie plan elke dag 15:00 ook op feestdagen'));
      expect(sentText(from)).toMatch(/Afgesproken/);
      const [sub] = await bot.store.subscriptions.list({ kind: 'nudge' });
      expect(sub?.platform).toBe('teams');
      expect(sub?.channelKey.startsWith('teams:')).toBe(true);
      expect(sub?.channelKey).toBe(`teams:${CHANNEL}`); // the channel itself, not the thread of the message
      from = connector.sent.length;
      fixed = new Date(new Date(sub!.nextSlotAt).getTime() + 10_000);
      try {
        expect((await bot.scheduler.tick()).sent).toBe(1);
      } finally {
        fixed = null;
      }
      expect(sentText(from)).toMatch(/Tijd voor een korte reflectie/);
      expect(connector.calls.at(-1)?.conversationId).toContain(CHANNEL);
    });

    it('a step-by-step dialogue in a personal chat survives a restart', async () => {
      const dir = tempDir();
      const first = await startBot(env(dir), { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
      let from = connector.sent.length;
      await post(first, personalMessage(connector.url, 'reflectie stap voor stap'));
      expect(sentText(from)).toMatch(/Vraag 1 van 5/);
      await post(first, personalMessage(connector.url, 'We deelden kennis tussen gemeenten.'));
      await first.close();

      const second = await startBot(env(dir), { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
      running.push(second);
      from = connector.sent.length;
      await post(second, personalMessage(connector.url, 'Sneller beslissen.'));
      expect(sentText(from)).toMatch(/Vraag 3 van 5/);
      for (const t of ['overslaan', 'overslaan']) await post(second, personalMessage(connector.url, t));
      from = connector.sent.length;
      await post(second, personalMessage(connector.url, 'stop'));
      expect(sentText(from)).toMatch(/De reflectie is gestopt/);
    });

    it('a choice list submitted with nothing chosen asks again in the card\'s language and keeps the card; a choice then moves on', async () => {
      const bot = await startBot(env(tempDir()), { logDestination: new LogCapture(), schedulerIntervalMs: 0 });
      running.push(bot);
      const en = { locale: 'en-US' };
      let from = connector.sent.length;
      await post(bot, personalMessage(connector.url, 'reflectie stap voor stap', en));
      for (const t of ['overslaan', 'overslaan', 'overslaan']) await post(bot, personalMessage(connector.url, t, en));
      expect(sentText(from)).toMatch(/Vraag 4 van 5/);
      const choose = cardActions(connector.sent.slice(from)).find((a) => typeof a.data?.ibpChoice === 'string');
      const wonen = /"value":"(opgave\|opgave-wonen\|\d+~nl)"/.exec(sentText(from))?.[1];
      expect(wonen).toBeDefined();
      expect(choose?.title).toBe('Kiezen');
      expect(choose?.data?.value).toBe('~nl');
      // An English client that let "Kiezen" through without a choice: Dutch, like the card, and the reflection goes on.
      from = connector.sent.length;
      await post(bot, cardSubmit(connector.url, { ...choose!.data }, en));
      await connector.waitForSent(from + 1);
      expect(sentText(from)).toContain('Kies een van de opties.');
      expect(sentText(from)).not.toMatch(/Er loopt geen reflectie meer/);
      from = connector.sent.length;
      await post(bot, cardSubmit(connector.url, { ...choose!.data, [choose!.data!.ibpChoice as string]: wonen }, en));
      await connector.waitForSent(from + 1);
      expect(sentText(from)).toMatch(/Vraag 5 van 5/);
    });
  });
});

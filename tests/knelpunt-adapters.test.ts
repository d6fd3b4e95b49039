import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FILE } from '../src/store/lowdb/store.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlack, FAKE_TEAM_ID } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';
import { commandBody, interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { cardSubmit, PERSONAL_CONVERSATION, USER } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

/**
 * Anonymous knelpunten through the real Slack and Teams adapters, with every log
 * line at trace level: the reporter's id, name, conversation and thread appear
 * nowhere in the data file or the log. And a retried Slack submission gives one.
 */
const SECRET = 'test-signing-secret-1234';
const SLACK_USER = 'U0SECRETREPORTER';
const SLACK_CHANNEL = 'C0SECRETCHANNEL';
describe.each(TEAMS_TRANSPORTS)('knelpunten through the adapters, Teams over %s', (sdk) => {
  let fake: FakeSlack;
  let connector: FakeConnector;
  let bot: RunningBot;
  const logs = new LogCapture();
  let dataDir: string;

  const slack = (body: string, form = true): ReturnType<typeof postToSlackEndpoint> =>
    postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType: form ? 'application/x-www-form-urlencoded' : 'application/json' });
  const dataFile = (): string => readFileSync(path.join(dataDir, DATA_FILE), 'utf8');

  beforeAll(async () => {
    fake = await FakeSlack.start();
    connector = await new FakeConnector().start();
    dataDir = tempDir();
    bot = await startBot(
      {
        PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'trace', TEAMS_SDK: sdk,
        SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl,
      },
      { logDestination: logs },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
    await connector?.close();
  });

  describe('anonymous knelpunten through the platform adapters', () => {
    // Slack does not depend on the Teams transport: once is enough.
    it.runIf(sdk === TEAMS_TRANSPORTS[0])('Slack: an anonymous report from a channel leaves no identity; a retried submission gives one knelpunt', async () => {
      const from = fake.calls.length;
      await slack(commandBody({
        team_id: FAKE_TEAM_ID, channel_id: SLACK_CHANNEL, user_id: SLACK_USER, user_name: 'geheime.melder', command: '/knelpunt',
        text: '', response_url: fake.responseUrl('anon'), trigger_id: 'trigger-anon',
      }));
      const opened = await fake.waitFor((c) => c.method === 'views.open', { from });
      const view = opened.body.view as { callback_id: string; private_metadata: string };
      const submission = interactionBody({
        type: 'view_submission',
        team: { id: FAKE_TEAM_ID },
        user: { id: SLACK_USER, name: 'geheime.melder', team_id: FAKE_TEAM_ID },
        view: {
          id: 'V0ANON', hash: 'h-anon-1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata,
          state: {
            values: {
              opgave: { v: { type: 'static_select', selected_option: { value: 'opgave-migratie' } } },
              beschrijving: { v: { type: 'plain_text_input', value: 'Opvang en inburgering worden niet op elkaar afgestemd.' } },
              overheden: { v: { type: 'multi_static_select', selected_options: [{ value: 'gemeente' }, { value: 'rijk' }] } },
              urgentie: { v: { type: 'static_select', selected_option: { value: 'middel' } } },
              anoniem: { v: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
            },
          },
        },
      });
      const before = await bot.store.knelpunten.count();
      expect((await slack(submission)).status).toBe(200);
      expect((await slack(submission)).status).toBe(200); // Slack retries the same submission
      await new Promise((r) => setTimeout(r, 300));
      expect(await bot.store.knelpunten.count()).toBe(before + 1);
      const k = (await bot.store.knelpunten.list()).at(-1)!;
      expect(k).toMatchObject({ anoniem: true, opgave: 'opgave-migratie' });
      expect(k.reporter).toBeUndefined();
      for (const secret of [SLACK_USER, 'geheime.melder']) {
        expect(dataFile()).not.toContain(secret);
        expect(logs.text).not.toContain(secret);
      }
    });

    it('Teams: an anonymous card submit leaves no id, name, aad object id or conversation', async () => {
      const before = await bot.store.knelpunten.count();
      const res = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          cardSubmit(connector.url, {
            ibpForm: 'knelpunt',
            ibpFields: { overheden: 'multiselect', anoniem: 'checkbox' },
            opgave: 'anders',
            beschrijving: 'De provincie en het waterschap wachten op elkaar.',
            overheden: 'provincie,waterschap',
            urgentie: 'hoog',
            anoniem: 'true',
          }),
        ),
      });
      expect(res.status).toBeLessThan(300);
      await new Promise((r) => setTimeout(r, 300));
      expect(await bot.store.knelpunten.count()).toBe(before + 1);
      expect((await bot.store.knelpunten.list()).at(-1)?.reporter).toBeUndefined();
      for (const secret of [USER.id, USER.name, USER.aadObjectId, PERSONAL_CONVERSATION]) {
        expect(dataFile()).not.toContain(secret);
        expect(logs.text).not.toContain(secret);
      }
    });
  });
});

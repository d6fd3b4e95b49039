import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { FakeSlack, FAKE_TEAM_ID, type RecordedCall } from './helpers/fake-slack.js';
import { usePostgres } from './helpers/pg.js';
import { interactionBody, postToSlackEndpoint } from './helpers/slack-sign.js';
import { cardSubmit, personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

/**
 * Hostile text typed by people, through every platform, on both stores, with the
 * default settings (rate limits on): nothing is lost, nobody is told to "try again",
 * and what is stored is the cleaned text. (Last round, PostgreSQL refused NUL and lone
 * surrogates: the user was told to retry, the retry failed the same way.)
 */
const HOSTILE = 'Kapot\u0000 \ud800 tekst \u001b[31mrood\u001b[0m \u202eomgekeerd\u202c met \u0085genoeg\u0007 tekens 😀';
const CLEAN = 'Kapot \ufffd tekst [31mrood[0m \u202eomgekeerd\u202c met genoeg tekens 😀';
const SECRET = 'test-signing-secret-hostile';
const pg = usePostgres();

type ChatReply = { status: number; replies: Reply[]; notifications: Reply[] };

for (const backend of ['lowdb', 'postgres'] as const) {
  describe.each(TEAMS_TRANSPORTS)(`hostile text through every platform: ${backend}, default settings, Teams over %s`, (sdk) => {
    // Only the Teams part depends on the transport; the rest runs once per backend.
    const once = sdk === TEAMS_TRANSPORTS[0];
    let bot: RunningBot;
    let fake: FakeSlack;
    let connector: FakeConnector;
    let n = 0;
    const mid = (): string => `hostile-msg-${backend}-${++n}-${Date.now()}`;
    const chat = async (session: string, input: Record<string, unknown>): Promise<ChatReply> => {
      const res = await fetch(`${bot.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, messageId: mid(), input }) });
      const json = (await res.json()) as { replies?: Reply[]; notifications?: Reply[] };
      return { status: res.status, replies: json.replies ?? [], notifications: json.notifications ?? [] };
    };
    const text = (r: Reply[]): string => r.map((x) => x.fallbackText).join('\n');
    const slack = (body: string, form = true): ReturnType<typeof postToSlackEndpoint> =>
      postToSlackEndpoint(`${bot.url}/slack/events`, { secret: SECRET, body, contentType: form ? 'application/x-www-form-urlencoded' : 'application/json' });
    const knelpunt = (anoniem: boolean): Record<string, unknown> => ({ opgave: 'anders', beschrijving: HOSTILE, overheden: ['gemeente'], urgentie: 'hoog', anoniem });

    beforeAll(async () => {
      fake = await FakeSlack.start();
      connector = await new FakeConnector().start();
      bot = await startBot(
        {
          // What the README's quick start and deployment set, plus the platforms' fakes.
          PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'),
          ...(backend === 'postgres' ? { DATABASE_URL: await pg().freshSchema() } : {}),
          SLACK_BOT_TOKEN: 'xoxb-test-not-a-real-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl,
          KNELPUNT_COORDINATORS: 'local:hostile-coordinator',
          LOG_LEVEL: 'silent',
          TEAMS_SDK: sdk,
        },
        { logDestination: new LogCapture(), schedulerIntervalMs: 0 },
      );
    });
    afterAll(async () => {
      await bot?.close();
      await fake?.close();
      await connector?.close();
    });

    it.runIf(once)('web chat: a question, a named and an anonymous knelpunt, a toelichting', async () => {
      expect((await chat('hostile-coordinator', { kind: 'text', text: 'knelpunt triage hier' })).status).toBe(200);
      const q = await chat('hostile-reporter', { kind: 'text', text: `wat is zekerheid 7 ${HOSTILE}` });
      expect(q.status).toBe(200);
      expect(text(q.replies)).not.toMatch(/niets opslaan|probeer het (zo|later)/i);
      for (const anoniem of [false, true]) {
        const res = await chat(`hostile-reporter-${anoniem ? 'anon' : 'named'}`, { kind: 'form', formId: 'knelpunt', values: knelpunt(anoniem) });
        expect(res.status, `anoniem ${anoniem}`).toBe(200);
        expect(text(res.replies)).toMatch(/KP-\d{4}-\d{4}/);
      }
      const stored = await bot.store.knelpunten.list();
      expect(stored.map((k) => k.beschrijving)).toEqual([CLEAN, CLEAN]);

      // The coordinator declines one from its triage card, with a hostile toelichting.
      const overview = await chat('hostile-coordinator', { kind: 'text', text: 'hallo' });
      expect(overview.status).toBe(200);
      const ref = stored[0]!.ref;
      const decline = [...overview.replies, ...overview.notifications]
        .flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])))
        .find((b) => b.value.startsWith(ref) && b.value.endsWith('|niet_opgepakt~nl')); // ~nl: the card's language
      expect(decline, 'a "niet opgepakt" button for the first knelpunt').toBeDefined();
      const asked = await chat('hostile-coordinator', { kind: 'action', action: decline!.action, value: decline!.value });
      const form = asked.replies.flatMap((r) => r.blocks).find((b) => b.kind === 'form');
      expect(form?.kind).toBe('form');
      if (form?.kind !== 'form') return;
      const done = await chat('hostile-coordinator', { kind: 'form', formId: form.form.id, values: { toelichting: HOSTILE }, ...(form.form.state ? { state: form.form.state } : {}) });
      expect(done.status).toBe(200);
      expect((await bot.store.knelpunten.get(ref))?.history.at(-1)).toMatchObject({ to: 'niet_opgepakt', toelichting: CLEAN });
    });

    it.runIf(once)('Slack: a knelpunt from the modal keeps its text (the modal closes, the report is stored)', async () => {
      const before = await bot.store.knelpunten.count();
      const res = await slack(interactionBody({
        type: 'view_submission', team: { id: FAKE_TEAM_ID }, user: { id: 'U0HOSTILE', team_id: FAKE_TEAM_ID },
        view: { id: 'VHOSTILE', hash: 'h1', type: 'modal', callback_id: 'knelpunt', private_metadata: JSON.stringify({ c: 'D0HOSTILE' }), state: { values: {
          opgave: { v: { type: 'static_select', selected_option: { value: 'anders' } } },
          beschrijving: { v: { type: 'plain_text_input', value: HOSTILE } },
          overheden: { v: { type: 'multi_static_select', selected_options: [{ value: 'gemeente' }] } },
          urgentie: { v: { type: 'static_select', selected_option: { value: 'hoog' } } },
          anoniem: { v: { type: 'checkboxes', selected_options: [] } },
        } } },
      }));
      expect(res.status).toBe(200);
      expect(res.text).toBe(''); // the modal closes: no field errors
      const confirmation = await fake.waitFor((c: RecordedCall) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes('KP-'));
      expect(JSON.stringify(confirmation.body)).not.toMatch(/niets opslaan/);
      await expect.poll(() => bot.store.knelpunten.count()).toBe(before + 1);
      expect((await bot.store.knelpunten.list()).at(-1)?.beschrijving).toBe(CLEAN);
    });

    it('Teams: a question and a knelpunt card keep their text', async () => {
      const before = await bot.store.knelpunten.count();
      const post = (activity: Record<string, unknown>): Promise<Response> =>
        fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const from = connector.calls.length;
      expect((await post(personalMessage(connector.url, `wat is zekerheid 7 ${HOSTILE}`))).status).toBe(200);
      expect((await post(cardSubmit(connector.url, { ibpForm: 'knelpunt', ...knelpunt(false), overheden: 'gemeente', anoniem: 'false' }))).status).toBe(200);
      await expect.poll(() => bot.store.knelpunten.count()).toBe(before + 1);
      expect((await bot.store.knelpunten.list()).at(-1)?.beschrijving).toBe(CLEAN);
      const said = JSON.stringify(connector.calls.slice(from).map((c) => c.body));
      expect(said).not.toMatch(/niets opslaan|probeer het zo/i);
      expect(said).toMatch(/KP-\d{4}-\d{4}/);
    });
  });
}

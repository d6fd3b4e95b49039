import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/server/start.js';
import { cardActions, FakeConnector, type CardAction, type ConnectorCall } from './helpers/fake-connector.js';
import { LogCapture } from './helpers/core.js';
import { BOT, CHANNEL, PERSONAL_CONVERSATION, TEAM, TENANT, USER, cardExecute, cardSubmit, channelMessage, personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

/**
 * Issue 19 through the real Teams protocol: real bot, real CloudAdapter, fake Bot
 * Connector. Forms submit once; the card a button was on is updated in place (a PUT of
 * that activity); every triage card follows a status change; the toelichting is asked in
 * a dialog (task/fetch, task/submit); channels get answers only for @mentions, in the
 * channel; foreign card actions get a short answer; cards show names, never ids.
 */
const COORD = { id: '29:1CoordinatorUserId', name: 'Coördinator Cor', aadObjectId: 'c0c0c0c0-0000-4000-8000-00000000c00d' };
describe.each(TEAMS_TRANSPORTS)('Teams forms over %s', (sdk) => {
  let bot: RunningBot;
  let connector: FakeConnector;
  const logs = new LogCapture();

  type Card = { body: Array<Record<string, unknown>> };
  type Action = CardAction;

  async function post(activity: Record<string, unknown>): Promise<{ status: number; body: string }> {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    return { status: res.status, body: await res.text() };
  }
  const since = (n: number): ConnectorCall[] => connector.calls.slice(n);
  const puts = (calls: ConnectorCall[], id?: string): ConnectorCall[] => calls.filter((c) => c.method === 'PUT' && (!id || c.activityId === id));
  const posts = (calls: ConnectorCall[]): ConnectorCall[] => calls.filter((c) => c.method === 'POST' && c.path.includes('/activities'));
  const cardOf = (body: unknown): Card => ((body as { attachments?: { content: Card }[] }).attachments?.[0]?.content ?? { body: [] });
  const json = (calls: ConnectorCall[]): string => JSON.stringify(calls.map((c) => c.body));
  const actions = (card: unknown): Action[] => cardActions(card);
  const texts = (card: Card): string => {
    const out: string[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (o.type === 'TextBlock') out.push(String(o.text));
        if (o.type === 'FactSet') for (const f of o.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
        Object.values(o).forEach(walk);
      }
    };
    walk(card.body);
    return out.join('\n').replace(/\\(.)/g, '$1'); // the Markdown escapes, as a reader sees the text
  };
  async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const channelData = { teamsChannelId: CHANNEL, teamsTeamId: TEAM, channel: { id: CHANNEL }, team: { id: TEAM }, tenant: { id: TENANT } };
  const inChannel = (messageId: string) => ({ conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=${messageId}` }, channelData });
  /** A dialog invoke, as Teams sends it for a button with `msteams: { type: 'task/fetch' }` and for the dialog's submit. */
  function task(name: 'task/fetch' | 'task/submit', data: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const base = cardExecute(connector.url, {}, over);
    return { ...base, name, value: { data, context: { theme: 'default' } } };
  }
  const report = {
    opgave: 'opgave-wonen', beschrijving: 'De woondeal loopt vast op de planning van de provincie.', overheden: 'gemeente,provincie', urgentie: 'hoog', anoniem: 'false',
  };

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', TEAMS_SDK: sdk, KNELPUNT_COORDINATORS: `aad:${COORD.aadObjectId}` },
      { logDestination: logs },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });

  describe('Teams: forms submit once, cards show the truth', () => {
    let ref = '';
    let triageId = '';

    it('a knelpunt card submitted twice files one knelpunt; both answers replace the form card; the second says what the first made', async () => {
      // knelpunten reported before there is a triage channel
      let from = connector.calls.length;
      await post(personalMessage(connector.url, 'knelpunt'));
      const form = actions(posts(since(from))[0]?.body).find((a) => a.data?.ibpForm === 'knelpunt')!;
      expect(String(form.data?.ibpState)).toMatch(/^f1:[\w-]{22}:~nl$/); // ~nl: the form's language
      from = connector.calls.length;
      await post(cardSubmit(connector.url, { ...form.data, ...report }, { replyToId: '1700000000801' }));
      const first = puts(since(from), '1700000000801');
      expect(first).toHaveLength(1);
      ref = /KP-\d{4}-\d{4}/.exec(texts(cardOf(first[0]!.body)))![0];
      expect(texts(cardOf(first[0]!.body))).toMatch(/Knelpunt ontvangen/);
      // a double click on the old card: the same form again
      from = connector.calls.length;
      await post(cardSubmit(connector.url, { ...form.data, ...report, beschrijving: 'Nog een keer hetzelfde formulier verstuurd.' }, { replyToId: '1700000000801' }));
      const second = puts(since(from), '1700000000801');
      expect(texts(cardOf(second[0]!.body))).toContain(`Dit knelpunt is al ontvangen als ${ref}`);
      expect(posts(since(from))).toEqual([]);
      expect(await bot.store.knelpunten.count()).toBe(1);
    });

    it('a triage channel registered later says knelpunten are waiting; the overview shows them with status buttons, and a press updates it in place', async () => {
      let from = connector.calls.length;
      await post(channelMessage(connector.url, 'knelpunt triage hier', { from: COORD }));
      expect(json(since(from))).toMatch(/al 1 nieuw knelpunt klaar/);
      from = connector.calls.length;
      await post(personalMessage(connector.url, 'knelpunt overzicht', { from: COORD }));
      const overview = posts(since(from))[0]!;
      const toTake = actions(overview.body).find((a) => a.data?.value === `${ref}|nieuw|in_behandeling|o~nl`); // ~nl: the card's language
      expect(toTake).toBeDefined();
      from = connector.calls.length;
      await post(cardSubmit(connector.url, toTake!.data!, { from: COORD, replyToId: '1700000000802' }));
      const updated = puts(since(from), '1700000000802');
      expect(updated).toHaveLength(1);
      expect(texts(cardOf(updated[0]!.body))).toMatch(new RegExp(`${ref} · gemeld op .* · in behandeling`));
      expect(actions(updated[0]!.body).map((a) => a.data?.value)).toContain(`${ref}|in_behandeling|geagendeerd|o~nl`);
      expect(posts(since(from)).filter((c) => c.conversationId === PERSONAL_CONVERSATION)).toEqual([]);
    });

    it('a new report reaches the triage channel; a press on that card updates it in place, with the coordinator by name; no new card', async () => {
      let from = connector.calls.length;
      await post(personalMessage(connector.url, 'knelpunt'));
      // The reporter's update of the test before may still be on its way: look for the form among the posts.
      const form = posts(since(from)).flatMap((c) => actions(c.body)).find((a) => a.data?.ibpForm === 'knelpunt')!;
      await post(cardSubmit(connector.url, { ...form.data, ...report }, { replyToId: '1700000000803' }));
      ref = (await bot.store.knelpunten.list()).at(-1)!.ref;
      await until(async () => (await bot.store.cards.list(ref)).length === 1, 'the triage post to be remembered');
      const [posted] = await bot.store.cards.list(ref);
      triageId = posted!.messageId;
      const card = posts(since(from)).find((c) => c.conversationId === CHANNEL)!;
      expect(texts(cardOf(card.body))).toMatch(new RegExp(`Nieuw knelpunt ${ref}[\\s\\S]*Gemeld door: Jan Jansen`));
      expect(JSON.stringify(card.body)).not.toContain(USER.id);

      from = connector.calls.length;
      const take = actions(card.body).find((a) => a.data?.value === `${ref}|nieuw|in_behandeling~nl`)!;
      await post(cardSubmit(connector.url, take.data!, { from: COORD, replyToId: triageId, ...inChannel('1700000000900') }));
      await until(() => puts(since(from), triageId).length >= 2, 'the in-place update and the tracked update');
      for (const p of puts(since(from), triageId)) {
        const t = texts(cardOf(p.body));
        expect(t).toMatch(new RegExp(`^Knelpunt ${ref}`));
        expect(t).toMatch(/Status: in behandeling/);
        expect(t).toMatch(/van nieuw naar in behandeling, door Coördinator Cor/);
      }
      expect(posts(since(from)).filter((c) => c.conversationId?.startsWith(CHANNEL)).map((c) => texts(cardOf(c.body)))).toEqual([]);
      // the button that needs a toelichting opens a dialog
      const decline = actions(puts(since(from), triageId)[0]!.body).find((a) => String(a.data?.value).endsWith('|niet_opgepakt~nl'))!;
      expect(decline.data?.msteams).toEqual({ type: 'task/fetch' });
    });

    it('a stale press is answered where it was made, and the card shows the truth', async () => {
      const from = connector.calls.length;
      await post(cardSubmit(connector.url, { ibpAction: 'knelpunt.status', value: `${ref}|nieuw|in_behandeling` }, { from: COORD, replyToId: triageId, ...inChannel('1700000000901') }));
      expect(texts(cardOf(puts(since(from), triageId)[0]!.body))).toMatch(/Status: in behandeling/);
      const answered = posts(since(from));
      expect(answered.map((c) => c.conversationId)).toEqual([`${CHANNEL};messageid=1700000000901`]);
      expect(texts(cardOf(answered[0]!.body))).toMatch(/was al gewijzigd en is nu \*\*in behandeling\*\*/);
    });

    it('"niet opgepakt": the toelichting in a dialog (task/fetch -> task/submit), errors in the dialog; the card updates; the reporter hears it', async () => {
      const where = { from: COORD, replyToId: triageId, ...inChannel('1700000000902') };
      let from = connector.calls.length;
      const fetched = await post(task('task/fetch', { msteams: { type: 'task/fetch' }, ibpAction: 'knelpunt.status', value: `${ref}|in_behandeling|niet_opgepakt` }, where));
      expect(fetched.status, fetched.body).toBe(200);
      const dialog = JSON.parse(fetched.body) as { task: { type: string; value: { title: string; card: { content: Card } } } };
      expect(dialog.task.type).toBe('continue');
      expect(dialog.task.value.title).toBe(`Waarom wordt ${ref} niet opgepakt?`);
      expect(dialog.task.value.card.content.body.some((e) => e.type === 'Input.Text' && e.id === 'toelichting')).toBe(true);
      expect(since(from)).toEqual([]); // nothing in the 1:1 chat or the channel
      const submitData = actions(dialog.task.value.card.content).find((a) => a.data?.ibpForm === 'knelpunt-toelichting')!.data!;

      const short = await post(task('task/submit', { ...submitData, toelichting: 'x' }, where));
      const again = JSON.parse(short.body) as { task: { type: string; value: { card: { content: Card } } } };
      expect(again.task.type).toBe('continue');
      expect(texts(again.task.value.card.content)).toMatch(/Schrijf minstens 3 tekens/);
      expect((await bot.store.knelpunten.get(ref))?.status).toBe('in_behandeling');

      from = connector.calls.length;
      const done = await post(task('task/submit', { ...submitData, toelichting: 'Dit hoort bij het Rijk.' }, where));
      expect(done.status).toBe(200);
      expect(done.body).toBe(''); // the dialog closes
      await until(() => puts(since(from), triageId).length >= 2, 'the card updates');
      expect(texts(cardOf(puts(since(from), triageId)[0]!.body))).toMatch(/Status: niet opgepakt[\s\S]*door Coördinator Cor: Dit hoort bij het Rijk\./);
      expect(actions(puts(since(from), triageId)[0]!.body).map((a) => a.title)).toEqual(['Heropenen']);
      await until(() => json(since(from)).includes('Update over je knelpunt'), 'the reporter update');
      // the same dialog submitted again changes nothing twice
      await post(task('task/submit', { ...submitData, toelichting: 'Nog eens.' }, where));
      expect((await bot.store.knelpunten.get(ref))?.history).toHaveLength(2);
    });

    it('a coordinator reopens it with a reason, in a dialog; the reporter is told; the history says so', async () => {
      const where = { from: COORD, replyToId: triageId, ...inChannel('1700000000903') };
      const fetched = await post(task('task/fetch', { msteams: { type: 'task/fetch' }, ibpAction: 'knelpunt.status', value: `${ref}|niet_opgepakt|in_behandeling` }, where));
      const dialog = JSON.parse(fetched.body) as { task: { value: { title: string; card: { content: Card } } } };
      expect(dialog.task.value.title).toBe(`Waarom wordt ${ref} heropend?`);
      const submitData = actions(dialog.task.value.card.content).find((a) => a.data?.ibpForm === 'knelpunt-toelichting')!.data!;
      const from = connector.calls.length;
      await post(task('task/submit', { ...submitData, toelichting: 'Het Rijk verwijst terug.' }, where));
      await until(() => json(since(from)).includes('Je knelpunt is heropend'), 'the reporter update');
      expect(texts(cardOf(puts(since(from), triageId)[0]!.body))).toMatch(/Status: in behandeling[\s\S]*heropend \(nu in behandeling\), door Coördinator Cor: Het Rijk verwijst terug\./);
      expect((await bot.store.knelpunten.get(ref))?.status).toBe('in_behandeling');
    });
  });

  describe('Teams: feedback once per answer per person', () => {
    it('"Nee" twice then "Ja" on one answer is one record; every press updates the card in place', async () => {
      let from = connector.calls.length;
      await post(personalMessage(connector.url, 'Wat is de zevende zekerheid?'));
      const answer = posts(since(from))[0]!;
      const [yes, no] = actions(answer.body).filter((a) => a.data?.ibpAction === 'feedback');
      const before = await bot.store.feedback.count();
      from = connector.calls.length;
      for (const b of [no!, no!, yes!]) await post(cardSubmit(connector.url, b.data!, { replyToId: '1700000000950' }));
      expect(await bot.store.feedback.count()).toBe(before + 1);
      expect((await bot.store.feedback.list()).at(-1)?.value).toBe('helpful');
      const updates = puts(since(from), '1700000000950');
      expect(updates).toHaveLength(3);
      expect(actions(updates[2]!.body).filter((a) => a.data?.ibpAction === 'feedback').map((a) => a.title)).toEqual(['Toch niet nuttig']);
      expect(texts(cardOf(updates[2]!.body))).toMatch(/Je vond dit antwoord nuttig/);
      expect(posts(since(from))).toEqual([]);
    });
  });

  describe('Teams etiquette and layout', () => {
    it('in a channel only @mentions are answered; a message without one gets silence', async () => {
      const from = connector.calls.length;
      const res = await post(channelMessage(connector.url, 'x', { text: 'Wat is de zevende zekerheid?', entities: [] }));
      expect(res.status).toBe(200);
      expect(since(from)).toEqual([]);
    });

    it('channel commands answer in the channel: a schedule without "plan", and a private form with a hint in the thread', async () => {
      let from = connector.calls.length;
      const msg = channelMessage(connector.url, 'reflectie elke vrijdag 15:00');
      await post(msg);
      const thread = `${CHANNEL};messageid=${String(msg.id)}`;
      expect(posts(since(from)).map((c) => c.conversationId)).toEqual([thread]);
      expect(json(since(from))).toMatch(/Afgesproken: \*\*elke vrijdag 15:00\*\*|Afgesproken: elke vrijdag 15:00/);

      from = connector.calls.length;
      const k = channelMessage(connector.url, 'reflectie');
      await post(k);
      const inThread = posts(since(from)).filter((c) => c.conversationId === `${CHANNEL};messageid=${String(k.id)}`);
      expect(inThread.map((c) => texts(cardOf(c.body)))).toEqual(['Ik heb je een privébericht gestuurd.']);
      expect(json(since(from))).toMatch(/Input.Text/); // the form, in the 1:1 chat
    });

    it('a card action from a card the bot did not send gets a short answer: an invoke response (Action.Execute) or a message (Action.Submit)', async () => {
      const execute = await post(cardExecute(connector.url, { verb: 'approve', orderId: 7 }));
      expect(JSON.parse(execute.body)).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/hoort bij een kaart die ik niet/) });
      const from = connector.calls.length;
      await post(cardSubmit(connector.url, { approve: true }));
      expect(texts(cardOf(posts(since(from))[0]!.body))).toMatch(/hoort bij een kaart die ik niet/);
      const fetched = await post(task('task/fetch', { somethingElse: 1 }, {}));
      expect(JSON.parse(fetched.body)).toMatchObject({ task: { type: 'message', value: expect.stringMatching(/niet \(meer\) ken/) } });
    });

    it('step by step: the choice list is a ChoiceSet with "Overslaan" and "Stoppen" in sight; the chosen answer replaces the question card', async () => {
      const say = async (text: string): Promise<ConnectorCall[]> => {
        const from = connector.calls.length;
        await post(personalMessage(connector.url, text));
        return posts(since(from));
      };
      await say('reflectie stap voor stap');
      await say('Goed overleg.');
      await say('overslaan');
      const q4 = (await say('Samen plannen.'))[0]!;
      const body = cardOf(q4.body).body;
      const sets = body.filter((e) => e.type === 'ActionSet');
      for (const s of sets) expect((s.actions as unknown[]).length).toBeLessThanOrEqual(5);
      expect(actions(q4.body).map((a) => a.title)).toEqual(['Kiezen', 'Overslaan', 'Stoppen']);
      const list = body.find((e) => e.type === 'Input.ChoiceSet')!;
      expect((list.choices as unknown[]).length).toBe(10);
      const choose = actions(q4.body)[0]!;
      const from = connector.calls.length;
      await post(cardSubmit(connector.url, { ...choose.data, [String(list.id)]: 'opgave|opgave-wonen|3' }, { replyToId: '1700000000960' }));
      expect(texts(cardOf(puts(since(from), '1700000000960')[0]!.body))).toMatch(/Vraag 4 van 5[\s\S]*Je antwoord: Toekomstbestendig wonen/);
      expect(json(posts(since(from)))).toMatch(/Vraag 5 van 5/);
    });

    it('hostile names stay inert in cards: no mention, no Markdown, no NUL', async () => {
      const hostile = { ...USER, id: '29:hostileUser', name: '<at>IBP-bot</at> <!channel> **vet** [x](https://evil.example)\u0000' };
      let from = connector.calls.length;
      await post(personalMessage(connector.url, 'knelpunt', { from: hostile }));
      const form = actions(posts(since(from))[0]?.body).find((a) => a.data?.ibpForm === 'knelpunt')!;
      from = connector.calls.length;
      await post(cardSubmit(connector.url, { ...form.data, ...report }, { from: hostile, replyToId: '1700000000970' }));
      const k = (await bot.store.knelpunten.list()).at(-1)!;
      await until(() => posts(since(from)).some((c) => c.conversationId === CHANNEL), 'the triage post');
      const card = posts(since(from)).find((c) => c.conversationId === CHANNEL)!;
      const raw = JSON.stringify(card.body);
      expect(raw).not.toContain('\\u0000');
      expect(raw).toContain('\\\\*\\\\*vet\\\\*\\\\*'); // escaped for Adaptive Card Markdown: shown, not bold
      expect(raw).toContain('\\\\[x\\\\]\\\\(https://evil.example\\\\)');
      expect(raw).toContain('\\\\<at\\\\>IBP-bot\\\\</at\\\\>');
      expect(k.reporter?.name).toBe('<at>IBP-bot</at> <!channel> **vet** [x](https://evil.example)');
      expect(BOT.name).toBe('IBP-bot');
    });

    it('no turn failed on the way', () => {
      expect(logs.text).not.toMatch(/"level":50/);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { storable } from '../src/domain/text.js';
import { storableDeep } from '../src/store/guard.js';
import type { NudgeSubscription, Store } from '../src/store/types.js';

const range = (from: number, to: number): string => String.fromCharCode(...Array.from({ length: to - from + 1 }, (_, i) => from + i));

/**
 * Hostile strings every repository must take on every backend: what lowdb accepts,
 * PostgreSQL accepts, and both give back the same (`storable` of what went in).
 */
export const HOSTILE_STRINGS: readonly string[] = [
  'a\u0000b',
  '\u0000',
  `C0:${range(0x01, 0x1f)}:DEL\u007f`,
  `C1:${range(0x80, 0x9f)}`,
  'lone high \ud800 in the middle',
  'lone low \udc00 in the middle',
  'reversed pair \udc00\ud800',
  'ends in a high half \ud83d',
  '\udfff starts with a low half',
  'RTL override \u202eevil\u202c and isolate \u2066x\u2069',
  'zero width \u200b\u200c\u200d\ufeff joiners',
  '😀'.repeat(10_000),
  'backslash-u NUL as text: \\u0000 and JSON {"a":"\\u0000"}',
  '{"k":"\u0000"}',
  "'; DROP TABLE knelpunten; --",
  '<!channel> <@U123> *bold* <script>alert(1)</script> [x](javascript:alert(1))',
  '\u001b[31mred\u001b[0m \u001b]0;title\u0007',
  'noncharacters \ufffe\uffff and replacement \ufffd',
];

/** A label for test names: the first characters, escaped. */
const label = (s: string): string => JSON.stringify(s.slice(0, 24)).slice(1, -1);

/**
 * The hostile-string contract: each string goes through every repository, in every
 * text field, key and nested value, on each backend. Run by tests/store-lowdb.test.ts
 * and tests/store-postgres.test.ts.
 */
export function hostileStringContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract, hostile text: ${name}`, () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const at = now.toISOString();

    it('every hostile string is storable by the pure rule (sanity of the corpus)', () => {
      for (const h of HOSTILE_STRINGS) {
        const s = storable(h);
        expect(s.includes('\u0000'), label(h)).toBe(false);
        expect(/\p{Surrogate}/u.test(s), label(h)).toBe(false); // no lone surrogate left (a valid pair matches no single \p{Surrogate} in u-mode)
      }
    });

    it('feedback and knowledge gaps keep hostile questions', async () => {
      const s = await open();
      for (const h of HOSTILE_STRINGS) {
        const f = await s.feedback.add({ entryId: h, value: 'helpful', platform: 'local', question: h, at });
        expect(f).toMatchObject({ entryId: storable(h), question: storable(h) });
        const g = await s.gaps.add({ text: h, locale: 'nl', platform: 'slack', at });
        expect(g.text, label(h)).toBe(storable(h));
        expect(await s.gaps.markHandled([g.id], h, now)).toBe(1);
      }
      const gaps = await s.gaps.list();
      expect(gaps.map((g) => g.text)).toEqual(HOSTILE_STRINGS.map(storable));
      expect(gaps.map((g) => g.handledBy)).toEqual(HOSTILE_STRINGS.map(storable));
      expect((await s.feedback.list()).map((f) => f.question)).toEqual(HOSTILE_STRINGS.map(storable));
      await s.close();
    });

    it('conversation references: hostile keys, ids, reasons and nested platform data', async () => {
      const s = await open();
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        const key = `teams:${h}:${i}`;
        const data = { serviceUrl: h, [`k${h}`]: { nested: [h, 1, true, null] }, tenant: 'x' };
        const ref = await s.conversations.upsert({ key, platform: 'teams', conversationId: h, kind: 'channel', threadId: h, teamId: h, data }, now);
        expect(ref).toMatchObject({ key: storable(key), conversationId: storable(h), threadId: storable(h), data: storableDeep(data) });
        const got = await s.conversations.get(key);
        expect(got?.data, label(h)).toEqual(storableDeep(data));
        await s.conversations.markInactive(key, h, now);
        expect((await s.conversations.get(key))?.inactiveReason).toBe(storable(h));
        expect(await s.conversations.remove(key)).toBe(true);
      }
      await s.close();
    });

    it('dedupe keys and rate-limit keys with hostile characters', async () => {
      const s = await open();
      for (const h of HOSTILE_STRINGS) {
        expect(await s.dedupe.firstSeen(`slack:${h}`, now, 60_000), label(h)).toBe(true);
        expect(await s.dedupe.firstSeen(`slack:${h}`, now, 60_000), label(h)).toBe(false);
        expect(await s.rateLimits.take(`turn:${h}`, 1, 60_000, now), label(h)).toEqual({ ok: true });
        expect(await s.rateLimits.take(`turn:${h}`, 1, 60_000, now), label(h)).toEqual({ ok: false, notify: true });
      }
      await s.close();
    });

    it('knelpunten: hostile descriptions, names, ids, submission keys, toelichting and privacy calls', async () => {
      const s = await open();
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        const reporter = { platform: 'slack' as const, userId: `U${h}`, name: h, aadObjectId: h, conversationKey: `slack:${h}` };
        const { knelpunt, created } = await s.knelpunten.create(
          { opgave: h, beschrijving: h, overheden: ['gemeente'], urgentie: 'hoog', anoniem: i % 2 === 1, reporter, platform: 'slack' },
          `sub:${h}:${i}`, now,
        );
        expect(created, label(h)).toBe(true);
        expect(knelpunt.beschrijving).toBe(storable(h));
        expect(knelpunt.opgave).toBe(storable(h));
        if (i % 2 === 0) expect(knelpunt.reporter).toEqual(storableDeep(reporter));
        else expect(knelpunt.reporter).toBeUndefined();
        // the same submission again: the first one back, nothing new
        const again = await s.knelpunten.create({ opgave: h, beschrijving: h, overheden: [], urgentie: 'laag', anoniem: true, platform: 'slack' }, `sub:${h}:${i}`, now);
        expect(again).toMatchObject({ created: false, knelpunt: { ref: knelpunt.ref } });
        const changed = await s.knelpunten.changeStatus(knelpunt.ref, { at, by: `slack:${h}`, byName: h, from: 'nieuw', to: 'niet_opgepakt', toelichting: h });
        expect(changed.changed, label(h)).toBe(true);
        expect(changed.knelpunt?.history.at(-1)).toMatchObject({ by: storable(`slack:${h}`), byName: storable(h), toelichting: storable(h) });
        expect((await s.knelpunten.get(knelpunt.ref))?.history.at(-1)?.byName, label(h)).toBe(storable(h));
        expect((await s.knelpunten.get(knelpunt.ref))?.beschrijving).toBe(storable(h));
        expect(await s.knelpunten.get(`KP-${h}`), label(h)).toBeUndefined();
      }
      expect(await s.knelpunten.count()).toBe(HOSTILE_STRINGS.length);
      const first = HOSTILE_STRINGS[0]!;
      expect((await s.knelpunten.list({ reporter: { platform: 'slack', userId: `U${first}` } })).length).toBe(1);
      expect((await s.knelpunten.list({ opgave: [first] })).length).toBe(1);
      expect(await s.knelpunten.forgetReporter('slack', `U${first}`)).toBe(1);
      expect(await s.knelpunten.forgetActor(`slack:${first}`)).toBe(1);
      await s.close();
    });

    it('web chat history with hostile sessions, message ids, bodies and names', async () => {
      const s = await open();
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        const session = `${h}:${i}`;
        const body = { fallbackText: h, blocks: [{ kind: 'context', text: h }], [h]: h };
        const [added] = await s.webChatHistory.append(session, [{ id: h, role: 'bot', body }], now, 100);
        expect(added, label(h)).toMatchObject({ session: storable(session), id: storable(h), rev: 1, body: storableDeep(body) });
        expect(await s.webChatHistory.list(session)).toEqual([added]);
        expect((await s.webChatHistory.replace(session, h, { text: h }, now))?.body).toEqual({ text: storable(h) });
        await s.webChatHistory.setName(session, h, now);
        expect((await s.webChatHistory.getSession(session))?.name).toBe(storable(h));
      }
      const first = `${HOSTILE_STRINGS[0]!}:0`;
      expect(await s.webChatHistory.remove(first)).toBe(true);
      expect(await s.webChatHistory.list(first)).toEqual([]);
      await s.close();
    });

    it('feedback votes, form submissions, cards and languages with hostile keys, receipts, conversation keys and message ids', async () => {
      const s = await open();
      const later = new Date(now.getTime() + 86_400_000);
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        const vote = await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'slack', at, answerId: h, voter: `${h}:${i}` });
        expect(vote).toMatchObject({ answerId: storable(h), voter: storable(`${h}:${i}`) });
        expect((await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at, answerId: h, voter: `${h}:${i}` })).id).toBe(vote.id);
        expect((await s.formSubmissions.claim(`${h}:${i}`, now, later, now)).claimed, label(h)).toBe(true);
        await s.formSubmissions.complete(`${h}:${i}`, h, now, later);
        expect(await s.formSubmissions.claim(`${h}:${i}`, now, later, now)).toMatchObject({ claimed: false, record: { status: 'done', receipt: storable(h) } });
        await s.cards.add({ subject: h, conversationKey: `slack:${h}`, messageId: h, locale: 'nl', at });
        expect(await s.languages.set({ key: `conversation:slack:${h}:${i}`, locale: 'en', source: 'words', updatedAt: at })).toBe(true);
        expect(await s.languages.get(`conversation:slack:${h}:${i}`)).toEqual({ key: storable(`conversation:slack:${h}:${i}`), locale: 'en', source: 'words', updatedAt: at });
        expect(await s.cards.list(h)).toEqual([{ subject: storable(h), conversationKey: storable(`slack:${h}`), messageId: storable(h), locale: 'nl', at }]);
      }
      expect(await s.feedback.count()).toBe(HOSTILE_STRINGS.length);
      const first = HOSTILE_STRINGS[0]!;
      expect(await s.feedback.forgetVoter(`${first}:0`)).toBe(1);
      expect(await s.cards.remove(first, `slack:${first}`, first)).toBe(true);
      expect(await s.languages.remove(`conversation:slack:${first}:0`)).toBe(true);
      await s.formSubmissions.release(`${first}:0`);
      expect(await s.formSubmissions.get(`${first}:0`, now)).toBeUndefined();
      await s.close();
    });

    it('triage channels, reflections and dialogues with hostile text', async () => {
      const s = await open();
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        await s.triageChannels.add(`slack:${h}:${i}`, h, now);
        const r = await s.reflections.add({
          goed: h, beter: h, meenemen: h, opgave: h, zekerheid: h, channelKey: `slack:${h}`, platform: 'slack',
          anonymous: false, authorName: h, authorKey: `k${h}`, locale: 'nl', createdAt: at,
        });
        expect(r).toMatchObject({ goed: storable(h), authorName: storable(h), channelKey: storable(`slack:${h}`) });
        expect((await s.reflections.list({ authorKey: `k${h}` })).map((x) => x.meenemen), label(h)).toEqual([storable(h)]);
        const d = { key: `draft:${h}`, kind: 'stepwise' as const, owner: h, step: 1, answers: { goed: h, beter: h }, shareKey: `slack:${h}`, locale: 'en' as const, updatedAt: at, expiresAt: '2026-11-24T10:00:00.000Z' };
        await s.dialogues.put(d);
        expect(await s.dialogues.get(d.key, now), label(h)).toEqual(storableDeep(d));
        expect(await s.dialogues.take(d.key, now)).toEqual(storableDeep(d));
      }
      expect((await s.triageChannels.list()).sort()).toEqual(HOSTILE_STRINGS.map((h, i) => storable(`slack:${h}:${i}`)).sort());
      expect(await s.reflections.forgetAuthor(`k${HOSTILE_STRINGS[0]!}`)).toBe(1);
      expect(await s.reflections.count()).toBe(HOSTILE_STRINGS.length);
      await s.close();
    });

    it('subscriptions and nudges with hostile schema, history, reasons and details', async () => {
      const s = await open();
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        const id = `sub-${i}`;
        const sub: NudgeSubscription = {
          id, kind: 'nudge', channelKey: `slack:${h}`, platform: 'slack', conversationId: h,
          schedule: { recurrence: { kind: 'weekly', days: [5] }, hour: 15, minute: 0, timeZone: 'Europe/Amsterdam', skipHolidays: true },
          schema: h, locale: 'nl', status: 'active', pausedReason: h, nextSlotAt: '2026-11-27T14:00:00.000Z', questionCursor: 0,
          history: [{ at, by: `slack:${h}`, what: h }], createdAt: at, updatedAt: at,
        };
        expect(await s.subscriptions.create(sub), label(h)).toEqual(storableDeep(sub));
        const updated = await s.subscriptions.update(id, { schema: h, pausedReason: h }, { at, by: h, what: h });
        expect(updated?.history.at(-1)).toEqual({ at, by: storable(h), what: storable(h) });
        const slot = '2026-11-27T14:00:00.000Z';
        const [n] = await s.nudges.claim([{ subscriptionId: id, expectedNextSlotAt: slot, nextSlotAt: '2026-12-04T14:00:00.000Z', slots: [{ slot, status: 'queued', questionId: h, detail: h }] }], now);
        // An optional text that is empty after cleaning is absent, on every backend.
        const opt = storable(h) || undefined;
        expect(n, label(h)).toMatchObject({ channelKey: storable(`slack:${h}`) });
        expect([n?.questionId, n?.detail], label(h)).toEqual([opt, opt]);
        expect(await s.nudges.startSending([{ subscriptionId: id, slot }], now)).toEqual([true]);
        await s.nudges.finish([{ subscriptionId: id, slot, status: 'failed', detail: h }], now);
        expect((await s.nudges.get(id, slot))?.detail).toBe(opt);
        expect((await s.subscriptions.get(id))?.lastResult?.detail).toBe(opt);
      }
      expect(await s.subscriptions.forgetActor(`slack:${HOSTILE_STRINGS[0]!}`)).toBe(1);
      await s.close();
    });

    it('web sessions with hostile names, claims and return paths', async () => {
      const s = await open();
      for (const [i, h] of HOSTILE_STRINGS.entries()) {
        const rec = {
          id: `sess-${i}`, csrf: h, createdAt: at, lastSeenAt: at, expiresAt: '2026-11-24T10:00:00.000Z',
          login: { state: h, nonce: h, codeVerifier: h, returnTo: `/admin/${h}` },
          user: { issuer: h, sub: h, name: h, email: h, oid: h, coordinatorId: `aad:${h}` },
        };
        await s.sessions.put(rec);
        expect(await s.sessions.get(rec.id, now), label(h)).toEqual(storableDeep(rec));
      }
      await s.close();
    });
  });
}

import { describe, expect, it } from 'vitest';
import { OLDEST, weekBoundaries } from '../src/dashboard/figures.js';
import { gapStats, knelpuntStats, reflectionStats } from '../src/store/stats.js';
import { type GapStats, type KnelpuntStats, type NewKnelpunt, type NudgeClaim, type NudgeSubscription, type Store } from '../src/store/types.js';
import { FORGOTTEN_ACTOR, type KnelpuntStatus } from '../src/domain/knelpunt.js';

const DAY = 86_400_000;

/** Medians may differ in the last bits (SQL's percentile_cont against JS); everything else must be equal. */
function expectMedian(actual: number | null, expected: number | null): void {
  if (expected === null) expect(actual).toBeNull();
  else {
    expect(actual).not.toBeNull();
    expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9);
  }
}

/** A backend's overview figures equal the pure reference functions over `list()` of the same data. */
async function expectStatsMatchReference(s: Store, bounds: readonly string[], oldest: number): Promise<{ k: KnelpuntStats; g: GapStats }> {
  const [k, g, r] = await Promise.all([s.knelpunten.stats(bounds, oldest), s.gaps.stats(bounds, oldest), s.reflections.stats(bounds)]);
  const kRef = knelpuntStats(await s.knelpunten.list(), bounds, oldest);
  const gRef = gapStats(await s.gaps.list(), bounds, oldest);
  expect({ ...k, medianTriageDays: 0 }).toEqual({ ...kRef, medianTriageDays: 0 });
  expectMedian(k.medianTriageDays, kRef.medianTriageDays);
  expect({ ...g, medianHandledDays: 0 }).toEqual({ ...gRef, medianHandledDays: 0 });
  expectMedian(g.medianHandledDays, gRef.medianHandledDays);
  expect(r).toEqual(reflectionStats(await s.reflections.list(), bounds));
  return { k, g };
}

/**
 * Housekeeping (issue 16, "safe to deploy"): redelivery keys expire, web-chat conversation
 * references go after a period without use, knowledge gaps after their retention period.
 * Run by storeContract for every backend; kept apart so its history reads on its own.
 */
function housekeepingContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract, housekeeping: ${name}`, () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const ago = (days: number): Date => new Date(now.getTime() - days * DAY);

    it('dedupe: prune removes the expired keys only; a pruned key is first seen again', async () => {
      const s = await open();
      expect(await s.dedupe.firstSeen('slack:EvShort', now, 60_000)).toBe(true);
      expect(await s.dedupe.firstSeen('slack:EvLong', now, 600_000)).toBe(true);
      expect(await s.dedupe.prune(now)).toBe(0);
      const later = new Date(now.getTime() + 61_000);
      expect(await s.dedupe.prune(later)).toBe(1);
      expect(await s.dedupe.prune(later)).toBe(0);
      expect(await s.dedupe.firstSeen('slack:EvLong', later, 600_000)).toBe(false);
      expect(await s.dedupe.firstSeen('slack:EvShort', later, 60_000)).toBe(true);
      await s.close();
    });

    it('conversations: an unchanged upsert writes nothing, but refreshes updatedAt once it is a day old', async () => {
      const s = await open();
      const ref = { key: 'local:web-sessie-1', platform: 'local' as const, conversationId: 'web-sessie-1', kind: 'personal' as const, data: { session: 'sessie-1' } };
      await s.conversations.upsert(ref, now);
      await s.conversations.upsert(ref, new Date(now.getTime() + 3_600_000));
      expect((await s.conversations.get(ref.key))?.updatedAt).toBe(now.toISOString());
      const nextDay = new Date(now.getTime() + DAY + 1000);
      await s.conversations.upsert(ref, nextDay);
      expect((await s.conversations.get(ref.key))?.updatedAt).toBe(nextDay.toISOString());
      await s.close();
    });

    it('conversations: a channel keeps its name when an event carries none, and a new name replaces it', async () => {
      const s = await open();
      const ref = { key: 'slack:C-naam', platform: 'slack' as const, conversationId: 'C-naam', kind: 'channel' as const, data: { channel: 'C-naam' } };
      await s.conversations.upsert({ ...ref, name: '#ibp-triage' }, now);
      await s.conversations.upsert({ ...ref, data: { channel: 'C-naam', teamId: 'T1' } }, now);
      expect(await s.conversations.get(ref.key)).toMatchObject({ name: '#ibp-triage', data: { teamId: 'T1' } });
      await s.conversations.upsert({ ...ref, name: '#ibp-knelpunten' }, now);
      expect((await s.conversations.get(ref.key))?.name).toBe('#ibp-knelpunten');
      await s.conversations.upsert({ key: 'slack:C-zonder', platform: 'slack', conversationId: 'C-zonder', kind: 'channel', data: {} }, now);
      expect(await s.conversations.get('slack:C-zonder')).not.toHaveProperty('name');
      await s.close();
    });

    it('conversations: pruneInactive removes one platform\'s unused references, never a triage channel\'s or a running subscription\'s', async () => {
      const s = await open();
      const local = (id: string, at: Date) => s.conversations.upsert({ key: `local:${id}`, platform: 'local', conversationId: id, kind: 'personal', data: { session: id } }, at);
      await local('web-oud', ago(40));
      await local('web-recent', ago(5));
      await local('web-triage', ago(40));
      await local('web-plan', ago(40));
      await local('web-gestopt', ago(40));
      await s.conversations.upsert({ key: 'slack:C-oud', platform: 'slack', conversationId: 'C-oud', kind: 'channel', data: {} }, ago(40));
      await s.triageChannels.add('local:web-triage', 'local:coord', ago(40));
      const schedule = { recurrence: { kind: 'weekly' as const, days: [5] }, hour: 15, minute: 0, timeZone: 'Europe/Amsterdam', skipHolidays: true };
      for (const [id, status] of [['plan', 'paused'], ['gestopt', 'stopped']] as const) {
        await s.subscriptions.create({
          id: `sub-${id}`, kind: 'nudge', channelKey: `local:web-${id}`, platform: 'local', conversationId: `web-${id}`, schedule, schema: 'elke vrijdag 15:00',
          locale: 'nl', status, nextSlotAt: now.toISOString(), questionCursor: 0, history: [], createdAt: ago(40).toISOString(), updatedAt: ago(40).toISOString(),
        });
      }
      expect(await s.conversations.pruneInactive('local', ago(30))).toBe(2);
      expect((await s.conversations.list()).map((c) => c.key).sort()).toEqual(['local:web-plan', 'local:web-recent', 'local:web-triage', 'slack:C-oud']);
      expect(await s.conversations.pruneInactive('local', ago(30))).toBe(0);
      // a reference used exactly at the limit stays
      expect(await s.conversations.pruneInactive('local', ago(5))).toBe(0);
      await s.close();
    });

    it('gaps: prune removes the gaps asked before the limit, handled or not; the figures follow', async () => {
      const s = await open();
      const old = await s.gaps.add({ text: 'heel oud', locale: 'nl', platform: 'local', at: ago(400).toISOString() });
      await s.gaps.add({ text: 'oud', locale: 'nl', platform: 'slack', at: ago(366).toISOString() });
      await s.gaps.add({ text: 'op de grens', locale: 'nl', platform: 'teams', at: ago(365).toISOString() });
      await s.gaps.add({ text: 'nieuw', locale: 'en', platform: 'local', at: ago(1).toISOString() });
      expect(await s.gaps.markHandled([old.id], 'aad:coord', ago(390))).toBe(1);
      expect(await s.gaps.prune(ago(365))).toBe(2);
      expect((await s.gaps.list()).map((g) => g.text)).toEqual(['op de grens', 'nieuw']);
      expect(await s.gaps.prune(ago(365))).toBe(0);
      expect((await s.gaps.stats([], 5)).total).toBe(2);
      await s.close();
    });
  });
}

/**
 * The web chat's conversation per session (issue 19): numbered changes for server-sent
 * events, cards replaced in place, bounded, removed with its session.
 */
function webChatHistoryContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract, web chat history: ${name}`, () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const bot = (id: string, text: string) => ({ id, role: 'bot' as const, body: { fallbackText: text, blocks: [{ kind: 'context', text }] } });
    const user = (id: string, text: string) => ({ id, role: 'user' as const, body: { text } });

    it('numbers every change of a session; lists in order; since(n) gives what came after n, replaced cards included', async () => {
      const s = await open();
      expect(await s.webChatHistory.list('sessie-a')).toEqual([]);
      expect(await s.webChatHistory.getSession('sessie-a')).toBeUndefined();
      const first = await s.webChatHistory.append('sessie-a', [user('m1', 'Wat is het IBP?'), bot('b1', 'Het IBP is…')], now, 100);
      expect(first.map((m) => [m.id, m.pos, m.rev, m.role])).toEqual([['m1', 1, 1, 'user'], ['b1', 2, 2, 'bot']]);
      expect(first[1]).toEqual({ session: 'sessie-a', id: 'b1', pos: 2, rev: 2, role: 'bot', body: bot('b1', 'Het IBP is…').body, at: now.toISOString() });
      await s.webChatHistory.append('sessie-b', [user('m1', 'andere sessie')], now, 100);
      const later = new Date(now.getTime() + 60_000);
      await s.webChatHistory.append('sessie-a', [bot('b2', 'Een melding')], later, 100);
      const replaced = await s.webChatHistory.replace('sessie-a', 'b1', { fallbackText: 'nieuw', blocks: [] }, later);
      expect(replaced).toMatchObject({ id: 'b1', pos: 2, rev: 4, body: { fallbackText: 'nieuw', blocks: [] }, at: later.toISOString() });
      expect((await s.webChatHistory.list('sessie-a')).map((m) => [m.id, m.pos, m.rev])).toEqual([['m1', 1, 1], ['b1', 2, 4], ['b2', 3, 3]]);
      expect((await s.webChatHistory.since('sessie-a', 1)).map((m) => [m.id, m.rev])).toEqual([['b2', 3], ['b1', 4]]);
      expect(await s.webChatHistory.since('sessie-a', 4)).toEqual([]);
      expect(await s.webChatHistory.getSession('sessie-a')).toEqual({ session: 'sessie-a', rev: 4, updatedAt: later.toISOString() });
      // Other sessions are apart: their own numbers, never each other's messages.
      expect((await s.webChatHistory.list('sessie-b')).map((m) => [m.id, m.rev, m.body])).toEqual([['m1', 1, { text: 'andere sessie' }]]);
      expect(await s.webChatHistory.replace('sessie-b', 'b1', { x: 1 }, later)).toBeUndefined();
      expect(await s.webChatHistory.replace('sessie-c', 'b1', { x: 1 }, later)).toBeUndefined();
      expect(await s.webChatHistory.getSession('sessie-c')).toBeUndefined();
      expect((await s.webChatHistory.getSession('sessie-b'))?.rev).toBe(1);
      await s.close();
    });

    it('a message id the session holds is added once; only the last `keep` messages are kept', async () => {
      const s = await open();
      await s.webChatHistory.append('sessie-k', [user('m1', 'een'), user('m1', 'een weer')], now, 3);
      expect(await s.webChatHistory.append('sessie-k', [user('m1', 'nog eens')], now, 3)).toEqual([]);
      expect((await s.webChatHistory.list('sessie-k')).map((m) => m.body)).toEqual([{ text: 'een' }]);
      const added = await s.webChatHistory.append('sessie-k', [bot('b1', 'twee'), bot('b2', 'drie'), bot('b3', 'vier')], now, 3);
      expect(added.map((m) => m.id)).toEqual(['b1', 'b2', 'b3']);
      expect((await s.webChatHistory.list('sessie-k')).map((m) => m.id)).toEqual(['b1', 'b2', 'b3']);
      expect(await s.webChatHistory.replace('sessie-k', 'm1', { text: 'weg' }, now)).toBeUndefined();
      // More at once than kept: the newest stay, and only they are reported as added.
      const many = await s.webChatHistory.append('sessie-k', [user('m2', 'a'), user('m3', 'b'), user('m4', 'c'), user('m5', 'd')], now, 3);
      expect(many.map((m) => m.id)).toEqual(['m3', 'm4', 'm5']);
      expect((await s.webChatHistory.list('sessie-k')).map((m) => [m.id, m.pos])).toEqual([['m3', 6], ['m4', 7], ['m5', 8]]);
      await s.close();
    });

    it('a name typed once is kept with the session; remove and prune take the session with its messages', async () => {
      const s = await open();
      await s.webChatHistory.setName('sessie-n', 'Anna de Vries', now);
      expect(await s.webChatHistory.getSession('sessie-n')).toEqual({ session: 'sessie-n', rev: 0, name: 'Anna de Vries', updatedAt: now.toISOString() });
      await s.webChatHistory.append('sessie-n', [user('m1', 'hoi')], now, 100);
      expect(await s.webChatHistory.getSession('sessie-n')).toMatchObject({ rev: 1, name: 'Anna de Vries' });
      await s.webChatHistory.setName('sessie-n', 'Anna', now);
      expect((await s.webChatHistory.getSession('sessie-n'))?.name).toBe('Anna');
      const old = new Date(now.getTime() - 40 * DAY);
      await s.webChatHistory.append('sessie-oud', [user('m1', 'lang geleden')], old, 100);
      await s.webChatHistory.append('sessie-weg', [user('m1', 'verwijder mij')], now, 100);
      expect((await s.webChatHistory.sessions()).map((x) => x.session).sort()).toEqual(['sessie-n', 'sessie-oud', 'sessie-weg']);
      expect(await s.webChatHistory.remove('sessie-weg')).toBe(true);
      expect(await s.webChatHistory.remove('sessie-weg')).toBe(false);
      expect(await s.webChatHistory.list('sessie-weg')).toEqual([]);
      expect(await s.webChatHistory.prune(new Date(now.getTime() - 30 * DAY))).toBe(1);
      expect(await s.webChatHistory.list('sessie-oud')).toEqual([]);
      expect(await s.webChatHistory.getSession('sessie-oud')).toBeUndefined();
      expect(await s.webChatHistory.prune(new Date(now.getTime() - 30 * DAY))).toBe(0);
      expect((await s.webChatHistory.list('sessie-n')).map((m) => m.id)).toEqual(['m1']);
      // A session that starts again after removal numbers from 1 again.
      expect((await s.webChatHistory.append('sessie-weg', [user('m9', 'opnieuw')], now, 100))[0]?.rev).toBe(1);
      await s.close();
    });
  });
}

/**
 * The repository contract every Store backend must pass (lowdb file, lowdb memory,
 * and PostgreSQL when it arrives). Same tests, run against each backend.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  housekeepingContract(name, open);
  webChatHistoryContract(name, open);
  describe(`Store contract: ${name}`, () => {
    const now = new Date('2026-11-23T10:00:00Z');

    it('stores and lists feedback', async () => {
      const s = await open();
      const rec = await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'local', at: now.toISOString() });
      expect(rec.id).toBeTruthy();
      await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at: now.toISOString() });
      expect(await s.feedback.count()).toBe(2);
      expect((await s.feedback.list()).map((f) => f.value)).toEqual(['helpful', 'not_helpful']);
      await s.close();
    });

    it('feedback: one record per answer per person; a later press changes it in its place; forgetVoter keeps the vote without the voter', async () => {
      const s = await open();
      const at = now.toISOString();
      await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'local', at }); // from before answers had ids
      const first = await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at, answerId: 'a1', voter: 'v1' });
      await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at, answerId: 'a1', voter: 'v2' });
      const again = await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at, answerId: 'a1', voter: 'v1' });
      const changed = await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'slack', at: '2026-11-23T10:05:00.000Z', answerId: 'a1', voter: 'v1', question: 'Wat is het IBP?' });
      await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'slack', at, answerId: 'a2', voter: 'v1' }); // another answer counts apart
      expect(again.id).toBe(first.id);
      expect(changed).toMatchObject({ id: first.id, value: 'helpful', at: '2026-11-23T10:05:00.000Z', answerId: 'a1', voter: 'v1' });
      expect(await s.feedback.count()).toBe(4);
      expect((await s.feedback.list()).map((f) => [f.answerId ?? '-', f.voter ?? '-', f.value])).toEqual([
        ['-', '-', 'helpful'], ['a1', 'v1', 'helpful'], ['a1', 'v2', 'not_helpful'], ['a2', 'v1', 'helpful'],
      ]);
      expect((await s.feedback.list({ voter: 'v1' })).map((f) => f.answerId)).toEqual(['a1', 'a2']);
      expect(await s.feedback.forgetVoter('v1')).toBe(2);
      expect(await s.feedback.forgetVoter("v1' OR 1=1 --")).toBe(0);
      expect(await s.feedback.list({ voter: 'v1' })).toEqual([]);
      expect((await s.feedback.list()).map((f) => f.value)).toEqual(['helpful', 'helpful', 'not_helpful', 'helpful']);
      // The question goes with the voter
      expect((await s.feedback.list())[1]).toEqual({ id: first.id, entryId: 'ibp', value: 'helpful', platform: 'slack', at: '2026-11-23T10:05:00.000Z', answerId: 'a1' });
      await s.close();
    });

    it('feedback: forgetQuestions removes the question of feedback given before a date; the votes stay', async () => {
      const s = await open();
      const day = (d: number): string => new Date(now.getTime() + d * DAY).toISOString();
      await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'local', at: day(-400), answerId: 'a1', voter: 'v1', question: 'oud' });
      await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at: day(-400), answerId: 'a2', voter: 'v2' }); // no question
      await s.feedback.add({ entryId: 'wonen', value: 'not_helpful', platform: 'teams', at: day(-10), answerId: 'a3', voter: 'v1', question: "nieuw' OR 1=1 --" });
      expect(await s.feedback.forgetQuestions(new Date(now.getTime() - 365 * DAY))).toBe(1);
      expect(await s.feedback.forgetQuestions(new Date(now.getTime() - 365 * DAY))).toBe(0);
      expect((await s.feedback.list()).map((f) => [f.answerId, f.voter, f.value, f.question ?? '-'])).toEqual([
        ['a1', 'v1', 'helpful', '-'], ['a2', 'v2', 'not_helpful', '-'], ['a3', 'v1', 'not_helpful', "nieuw' OR 1=1 --"],
      ]);
      expect((await s.feedback.list())[0]).not.toHaveProperty('question');
      await s.close();
    });

    it('form submissions: one claim of 30 concurrent wins; done keeps the receipt; release, expiry and an abandoned claim free it', async () => {
      const s = await open();
      const later = (ms: number): Date => new Date(now.getTime() + ms);
      const claims = await Promise.all(Array.from({ length: 30 }, () => s.formSubmissions.claim('k1', now, later(DAY), later(-60_000))));
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      expect(claims.find((c) => !c.claimed)).toMatchObject({ claimed: false, record: { key: 'k1', status: 'pending' } });
      await s.formSubmissions.complete('k1', 'KP-2026-0004', now, later(30 * DAY));
      expect(await s.formSubmissions.claim('k1', later(1000), later(DAY), later(-60_000))).toEqual({
        claimed: false, record: { key: 'k1', status: 'done', receipt: 'KP-2026-0004', at: now.toISOString(), expiresAt: later(30 * DAY).toISOString() },
      });
      // a done record is never taken over as abandoned, only after it expired
      expect((await s.formSubmissions.claim('k1', later(DAY), later(2 * DAY), later(DAY))).claimed).toBe(false);
      expect((await s.formSubmissions.claim('k1', later(30 * DAY), later(31 * DAY), later(29 * DAY))).claimed).toBe(true);
      // released: the form may be sent again
      expect((await s.formSubmissions.claim('k2', now, later(DAY), later(-60_000))).claimed).toBe(true);
      await s.formSubmissions.release('k2');
      expect(await s.formSubmissions.get('k2', now)).toBeUndefined();
      expect((await s.formSubmissions.claim('k2', now, later(DAY), later(-60_000))).claimed).toBe(true);
      // pending since before `staleBefore`: its handler died, a new claim takes it over
      expect((await s.formSubmissions.claim('k2', later(1000), later(DAY), later(-60_000))).claimed).toBe(false);
      expect((await s.formSubmissions.claim('k2', later(120_000), later(DAY), later(60_000))).claimed).toBe(true);
      expect(await s.formSubmissions.get('k2', now)).toMatchObject({ status: 'pending', at: later(120_000).toISOString() });
      expect(await s.formSubmissions.prune(later(DAY))).toBe(1); // k2 (k1 was renewed until 31 days)
      expect(await s.formSubmissions.get('k1', later(DAY))).toMatchObject({ status: 'pending' });
      await s.close();
    });

    it('cards: kept once per subject, conversation and message; listed per subject in order; removed one by one', async () => {
      const s = await open();
      const card = (subject: string, conversationKey: string, messageId: string) => ({ subject, conversationKey, messageId, locale: 'nl' as const, at: now.toISOString() });
      await s.cards.add(card('KP-2026-0001', 'slack:C1', '1700000000.000100'));
      await s.cards.add(card('KP-2026-0001', 'teams:19:abc@thread.tacv2', '1700000000999'));
      await s.cards.add(card('KP-2026-0001', 'slack:C1', '1700000000.000100')); // the same card again
      await s.cards.add(card('KP-2026-0002', 'slack:C1', '1700000000.000200'));
      await s.cards.add(card('KP-2026-0001', 'slack:C1|x', '"]'));
      expect((await s.cards.list('KP-2026-0001')).map((c) => [c.conversationKey, c.messageId])).toEqual([
        ['slack:C1', '1700000000.000100'], ['teams:19:abc@thread.tacv2', '1700000000999'], ['slack:C1|x', '"]'],
      ]);
      expect(await s.cards.list('KP-2026-0001')).toContainEqual(card('KP-2026-0001', 'slack:C1', '1700000000.000100'));
      expect(await s.cards.remove('KP-2026-0001', 'slack:C1', '1700000000.000100')).toBe(true);
      expect(await s.cards.remove('KP-2026-0001', 'slack:C1', '1700000000.000100')).toBe(false);
      expect((await s.cards.list('KP-2026-0001')).map((c) => c.messageId)).toEqual(['1700000000999', '"]']);
      expect((await s.cards.list('KP-2026-0002')).map((c) => c.messageId)).toEqual(['1700000000.000200']);
      expect(await s.cards.list("KP' OR 1=1 --")).toEqual([]);
      await s.close();
    });

    it('languages: set writes only a change; get, getMany in the order asked, remove', async () => {
      const s = await open();
      const at = (min: number): string => new Date(now.getTime() + min * 60_000).toISOString();
      expect(await s.languages.get('conversation:slack:C1')).toBeUndefined();
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'en', source: 'words', updatedAt: at(0) })).toBe(true);
      // The same language again writes nothing and keeps when it was learned
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'en', source: 'words', updatedAt: at(5) })).toBe(false);
      expect(await s.languages.get('conversation:slack:C1')).toEqual({ key: 'conversation:slack:C1', locale: 'en', source: 'words', updatedAt: at(0) });
      // Another language, or the same one set on purpose, is a change
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'nl', source: 'words', updatedAt: at(10) })).toBe(true);
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'nl', source: 'command', updatedAt: at(20) })).toBe(true);
      expect(await s.languages.get('conversation:slack:C1')).toEqual({ key: 'conversation:slack:C1', locale: 'nl', source: 'command', updatedAt: at(20) });
      // Words never replace a language chosen with `taal` (a racing Dutch message after `taal en`)
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'en', source: 'command', updatedAt: at(21) })).toBe(true);
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'nl', source: 'words', updatedAt: at(22) })).toBe(false);
      expect(await s.languages.get('conversation:slack:C1')).toEqual({ key: 'conversation:slack:C1', locale: 'en', source: 'command', updatedAt: at(21) });
      expect(await s.languages.set({ key: 'conversation:slack:C1', locale: 'nl', source: 'command', updatedAt: at(23) })).toBe(true);
      expect(await s.languages.get('conversation:slack:C1')).toEqual({ key: 'conversation:slack:C1', locale: 'nl', source: 'command', updatedAt: at(23) });
      await s.languages.set({ key: 'person:teams:29:abc', locale: 'en', source: 'words', updatedAt: at(30) });
      await s.languages.set({ key: "person:slack:U1' OR 1=1 --", locale: 'nl', source: 'words', updatedAt: at(31) });
      expect((await s.languages.getMany(['person:teams:29:abc', 'person:nobody', 'conversation:slack:C1'])).map((r) => [r.key, r.locale])).toEqual([
        ['person:teams:29:abc', 'en'], ['conversation:slack:C1', 'nl'],
      ]);
      expect(await s.languages.getMany([])).toEqual([]);
      expect(await s.languages.get('person:slack:U1')).toBeUndefined();
      expect(await s.languages.remove('person:teams:29:abc')).toBe(true);
      expect(await s.languages.remove('person:teams:29:abc')).toBe(false);
      expect(await s.languages.get('person:teams:29:abc')).toBeUndefined();
      expect((await s.languages.get("person:slack:U1' OR 1=1 --"))?.locale).toBe('nl');
      await s.close();
    });

    it('languages: pruneExcept removes those under the prefixes not kept and not changed since (a prefix is text, not a pattern)', async () => {
      const s = await open();
      const old = new Date(now.getTime() - 400 * DAY).toISOString();
      for (const key of ['conversation:local:web-a', 'person:local:a', 'conversation:local:web-b', 'person:local:b', 'conversation:slack:C1', 'person:local%x', 'conversation:localx']) {
        await s.languages.set({ key, locale: 'nl', source: 'command', updatedAt: old });
      }
      await s.languages.set({ key: 'conversation:local:web-new', locale: 'en', source: 'words', updatedAt: now.toISOString() });
      expect(await s.languages.pruneExcept([], [], now)).toBe(0);
      // However old, a kept one stays; one written at or after `changedBefore` stays too.
      expect(await s.languages.pruneExcept(['conversation:local:', 'person:local:'], ['conversation:local:web-b', 'person:local:b', "x' OR 1=1 --"], now)).toBe(2);
      expect((await s.languages.getMany(['conversation:local:web-a', 'person:local:a', 'conversation:local:web-b', 'person:local:b', 'conversation:slack:C1', 'person:local%x', 'conversation:localx', 'conversation:local:web-new'])).map((r) => r.key))
        .toEqual(['conversation:local:web-b', 'person:local:b', 'conversation:slack:C1', 'person:local%x', 'conversation:localx', 'conversation:local:web-new']);
      expect(await s.languages.pruneExcept(['conversation:local_'], [], new Date(now.getTime() + DAY))).toBe(0); // as a LIKE pattern, it would match conversation:localx
      expect(await s.languages.pruneExcept(['conversation:local:', 'person:local:'], [], new Date(now.getTime() + DAY))).toBe(3);
      await s.close();
    });

    it('stores knowledge gaps and filters by date', async () => {
      const s = await open();
      await s.gaps.add({ text: 'oud', locale: 'nl', platform: 'local', at: '2026-01-01T00:00:00.000Z' });
      await s.gaps.add({ text: 'nieuw', locale: 'nl', platform: 'teams', at: '2026-11-01T00:00:00.000Z' });
      expect(await s.gaps.count()).toBe(2);
      expect((await s.gaps.list({ since: '2026-06-01' })).map((g) => g.text)).toEqual(['nieuw']);
      await s.close();
    });

    it('gaps: outcome, what was offered and what was picked; a gap with an id is stored once; old-style gaps read as unknown', async () => {
      const s = await open();
      const at = now.toISOString();
      const plain = await s.gaps.add({ text: 'zonder uitkomst', locale: 'nl', platform: 'local', at });
      expect(plain).toEqual({ id: plain.id, text: 'zonder uitkomst', locale: 'nl', platform: 'local', at, outcome: 'unknown' });
      const sug = await s.gaps.add({ text: 'bedoelde je', locale: 'nl', platform: 'slack', at, outcome: 'suggested', offered: ['wonen', 'ibp', 'wonen'] });
      expect(sug.offered).toEqual(['wonen', 'ibp']);
      const empty = await s.gaps.add({ text: 'niets', locale: 'en', platform: 'teams', at, outcome: 'unknown', offered: [] });
      expect(empty).not.toHaveProperty('offered');
      const nh = { id: 'not-helpful:a1', text: 'niet nuttig', locale: 'nl' as const, platform: 'teams' as const, at, outcome: 'not-helpful' as const, offered: ['ibp'] };
      const first = await s.gaps.add(nh);
      const again = await s.gaps.add({ ...nh, text: 'anders', at: '2026-12-01T00:00:00.000Z' });
      expect(again).toEqual(first);
      expect(first).toEqual({ ...nh });
      expect(await s.gaps.count()).toBe(4);

      expect(await s.gaps.recordPick(sug.id, 'ibp')).toBe(true);
      expect(await s.gaps.recordPick(sug.id, 'niet-aangeboden')).toBe(false);
      expect(await s.gaps.recordPick(plain.id, 'ibp')).toBe(false);
      expect(await s.gaps.recordPick(nh.id, 'ibp')).toBe(false); // offered, but not a suggestion
      expect((await s.gaps.get(nh.id))?.picked).toBeUndefined();
      expect(await s.gaps.recordPick('onbekend', 'ibp')).toBe(false);
      expect(await s.gaps.recordPick(sug.id, 'wonen')).toBe(true); // the latest press counts
      expect(await s.gaps.get(sug.id)).toEqual({ ...sug, picked: 'wonen' });
      expect(await s.gaps.get("x' OR 1=1 --")).toBeUndefined();

      expect((await s.gaps.list({ outcome: 'suggested' })).map((g) => g.text)).toEqual(['bedoelde je']);
      expect((await s.gaps.list({ outcome: 'unknown' })).map((g) => g.text)).toEqual(['zonder uitkomst', 'niets']);
      expect((await s.gaps.list({ outcome: 'not-helpful', since: '2026-01-01' })).map((g) => g.id)).toEqual(['not-helpful:a1']);
      expect((await s.gaps.list()).map((g) => g.outcome)).toEqual(['unknown', 'suggested', 'unknown', 'not-helpful']);
      // the fields survive marking handled and the overview's oldest list
      await s.gaps.markHandled([plain.id], 'aad:coord', now);
      expect((await s.gaps.stats([], 5)).oldestOpen.map((g) => [g.outcome, g.offered ?? [], g.picked ?? '-'])).toEqual([
        ['suggested', ['wonen', 'ibp'], 'wonen'], ['unknown', [], '-'], ['not-helpful', ['ibp'], '-'],
      ]);
      await s.close();
    });

    it('returns copies: changing a returned record does not change the store', async () => {
      const s = await open();
      const rec = await s.gaps.add({ text: 'vraag', locale: 'nl', platform: 'local', at: now.toISOString() });
      rec.text = 'gewijzigd';
      const [listed] = await s.gaps.list();
      expect(listed?.text).toBe('vraag');
      listed!.text = 'ook gewijzigd';
      expect((await s.gaps.list())[0]?.text).toBe('vraag');
      await s.close();
    });

    it('upserts conversation references and marks them inactive', async () => {
      const s = await open();
      const ref = { key: 'slack:C1', platform: 'slack' as const, conversationId: 'C1', kind: 'channel' as const, data: { team: 'T1' } };
      await s.conversations.upsert(ref, now);
      await s.conversations.upsert({ ...ref, data: { team: 'T2' } }, now);
      expect((await s.conversations.list()).length).toBe(1);
      expect((await s.conversations.get('slack:C1'))?.data).toEqual({ team: 'T2' });
      await s.conversations.markInactive('slack:C1', 'channel_not_found', now);
      const got = await s.conversations.get('slack:C1');
      expect(got?.active).toBe(false);
      expect(got?.inactiveReason).toBe('channel_not_found');
      // a new turn in the conversation re-activates it
      await s.conversations.upsert(ref, now);
      expect((await s.conversations.get('slack:C1'))?.active).toBe(true);
      expect(await s.conversations.get('slack:nope')).toBeUndefined();
      expect(await s.conversations.remove('slack:C1')).toBe(true);
      expect(await s.conversations.remove('slack:C1')).toBe(false);
      expect(await s.conversations.list()).toEqual([]);
      await s.close();
    });

    it('dedupe: first delivery true, redelivery false, again true after the ttl', async () => {
      const s = await open();
      expect(await s.dedupe.firstSeen('slack:Ev1', now, 60_000)).toBe(true);
      expect(await s.dedupe.firstSeen('slack:Ev1', new Date(now.getTime() + 1000), 60_000)).toBe(false);
      expect(await s.dedupe.firstSeen('slack:Ev2', now, 60_000)).toBe(true);
      expect(await s.dedupe.firstSeen('slack:Ev1', new Date(now.getTime() + 61_000), 60_000)).toBe(true);
      await s.close();
    });

    it('dedupe is atomic under concurrency: one winner of 50 simultaneous deliveries', async () => {
      const s = await open();
      const results = await Promise.all(Array.from({ length: 50 }, () => s.dedupe.firstSeen('teams:A1', now, 60_000)));
      expect(results.filter(Boolean).length).toBe(1);
      await s.close();
    });

    it('keeps every one of 300 concurrent writes', async () => {
      const s = await open();
      await Promise.all(
        Array.from({ length: 300 }, (_, i) => s.gaps.add({ text: `vraag ${i}`, locale: 'nl', platform: 'local', at: now.toISOString() })),
      );
      const texts = new Set((await s.gaps.list()).map((g) => g.text));
      expect(texts.size).toBe(300);
      await s.close();
    });

    const newKp = (over: Partial<NewKnelpunt> = {}): NewKnelpunt => ({
      opgave: 'opgave-wonen',
      beschrijving: 'De regels voor woningbouw verschillen per gemeente.',
      overheden: ['gemeente', 'rijk'],
      urgentie: 'middel',
      anoniem: false,
      reporter: { platform: 'slack', userId: 'U1', name: 'Anna' },
      platform: 'slack',
      ...over,
    });

    it('knelpunten: references are gapless per year and restart at 1 in a new year', async () => {
      const s = await open();
      const a = await s.knelpunten.create(newKp(), 'sub-a', now);
      const b = await s.knelpunten.create(newKp(), 'sub-b', now);
      const c = await s.knelpunten.create(newKp(), 'sub-c', new Date('2027-01-01T00:00:01Z'));
      expect([a.knelpunt.ref, b.knelpunt.ref, c.knelpunt.ref]).toEqual(['KP-2026-0001', 'KP-2026-0002', 'KP-2027-0001']);
      expect(a.knelpunt).toMatchObject({ status: 'nieuw', history: [], year: 2026, seq: 1 });
      expect(await s.knelpunten.count()).toBe(3);
      await s.close();
    });

    it('knelpunten: the same submission twice gives one knelpunt', async () => {
      const s = await open();
      const first = await s.knelpunten.create(newKp(), 'slack:view:V1', now);
      const again = await s.knelpunten.create(newKp({ beschrijving: 'anders' }), 'slack:view:V1', now);
      expect(first.created).toBe(true);
      expect(again).toEqual({ knelpunt: first.knelpunt, created: false });
      expect(await s.knelpunten.count()).toBe(1);
      await s.close();
    });

    it('knelpunten: 200 concurrent submissions get 200 distinct consecutive references', async () => {
      const s = await open();
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => s.knelpunten.create(newKp(), `sub-${i}`, now)));
      const seqs = results.map((r) => r.knelpunt.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(new Set(results.map((r) => r.knelpunt.ref)).size).toBe(200);
      await s.close();
    });

    it('knelpunten: an anonymous report stores no identity, even when one is passed', async () => {
      const s = await open();
      const { knelpunt } = await s.knelpunten.create(newKp({ anoniem: true }), 'sub-anon', now);
      expect(knelpunt.reporter).toBeUndefined();
      expect(JSON.stringify(await s.knelpunten.list())).not.toMatch(/U1|Anna/);
      await s.close();
    });

    it('knelpunten: status changes only from the expected status, with history', async () => {
      const s = await open();
      const { knelpunt } = await s.knelpunten.create(newKp(), 'sub-s', now);
      const change = { at: now.toISOString(), by: 'slack:UCOORD', from: 'nieuw' as const, to: 'in_behandeling' as const };
      const first = await s.knelpunten.changeStatus(knelpunt.ref, change);
      expect(first.changed).toBe(true);
      expect(first.knelpunt?.status).toBe('in_behandeling');
      const stale = await s.knelpunten.changeStatus(knelpunt.ref, { ...change, to: 'niet_opgepakt', toelichting: 'x' });
      expect(stale.changed).toBe(false);
      expect(stale.knelpunt?.status).toBe('in_behandeling');
      expect((await s.knelpunten.get(knelpunt.ref))?.history).toEqual([change]);
      expect((await s.knelpunten.changeStatus('KP-1999-0001', change)).knelpunt).toBeUndefined();
      await s.close();
    });

    it('knelpunten: the name beside the id in the history is kept, and forgotten with the id', async () => {
      const s = await open();
      const { knelpunt } = await s.knelpunten.create(newKp(), 'sub-name', now);
      await s.knelpunten.changeStatus(knelpunt.ref, { at: now.toISOString(), by: 'aad:cora', byName: 'Cora Coördinator', from: 'nieuw', to: 'in_behandeling' });
      await s.knelpunten.changeStatus(knelpunt.ref, { at: now.toISOString(), by: 'slack:UOLD', from: 'in_behandeling', to: 'opgelost' });
      const stored = (await s.knelpunten.get(knelpunt.ref))!.history;
      expect(stored[0]).toEqual({ at: now.toISOString(), by: 'aad:cora', byName: 'Cora Coördinator', from: 'nieuw', to: 'in_behandeling' });
      expect(stored[1]).not.toHaveProperty('byName'); // a change without a name stays without one
      expect((await s.knelpunten.list())[0]!.history[0]!.byName).toBe('Cora Coördinator');
      expect(await s.knelpunten.forgetActor('aad:cora')).toBe(1);
      const after = (await s.knelpunten.get(knelpunt.ref))!.history;
      expect(after[0]).toEqual({ at: now.toISOString(), by: FORGOTTEN_ACTOR, from: 'nieuw', to: 'in_behandeling' });
      expect(JSON.stringify(after)).not.toMatch(/Cora|cora/);
      await s.close();
    });

    it('knelpunten: a closed one is reopened; the history keeps the coordinator\'s name beside the id; open again in the figures', async () => {
      const s = await open();
      const { knelpunt } = await s.knelpunten.create(newKp(), 'sub-reopen', now);
      const at = (min: number): string => new Date(now.getTime() + min * 60_000).toISOString();
      await s.knelpunten.changeStatus(knelpunt.ref, { at: at(1), by: 'slack:UCOORD', byName: 'Cor <!channel> *Coördinator*', from: 'nieuw', to: 'niet_opgepakt', toelichting: 'Hoort bij het Rijk' });
      const reopened = await s.knelpunten.changeStatus(knelpunt.ref, { at: at(2), by: 'aad:c0c0', byName: 'Dé Coördinator', from: 'niet_opgepakt', to: 'in_behandeling', toelichting: 'Het Rijk verwijst terug' });
      expect(reopened.changed).toBe(true);
      const k = await s.knelpunten.get(knelpunt.ref);
      expect(k?.status).toBe('in_behandeling');
      expect(k?.history.map((h) => [h.byName, h.from, h.to])).toEqual([
        ['Cor <!channel> *Coördinator*', 'nieuw', 'niet_opgepakt'], ['Dé Coördinator', 'niet_opgepakt', 'in_behandeling'],
      ]);
      const stats = await s.knelpunten.stats([now.toISOString(), at(60)], 5);
      expect(stats.open).toBe(1);
      expect(stats.oldestOpen.map((o) => o.ref)).toEqual([knelpunt.ref]);
      await s.close();
    });

    it('knelpunten: list filters and privacy forget', async () => {
      const s = await open();
      await s.knelpunten.create(newKp(), 'f1', now);
      await s.knelpunten.create(newKp({ opgave: 'opgave-klimaat', reporter: { platform: 'teams', userId: '29:x' }, platform: 'teams' }), 'f2', now);
      expect((await s.knelpunten.list({ opgave: ['opgave-klimaat'] })).length).toBe(1);
      expect((await s.knelpunten.list({ reporter: { platform: 'slack', userId: 'U1' } })).length).toBe(1);
      expect((await s.knelpunten.list({ status: ['opgelost'] })).length).toBe(0);
      expect(await s.knelpunten.forgetReporter('slack', 'U1')).toBe(1);
      const all = await s.knelpunten.list();
      expect(all.length).toBe(2); // content stays
      expect(all.find((k) => k.opgave === 'opgave-wonen')?.reporter).toBeUndefined();
      await s.close();
    });

    it('triage channels: add is idempotent, remove removes', async () => {
      const s = await open();
      await s.triageChannels.add('slack:C1', 'slack:U1', now);
      await s.triageChannels.add('slack:C1', 'slack:U1', now);
      await s.triageChannels.add('teams:19:abc', 'teams:29:x', now);
      expect(await s.triageChannels.list()).toEqual(['slack:C1', 'teams:19:abc']);
      await s.triageChannels.remove('slack:C1');
      expect(await s.triageChannels.list()).toEqual(['teams:19:abc']);
      await s.close();
    });

    it('reports health and refuses use after close', async () => {
      const s = await open();
      expect((await s.health()).ok).toBe(true);
      await s.close();
      expect((await s.health()).ok).toBe(false);
      await expect(s.gaps.count()).rejects.toThrow(/closed/);
    });
    // ---- reflectie (issue 7) ----
    const sub = (over: Partial<NudgeSubscription> = {}): NudgeSubscription => ({
      id: 'sub-1', kind: 'nudge', channelKey: 'slack:C1', platform: 'slack', conversationId: 'C1',
      schedule: { recurrence: { kind: 'weekly', days: [5] }, hour: 15, minute: 0, timeZone: 'Europe/Amsterdam', skipHolidays: true },
      schema: 'elke vrijdag 15:00', locale: 'nl', status: 'active', nextSlotAt: '2026-11-27T14:00:00.000Z', questionCursor: 0,
      history: [{ at: now.toISOString(), by: 'slack:U1', what: 'plan' }], createdAt: now.toISOString(), updatedAt: now.toISOString(),
      ...over,
    });
    const claimOf = (id: string, slot: string, next: string): NudgeClaim => ({
      subscriptionId: id, expectedNextSlotAt: slot, nextSlotAt: next, questionCursor: 1, slots: [{ slot, status: 'queued', questionId: 'q1' }],
    });

    it('reflections: stored with tags; anonymous ones never keep a name; filtered by channel and time', async () => {
      const s = await open();
      await s.reflections.add({ goed: 'Samen gepland', opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', channelKey: 'slack:C1', platform: 'slack', anonymous: false, authorName: 'Anna', locale: 'nl', createdAt: '2026-10-05T10:00:00.000Z' });
      await s.reflections.add({ beter: 'Eerder beginnen', channelKey: 'slack:C1', platform: 'slack', anonymous: true, authorName: 'Geheim', locale: 'nl', createdAt: '2026-11-05T10:00:00.000Z' });
      await s.reflections.add({ meenemen: 'Delen', channelKey: 'teams:19:x', platform: 'teams', anonymous: false, authorName: 'Bo', locale: 'en', createdAt: '2026-10-06T10:00:00.000Z' });
      expect(await s.reflections.count()).toBe(3);
      const c1 = await s.reflections.list({ channelKey: 'slack:C1' });
      expect(c1.map((r) => r.goed ?? r.beter)).toEqual(['Samen gepland', 'Eerder beginnen']);
      expect(c1[0]).toMatchObject({ opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', authorName: 'Anna' });
      expect(c1[1]?.authorName).toBeUndefined();
      expect(JSON.stringify(await s.reflections.list())).not.toContain('Geheim');
      expect((await s.reflections.list({ since: '2026-10-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' })).length).toBe(2);
      await s.close();
    });

    it('privacy: forgetActor replaces one person in knelpunt and subscription histories, keeps every change and everyone else', async () => {
      const s = await open();
      const base = { opgave: 'anders', beschrijving: 'Tien tekens of meer.', overheden: [], urgentie: 'laag' as const, anoniem: true, platform: 'slack' as const };
      const a = (await s.knelpunten.create(base, 'fa-1', now)).knelpunt;
      const b = (await s.knelpunten.create(base, 'fa-2', now)).knelpunt;
      await s.knelpunten.changeStatus(a.ref, { at: now.toISOString(), by: 'slack:U9', byName: 'Negen Negenmans', from: 'nieuw', to: 'in_behandeling' });
      await s.knelpunten.changeStatus(a.ref, { at: now.toISOString(), by: 'aad:other', byName: 'Ander', from: 'in_behandeling', to: 'opgelost', toelichting: 'Klaar' });
      await s.knelpunten.changeStatus(b.ref, { at: now.toISOString(), by: 'aad:other', from: 'nieuw', to: 'niet_opgepakt' });
      await s.subscriptions.create(sub({ id: 'fa-s1', history: [{ at: now.toISOString(), by: 'slack:U9', what: 'plan' }] }));
      await s.subscriptions.update('fa-s1', { status: 'paused' }, { at: now.toISOString(), by: 'slack:U2', what: 'pauze' });
      await s.subscriptions.update('fa-s1', { status: 'active', clearPause: true }, { at: now.toISOString(), by: 'slack:U9', what: 'hervat' });
      await s.subscriptions.create(sub({ id: 'fa-s2', channelKey: 'slack:C2', history: [{ at: now.toISOString(), by: 'slack:U2', what: 'plan' }] }));

      expect(await s.knelpunten.forgetActor('slack:U9')).toBe(1);
      expect(await s.subscriptions.forgetActor('slack:U9')).toBe(1);
      expect(await s.knelpunten.forgetActor('slack:U9')).toBe(0); // nothing left to forget
      expect(await s.subscriptions.forgetActor('slack:nobody')).toBe(0);
      // hostile ids are data, not JSON or SQL
      for (const hostile of ['slack:"}]', "aad:' OR 1=1 --", '%', '']) {
        expect(await s.knelpunten.forgetActor(hostile)).toBe(0);
        expect(await s.subscriptions.forgetActor(hostile)).toBe(0);
        expect(await s.reflections.forgetAuthor(hostile)).toBe(0);
      }

      const ka = await s.knelpunten.get(a.ref);
      expect(ka?.history.map((h) => [h.by, h.byName, h.to, h.toelichting])).toEqual([[FORGOTTEN_ACTOR, undefined, 'in_behandeling', undefined], ['aad:other', 'Ander', 'opgelost', 'Klaar']]);
      expect(ka?.history[0]).not.toHaveProperty('byName');
      expect(ka?.status).toBe('opgelost');
      expect((await s.knelpunten.get(b.ref))?.history.map((h) => h.by)).toEqual(['aad:other']);
      expect((await s.subscriptions.get('fa-s1'))?.history.map((h) => [h.by, h.what])).toEqual([[FORGOTTEN_ACTOR, 'plan'], ['slack:U2', 'pauze'], [FORGOTTEN_ACTOR, 'hervat']]);
      expect((await s.subscriptions.get('fa-s2'))?.history.map((h) => h.by)).toEqual(['slack:U2']);
      expect(JSON.stringify([await s.knelpunten.list(), await s.subscriptions.list()])).not.toMatch(/U9|Negen/);
      await s.close();
    });

    it('reflections: a named one keeps its author key, an anonymous one never; forgetAuthor makes the author\'s anonymous', async () => {
      const s = await open();
      const base = { channelKey: 'slack:C1', platform: 'slack' as const, locale: 'nl' as const, createdAt: now.toISOString() };
      await s.reflections.add({ ...base, goed: 'A1', anonymous: false, authorName: 'Anna', authorKey: 'key-anna' });
      await s.reflections.add({ ...base, goed: 'A2', anonymous: true, authorName: 'Anna', authorKey: 'key-anna' });
      await s.reflections.add({ ...base, goed: 'B1', anonymous: false, authorName: 'Bo', authorKey: 'key-bo' });
      await s.reflections.add({ ...base, goed: 'A3', anonymous: false, authorName: 'Anna', authorKey: 'key-anna' });
      expect((await s.reflections.list({ authorKey: 'key-anna' })).map((r) => r.goed)).toEqual(['A1', 'A3']);
      expect((await s.reflections.list()).find((r) => r.goed === 'A2')).toEqual(expect.not.objectContaining({ authorKey: expect.anything() }));
      expect(await s.reflections.forgetAuthor('key-anna')).toBe(2);
      expect(await s.reflections.forgetAuthor('key-anna')).toBe(0);
      expect(await s.reflections.list({ authorKey: 'key-anna' })).toEqual([]);
      const all = await s.reflections.list();
      expect(all.map((r) => [r.goed, r.anonymous, r.authorName ?? null, r.authorKey ?? null])).toEqual([
        ['A1', true, null, null], ['A2', true, null, null], ['B1', false, 'Bo', 'key-bo'], ['A3', true, null, null],
      ]);
      expect(JSON.stringify(all)).not.toContain('Anna');
      await s.close();
    });

    it('dialogues: expire, take is atomic (one of 20 concurrent takes wins), prune removes expired', async () => {
      const s = await open();
      const d = { key: 'draft:1', kind: 'draft' as const, owner: 'h', step: 0, answers: { goed: 'x' }, shareKey: 'slack:C1', locale: 'nl' as const, updatedAt: now.toISOString(), expiresAt: '2026-11-24T10:00:00.000Z' };
      await s.dialogues.put(d);
      await s.dialogues.put({ ...d, key: 'draft:old', expiresAt: '2026-11-23T09:00:00.000Z' });
      expect(await s.dialogues.get('draft:1', now)).toEqual(d);
      expect(await s.dialogues.get('draft:1', new Date('2026-11-24T10:00:01Z'))).toBeUndefined();
      expect(await s.dialogues.get('draft:old', now)).toBeUndefined();
      const takes = await Promise.all(Array.from({ length: 20 }, () => s.dialogues.take('draft:1', now)));
      expect(takes.filter(Boolean)).toHaveLength(1);
      expect(await s.dialogues.get('draft:1', now)).toBeUndefined();
      expect(await s.dialogues.prune(now)).toBe(1);
      expect(await s.dialogues.remove('draft:old')).toBe(false);
      await s.close();
    });

    it('subscriptions: list by channel/status, due ones, updates keep a history', async () => {
      const s = await open();
      await s.subscriptions.create(sub());
      await s.subscriptions.create(sub({ id: 'sub-2', channelKey: 'slack:C2', conversationId: 'C2', nextSlotAt: '2026-12-04T14:00:00.000Z' }));
      expect((await s.subscriptions.list({ channelKey: 'slack:C1' })).map((x) => x.id)).toEqual(['sub-1']);
      expect((await s.subscriptions.listDue(new Date('2026-11-27T14:00:00Z'))).map((x) => x.id)).toEqual(['sub-1']);
      expect(await s.subscriptions.listDue(new Date('2026-11-27T13:59:59Z'))).toEqual([]);
      const paused = await s.subscriptions.update('sub-1', { pausedUntil: '2026-12-10', nextSlotAt: '2026-12-11T14:00:00.000Z' }, { at: now.toISOString(), by: 'slack:U2', what: 'pauze tot 2026-12-10' });
      expect(paused?.history.map((h) => h.by)).toEqual(['slack:U1', 'slack:U2']);
      const resumed = await s.subscriptions.update('sub-1', { clearPause: true }, { at: now.toISOString(), by: 'slack:U3', what: 'hervat' });
      expect(resumed?.pausedUntil).toBeUndefined();
      await s.subscriptions.update('sub-2', { status: 'stopped' }, { at: now.toISOString(), by: 'slack:U1', what: 'stop' });
      expect(await s.subscriptions.listDue(new Date('2027-01-01T00:00:00Z'))).toHaveLength(1);
      expect((await s.subscriptions.list({ status: ['stopped'] })).map((x) => x.id)).toEqual(['sub-2']);
      expect(await s.subscriptions.update('nope', {}, { at: now.toISOString(), by: 'x', what: 'y' })).toBeUndefined();
      await s.close();
    });

    it('nudges: a (subscription, slot) is claimed once, ever; 50 concurrent claims give one record', async () => {
      const s = await open();
      await s.subscriptions.create(sub());
      const slot = '2026-11-27T14:00:00.000Z';
      const next = '2026-12-04T14:00:00.000Z';
      const results = await Promise.all(Array.from({ length: 50 }, () => s.nudges.claim([claimOf('sub-1', slot, next)], now)));
      expect(results.flat()).toHaveLength(1);
      expect((await s.subscriptions.get('sub-1'))?.nextSlotAt).toBe(next);
      // a stale claim (computed before the subscription moved on) claims nothing
      expect(await s.nudges.claim([claimOf('sub-1', slot, next)], now)).toEqual([]);
      // nor does going backwards
      expect(await s.nudges.claim([{ ...claimOf('sub-1', next, slot) }], now)).toEqual([]);
      expect(await s.nudges.listQueued()).toHaveLength(1);
      expect((await s.subscriptions.get('sub-1'))?.lastQuestionId).toBe('q1');
      await s.close();
    });

    it('nudges: queued -> sending once; finish records the last result; unconfirmed after a restart', async () => {
      const s = await open();
      await s.subscriptions.create(sub());
      await s.subscriptions.create(sub({ id: 'sub-2' }));
      const slot = '2026-11-27T14:00:00.000Z';
      await s.nudges.claim([claimOf('sub-1', slot, '2026-12-04T14:00:00.000Z'), claimOf('sub-2', slot, '2026-12-04T14:00:00.000Z')], now);
      const starts = await Promise.all(Array.from({ length: 10 }, () => s.nudges.startSending([{ subscriptionId: 'sub-1', slot }], now)));
      expect(starts.flat().filter(Boolean)).toHaveLength(1);
      await s.nudges.finish([{ subscriptionId: 'sub-1', slot, status: 'sent' }], now);
      expect(await s.nudges.startSending([{ subscriptionId: 'sub-1', slot }, { subscriptionId: 'sub-2', slot }, { subscriptionId: 'nope', slot }], now)).toEqual([false, true, false]);
      expect((await s.subscriptions.get('sub-1'))?.lastResult).toMatchObject({ slot, status: 'sent' });
      // with a lease, a nudge that started sending just now is left to its (live) sender
      expect(await s.nudges.markUnconfirmed(new Date(now.getTime() + 60_000), 5 * 60_000)).toEqual([]);
      expect((await s.nudges.get('sub-2', slot))?.status).toBe('sending');
      const lost = await s.nudges.markUnconfirmed(now);
      expect(lost.map((n) => n.subscriptionId)).toEqual(['sub-2']);
      expect((await s.nudges.get('sub-2', slot))?.status).toBe('unconfirmed');
      expect(await s.nudges.listQueued()).toEqual([]);
      expect((await s.nudges.list({ status: ['sent', 'unconfirmed'] })).length).toBe(2);
      expect((await s.subscriptions.get('sub-2'))?.lastResult?.status).toBe('unconfirmed');
      await s.close();
    });

    it('gaps: marked handled once, with who and when; unknown ids are skipped', async () => {
      const s = await open();
      const a = await s.gaps.add({ text: 'vraag a', locale: 'nl', platform: 'local', at: now.toISOString() });
      const b = await s.gaps.add({ text: 'vraag b', locale: 'nl', platform: 'slack', at: now.toISOString() });
      expect(a.handledAt).toBeUndefined();
      expect(await s.gaps.markHandled([a.id, 'nope'], 'aad:coord', now)).toBe(1);
      expect(await s.gaps.markHandled([a.id, b.id], 'email:x@example.org', new Date(now.getTime() + 1000))).toBe(1);
      const [ga, gb] = await s.gaps.list();
      expect(ga).toMatchObject({ id: a.id, handledAt: now.toISOString(), handledBy: 'aad:coord' });
      expect(gb?.handledBy).toBe('email:x@example.org');
      expect(await s.gaps.markHandled([], 'x', now)).toBe(0);
      await s.close();
    });

    it('rate limits: a bucket of 3 per minute refuses the 4th, tells once, refills; buckets are separate', async () => {
      const s = await open();
      const t = now.getTime();
      const takes = await Promise.all(Array.from({ length: 5 }, () => s.rateLimits.take('turn|slack:U1', 3, 60_000, now)));
      expect(takes.filter((r) => r.ok)).toHaveLength(3);
      expect(takes.filter((r) => !r.ok && r.notify)).toHaveLength(1);
      expect(await s.rateLimits.take('turn|slack:U2', 3, 60_000, now)).toEqual({ ok: true });
      expect(await s.rateLimits.take('turn|slack:U1', 3, 60_000, new Date(t + 20_000))).toEqual({ ok: true });
      expect(await s.rateLimits.take('turn|slack:U1', 3, 60_000, new Date(t + 20_001))).toEqual({ ok: false, notify: false });
      // a new window: told again
      expect(await s.rateLimits.take('turn|slack:U1', 3, 60_000, new Date(t + 60_001))).toEqual({ ok: true });
      const later = await Promise.all(Array.from({ length: 4 }, () => s.rateLimits.take('turn|slack:U1', 3, 60_000, new Date(t + 60_002))));
      expect(later.filter((r) => !r.ok && r.notify)).toHaveLength(1);
      await s.close();
    });

    it('web sessions: put, get until expiry, touch moves expiry, take once, remove, prune', async () => {
      const s = await open();
      const t = now.getTime();
      const iso = (ms: number): string => new Date(t + ms).toISOString();
      const base = { csrf: 'c'.repeat(43), createdAt: iso(0), lastSeenAt: iso(0) };
      await s.sessions.put({ id: 'login-1', login: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/admin' }, ...base, expiresAt: iso(600_000) });
      await s.sessions.put({ id: 'sess-1', user: { issuer: 'https://idp', sub: 'u1', name: 'Ann', oid: 'o1', coordinatorId: 'aad:o1' }, ...base, expiresAt: iso(1000) });
      expect((await s.sessions.get('sess-1', now))?.user?.coordinatorId).toBe('aad:o1');
      expect(await s.sessions.get('sess-1', new Date(t + 1000))).toBeUndefined(); // expired
      expect(await s.sessions.touch('sess-1', new Date(t + 500), iso(10_000))).toBe(true);
      expect((await s.sessions.get('sess-1', new Date(t + 5000)))?.lastSeenAt).toBe(iso(500));
      expect(await s.sessions.touch('nope', now, iso(10_000))).toBe(false);
      const takes = await Promise.all(Array.from({ length: 10 }, () => s.sessions.take('login-1', now)));
      expect(takes.filter(Boolean)).toHaveLength(1);
      expect(takes.find(Boolean)?.login?.codeVerifier).toBe('v');
      expect(await s.sessions.get('login-1', now)).toBeUndefined();
      await s.sessions.put({ id: 'old', ...base, expiresAt: iso(1) });
      expect(await s.sessions.prune(new Date(t + 2))).toBe(1);
      expect(await s.sessions.remove('sess-1')).toBe(true);
      expect(await s.sessions.remove('sess-1')).toBe(false);
      await s.close();
    });

    it('nudges: a slot that exists already is not claimed again, and does not count as the last result or question', async () => {
      const s = await open();
      await s.subscriptions.create(sub());
      const s1 = '2026-11-27T14:00:00.000Z';
      await s.nudges.claim([claimOf('sub-1', s1, '2026-12-04T14:00:00.000Z')], now);
      // the subscription is moved back (a schema change), and a later claim covers the old slot again
      await s.subscriptions.update('sub-1', { nextSlotAt: '2026-11-20T14:00:00.000Z' }, { at: now.toISOString(), by: 'slack:U1', what: 'nieuw schema' });
      const made = await s.nudges.claim([{
        subscriptionId: 'sub-1', expectedNextSlotAt: '2026-11-20T14:00:00.000Z', nextSlotAt: '2026-12-11T14:00:00.000Z',
        slots: [{ slot: '2026-11-20T14:00:00.000Z', status: 'skipped-holiday', detail: 'x' }, { slot: s1, status: 'skipped-late', questionId: 'q2' }],
      }], now);
      expect(made.map((n) => n.slot)).toEqual(['2026-11-20T14:00:00.000Z']);
      const got = await s.subscriptions.get('sub-1');
      expect(got).toMatchObject({ nextSlotAt: '2026-12-11T14:00:00.000Z', lastQuestionId: 'q1', lastResult: { slot: '2026-11-20T14:00:00.000Z', status: 'skipped-holiday', detail: 'x' } });
      expect((await s.nudges.get('sub-1', s1))?.status).toBe('queued');
      await s.close();
    });

    // ---- dashboard overview figures (issue 10) ----
    // 26 weeks up to the week of `now` in Amsterdam time; summer time ends on Sunday 25 October 2026.
    const { starts, bounds } = weekBoundaries(now);
    const week = (monday: string): number => starts.indexOf(monday);
    const at = (iso: string): Date => new Date(iso);

    /** Knelpunten, gaps and reflections across week boundaries, the DST change and the edges of the range. */
    async function seedOverview(s: Store): Promise<void> {
      const kp = async (key: string, created: string, over: Partial<NewKnelpunt>, path: { to: KnelpuntStatus; afterMs: number }[] = []): Promise<void> => {
        const { knelpunt } = await s.knelpunten.create(newKp(over), key, at(created));
        let from: KnelpuntStatus = 'nieuw';
        for (const step of path) {
          await s.knelpunten.changeStatus(knelpunt.ref, {
            at: new Date(Date.parse(created) + step.afterMs).toISOString(), by: 'aad:coord', from, to: step.to,
            ...(step.to === 'niet_opgepakt' ? { toelichting: 'Hoort elders.' } : {}),
          });
          from = step.to;
        }
      };
      await kp('k1', '2026-05-31T21:59:59.000Z', {}); // one second before the first week: not counted per week; open
      await kp('k2', '2026-05-31T22:00:00.000Z', {}, [{ to: 'in_behandeling', afterMs: 2 * DAY + 864 }]); // the first week's first instant
      await kp('k3', '2026-10-25T22:30:00.000Z', { opgave: 'opgave-klimaat' }, [{ to: 'niet_opgepakt', afterMs: 1.5 * DAY }]); // Sunday 23:30 CET
      await kp('k4', '2026-10-25T23:00:00.000Z', { opgave: 'opgave-klimaat', anoniem: true }, [
        { to: 'in_behandeling', afterMs: 3 * DAY }, { to: 'geagendeerd', afterMs: 4 * DAY }, { to: 'opgelost', afterMs: 9 * DAY },
      ]); // Monday 00:00 CET: the next week
      await kp('k5', '2026-11-23T09:00:00.000Z', { opgave: 'anders', platform: 'teams', reporter: { platform: 'teams', userId: '29:x' } }); // this week
      await kp('k6', '2026-12-01T00:00:00.000Z', { opgave: 'opgave-onbekend' }); // after the last week
      await kp('k7', '2026-05-31T21:59:59.000Z', {}); // the same time as k1, stored later
      await kp('k8', '2025-03-01T12:00:00.000Z', {}, [{ to: 'in_behandeling', afterMs: 0.25 * DAY }, { to: 'geagendeerd', afterMs: 40 * DAY }]); // last year
      await kp('k9', '2026-08-12T08:00:00.000Z', { opgave: 'opgave-klimaat' }); // summer time, never triaged

      const gap = (text: string, iso: string) => s.gaps.add({ text, locale: 'nl', platform: 'local', at: iso });
      const g1 = await gap('g1', '2026-05-01T00:00:00.000Z');
      const g2 = await gap('g2', '2026-06-10T00:00:00.000Z');
      await gap('g3', '2026-10-25T22:59:59.999Z'); // the last millisecond before the week of 26 October
      const g4 = await gap('g4', '2026-10-25T23:00:00.000Z');
      await gap('g5', '2026-05-01T00:00:00.000Z'); // ties with g1
      await gap('g6', '2026-11-29T23:00:00.000Z'); // the end bound itself: outside
      const g7 = await gap('g7', '2026-11-01T12:00:00.000Z');
      await gap('g8', '2026-07-07T07:07:07.007Z');
      await gap('g9', '2026-04-01T00:00:00.000Z');
      await gap('g10', '2026-05-01T00:00:00.000Z'); // ties with g5, stored later
      await s.gaps.markHandled([g2.id], 'aad:coord', at('2026-06-12T00:00:00.000Z')); // 2 days
      await s.gaps.markHandled([g4.id], 'aad:coord', at('2026-10-26T23:00:00.000Z')); // 1 day
      await s.gaps.markHandled([g7.id, g1.id], 'aad:coord', at('2026-11-06T00:00:00.000Z')); // 4.5 days, 189 days
      await s.gaps.markHandled([g7.id], 'aad:other', at('2026-11-20T00:00:00.000Z')); // already handled: unchanged

      const refl = (createdAt: string, over: { anonymous: boolean; opgave?: string; authorName?: string }) =>
        s.reflections.add({ goed: 'Samen', channelKey: 'slack:C1', platform: 'slack', locale: 'nl', createdAt, ...over });
      await refl('2026-07-01T10:00:00.000Z', { anonymous: true, opgave: 'opgave-wonen' });
      await refl('2026-10-25T22:30:00.000Z', { anonymous: false, authorName: 'Anna' });
      await refl('2026-01-01T10:00:00.000Z', { anonymous: false, authorName: 'Bo', opgave: 'opgave-klimaat' });
      await refl('2026-11-23T09:00:00.000Z', { anonymous: true });
      await refl('2026-11-29T22:59:59.999Z', { anonymous: false, authorName: 'Cas', opgave: 'opgave-wonen' });
    }

    it('overview stats equal the reference figures over list(), and the hand-counted ones', async () => {
      const s = await open();
      await seedOverview(s);
      const { k, g } = await expectStatsMatchReference(s, bounds, OLDEST);

      expect(k).toMatchObject({ total: 9, open: 7, triaged: 4 });
      expect(k.byStatus).toEqual({ nieuw: 5, in_behandeling: 1, geagendeerd: 1, opgelost: 1, niet_opgepakt: 1 });
      expect(k.byOpgave.get('opgave-klimaat')).toEqual({ nieuw: 1, in_behandeling: 0, geagendeerd: 0, opgelost: 1, niet_opgepakt: 1 });
      expect([...k.byOpgave.keys()].sort()).toEqual(['anders', 'opgave-klimaat', 'opgave-onbekend', 'opgave-wonen']);
      expect(k.perWeek).toHaveLength(26);
      expect(k.perWeek.reduce((a, b) => a + b, 0)).toBe(5); // k1, k6, k7 and k8 fall outside
      expect([k.perWeek[0], k.perWeek[week('2026-10-19')], k.perWeek[week('2026-10-26')], k.perWeek[25]]).toEqual([1, 1, 1, 1]);
      expect(k.oldestOpen.map((x) => x.createdAt)).toEqual([
        '2025-03-01T12:00:00.000Z', '2026-05-31T21:59:59.000Z', '2026-05-31T21:59:59.000Z', '2026-05-31T22:00:00.000Z', '2026-08-12T08:00:00.000Z',
      ]);
      // ties keep the stored order: k1 before k7
      const all = await s.knelpunten.list();
      expect(k.oldestOpen.slice(1, 3).map((x) => x.ref)).toEqual([all[0]!.ref, all[6]!.ref]);
      expect(k.oldestOpen[0]).toEqual(all[7]); // whole records
      // triage after 0.25, 1.5, 2.00001 and 3 days
      expectMedian(k.medianTriageDays, (1.5 + 2.00001) / 2);

      expect(g).toMatchObject({ total: 10, open: 6, handled: 4 });
      expect(g.perWeek.reduce((a, b) => a + b, 0)).toBe(5); // g1, g5, g6, g9 and g10 fall outside
      expect([g.perWeek[week('2026-10-19')], g.perWeek[week('2026-10-26')]]).toEqual([1, 2]);
      expect(g.oldestOpen.map((x) => x.text)).toEqual(['g9', 'g5', 'g10', 'g8', 'g3']);
      expectMedian(g.medianHandledDays, (2 + 4.5) / 2); // 1, 2, 4.5 and 189 days

      const r = await s.reflections.stats(bounds);
      expect(r).toMatchObject({ total: 5, anonymous: 2 });
      expect(r.byOpgave).toEqual(new Map([['opgave-wonen', 2], ['', 2], ['opgave-klimaat', 1]]));
      expect([r.perWeek[week('2026-10-19')], r.perWeek[25], r.perWeek.reduce((a, b) => a + b, 0)]).toEqual([1, 2, 4]);
      await s.close();
    });

    it('overview stats: any bounds and number of oldest; triage recorded by later status changes', async () => {
      const s = await open();
      await seedOverview(s);
      for (const [b, n] of [[bounds.slice(20), 2], [['2026-01-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'], 100], [[], 0]] as const) {
        const { k, g } = await expectStatsMatchReference(s, b, n);
        expect(k.perWeek).toHaveLength(Math.max(0, b.length - 1));
        expect(k.oldestOpen).toHaveLength(Math.min(n, 7));
        expect(g.oldestOpen).toHaveLength(Math.min(n, 6));
      }
      // k5 (created this week) is triaged now; k9 is declined
      const [k5, k9] = [(await s.knelpunten.list({ opgave: ['anders'] }))[0]!, (await s.knelpunten.list({ status: ['nieuw'], opgave: ['opgave-klimaat'] }))[0]!];
      await s.knelpunten.changeStatus(k5.ref, { at: new Date(Date.parse(k5.createdAt) + 0.5 * DAY).toISOString(), by: 'aad:coord', from: 'nieuw', to: 'in_behandeling' });
      await s.knelpunten.changeStatus(k9.ref, { at: new Date(Date.parse(k9.createdAt) + 0.1 * DAY).toISOString(), by: 'aad:coord', from: 'nieuw', to: 'niet_opgepakt', toelichting: 'x' });
      const { k } = await expectStatsMatchReference(s, bounds, OLDEST);
      expect(k).toMatchObject({ open: 6, triaged: 6 });
      expectMedian(k.medianTriageDays, (0.5 + 1.5) / 2); // 0.1, 0.25, 0.5, 1.5, 2.00001, 3
      await s.close();
    });

    it('overview stats of an empty store: zeros, no oldest, no medians', async () => {
      const s = await open();
      const { k, g } = await expectStatsMatchReference(s, bounds, OLDEST);
      expect(k).toEqual({
        total: 0, open: 0, byOpgave: new Map(), byStatus: { nieuw: 0, in_behandeling: 0, geagendeerd: 0, opgelost: 0, niet_opgepakt: 0 },
        perWeek: new Array(26).fill(0), oldestOpen: [], medianTriageDays: null, triaged: 0,
      });
      expect(g).toEqual({ total: 0, open: 0, handled: 0, perWeek: new Array(26).fill(0), oldestOpen: [], medianHandledDays: null });
      expect(await s.reflections.stats(bounds)).toEqual({ total: 0, anonymous: 0, byOpgave: new Map(), perWeek: new Array(26).fill(0) });
      await s.close();
    });

    it('nudges: skipped slots are recorded with their reason; a paused subscription claims nothing', async () => {
      const s = await open();
      await s.subscriptions.create(sub());
      await s.subscriptions.create(sub({ id: 'sub-p', status: 'paused' }));
      const made = await s.nudges.claim(
        [
          { subscriptionId: 'sub-1', expectedNextSlotAt: '2026-11-27T14:00:00.000Z', nextSlotAt: '2026-12-04T14:00:00.000Z', slots: [{ slot: '2026-11-27T14:00:00.000Z', status: 'skipped-holiday', detail: 'Kerstmis' }] },
          claimOf('sub-p', '2026-11-27T14:00:00.000Z', '2026-12-04T14:00:00.000Z'),
        ],
        now,
      );
      expect(made.map((n) => [n.subscriptionId, n.status, n.detail])).toEqual([['sub-1', 'skipped-holiday', 'Kerstmis']]);
      expect((await s.subscriptions.get('sub-1'))?.lastResult).toMatchObject({ status: 'skipped-holiday', detail: 'Kerstmis' });
      await s.close();
    });
  });
}

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { dumpCounts } from '../src/store/dump.js';
import { DATA_FILE, LowdbStore } from '../src/store/lowdb/store.js';
import { openStore } from '../src/store/open.js';
import { MIGRATIONS } from '../src/store/postgres/migrations/index.js';
import { DUMP_TABLES } from '../src/store/registry.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import type { Store } from '../src/store/types.js';
import { usePostgres } from './helpers/pg.js';
import { tempDir } from './helpers/tmp.js';

const server = usePostgres();

async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { NODE_ENV: 'test', KNOWLEDGE_DIR: path.resolve('knowledge'), ...env }, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

/** Every record kind, with optional fields both present and absent. */
async function fill(s: Store): Promise<void> {
  const now = new Date('2026-11-23T10:00:00Z');
  const at = now.toISOString();
  await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'local', question: 'Wat is het IBP?', at });
  await s.feedback.add({ entryId: 'zekerheid-7', value: 'not_helpful', platform: 'slack', at });
  await s.feedback.add({ entryId: 'zekerheid-7', value: 'helpful', platform: 'teams', at, answerId: 'answer-1', voter: 'voter-hash-1' });
  const g = await s.gaps.add({ text: 'Wat is een überknelpunt?', locale: 'nl', platform: 'teams', at });
  await s.gaps.add({ text: 'second', locale: 'en', platform: 'local', at: '2026-11-24T10:00:00.000Z' });
  await s.gaps.markHandled([g.id], 'aad:coord', now);
  await s.conversations.upsert({ key: 'teams:19:abc', platform: 'teams', conversationId: '19:abc', kind: 'channel', threadId: 't1', teamId: 'T1', data: { serviceUrl: 'https://smba', tenant: { id: 'x' } } }, now);
  await s.conversations.upsert({ key: 'slack:C1', platform: 'slack', conversationId: 'C1', kind: 'channel', data: {} }, now);
  await s.conversations.markInactive('slack:C1', 'channel_not_found', now);
  const kp = { opgave: 'opgave-wonen', beschrijving: 'De regels verschillen per gemeente.', overheden: ['gemeente' as const, 'rijk' as const], urgentie: 'hoog' as const, platform: 'slack' as const };
  const { knelpunt } = await s.knelpunten.create({ ...kp, anoniem: false, reporter: { platform: 'slack', userId: 'U1', name: 'Anna', conversationKey: 'slack:C1' } }, 'sub-1', now);
  await s.knelpunten.create({ ...kp, anoniem: true }, 'sub-2', now);
  await s.knelpunten.create({ ...kp, anoniem: false, reporter: { platform: 'teams', userId: '29:x' } }, 'sub-3', new Date('2027-01-02T00:00:00Z'));
  await s.knelpunten.changeStatus(knelpunt.ref, { at, by: 'slack:UC', byName: 'Cor', from: 'nieuw', to: 'niet_opgepakt', toelichting: 'Buiten het IBP.' });
  await s.cards.add({ subject: knelpunt.ref, conversationKey: 'slack:C1', messageId: '1700000000.000100', locale: 'nl', at });
  await s.formSubmissions.claim('form-key-1', now, new Date('2026-12-23T10:00:00Z'), new Date('2026-11-23T09:58:00Z'));
  await s.formSubmissions.complete('form-key-1', knelpunt.ref, now, new Date('2026-12-23T10:00:00Z'));
  await s.formSubmissions.claim('form-key-2', now, new Date('2026-12-23T10:00:00Z'), new Date('2026-11-23T09:58:00Z'));
  await s.triageChannels.add('slack:C1', 'slack:UC', now);
  await s.reflections.add({ goed: 'Samen', opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', channelKey: 'slack:C1', platform: 'slack', anonymous: false, authorName: 'Bo', authorKey: 'author-key-bo', locale: 'nl', createdAt: at });
  await s.reflections.add({ beter: 'Eerder', channelKey: 'slack:C1', platform: 'slack', anonymous: true, locale: 'en', createdAt: at });
  await s.dialogues.put({ key: 'draft:1', kind: 'draft', owner: 'h', step: 0, answers: { goed: 'x', opgave: 'opgave-wonen' }, shareKey: 'slack:C1', locale: 'nl', updatedAt: at, expiresAt: '2026-11-24T10:00:00.000Z' });
  const schedule = { recurrence: { kind: 'weekly' as const, days: [5] }, hour: 15, minute: 0, timeZone: 'Europe/Amsterdam', skipHolidays: true };
  const base = { kind: 'nudge' as const, channelKey: 'slack:C1', platform: 'slack' as const, conversationId: 'C1', schedule, schema: 'elke vrijdag 15:00', locale: 'nl' as const, questionCursor: 0, history: [{ at, by: 'slack:U1', what: 'plan' }], createdAt: at, updatedAt: at };
  await s.subscriptions.create({ ...base, id: 'sub-a', status: 'active', nextSlotAt: '2026-11-27T14:00:00.000Z' });
  await s.subscriptions.create({ ...base, id: 'sub-b', kind: 'digest', status: 'paused', pausedUntil: '2026-12-10', pausedReason: 'channel_not_found', nextSlotAt: '2026-12-01T08:00:00.000Z' });
  await s.nudges.claim([{ subscriptionId: 'sub-a', expectedNextSlotAt: '2026-11-27T14:00:00.000Z', nextSlotAt: '2026-12-04T14:00:00.000Z', questionCursor: 1,
    slots: [{ slot: '2026-11-20T14:00:00.000Z', status: 'skipped-late', detail: 'superseded' }, { slot: '2026-11-27T14:00:00.000Z', status: 'queued', questionId: 'q1' }] }], now);
  await s.nudges.startSending([{ subscriptionId: 'sub-a', slot: '2026-11-27T14:00:00.000Z' }], now);
  await s.nudges.finish([{ subscriptionId: 'sub-a', slot: '2026-11-27T14:00:00.000Z', status: 'sent' }], now);
  await s.sessions.put({ id: 'sess', user: { issuer: 'https://idp', sub: 'u', name: 'Ann', coordinatorId: 'aad:o' }, csrf: 'c', createdAt: at, lastSeenAt: at, expiresAt: '2026-11-24T10:00:00.000Z' });
  await s.sessions.put({ id: 'login', login: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' }, csrf: 'c', createdAt: at, lastSeenAt: at, expiresAt: '2026-11-24T10:00:00.000Z' });
  await s.webChatHistory.append('sessie-1', [{ id: 'm1', role: 'user', body: { text: 'Wat is het IBP?' } }, { id: 'b1', role: 'bot', body: { fallbackText: 'Het IBP…', blocks: [] } }], now, 100);
  await s.webChatHistory.replace('sessie-1', 'b1', { fallbackText: 'Het IBP is…', blocks: [{ kind: 'divider' }] }, now);
  await s.webChatHistory.setName('sessie-1', 'Anna', now);
  await s.languages.set({ key: 'conversation:slack:C1', locale: 'en', source: 'command', updatedAt: at });
  await s.languages.set({ key: 'person:teams:29:x', locale: 'nl', source: 'words', updatedAt: at });
  await s.dedupe.firstSeen('slack:Ev1', now, 60_000); // transient: not copied
}

describe('ibp-bot store copy', () => {
  it('lowdb -> PostgreSQL -> lowdb: every record kind arrives unchanged; counts printed and equal', async () => {
    const dir1 = tempDir();
    const source = await LowdbStore.open({ dataDir: dir1 });
    await fill(source);
    const original = await source.exportAll();
    await source.close();
    const counts = dumpCounts(original);
    expect(Object.values(counts).every((n) => n > 0)).toBe(true); // the test covers every kind

    const url = await server().createDatabase('copy');
    const toPg = await cli(['store', 'copy', '--to', url], { DATA_DIR: dir1 });
    expect(toPg.err).toBe('');
    expect(toPg.code).toBe(0);
    expect(toPg.out).toMatch(/record kind\s+source\s+target/);
    expect(toPg.out).toMatch(/knelpunten\s+3\s+3\s+same/);
    expect(toPg.out).toMatch(/nudges\s+2\s+2\s+same/);
    expect(toPg.out).toMatch(new RegExp(`OK: all ${DUMP_TABLES.length} record kinds copied`));
    expect(toPg.out + toPg.err).not.toContain(new URL(url).password);

    // The copied data works: references continue gapless, the same submission is still known.
    const pgStore = await openStore(loadConfig({ DATABASE_URL: url }), createLogger({ level: 'silent', pretty: false }));
    expect((await pgStore.knelpunten.create({ opgave: 'anders', beschrijving: 'Nog een knelpunt.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'sub-new', new Date('2026-12-01T00:00:00Z'))).knelpunt.ref).toBe('KP-2026-0003');
    expect((await pgStore.knelpunten.create({ opgave: 'anders', beschrijving: 'Herhaald.', overheden: [], urgentie: 'laag', anoniem: true, platform: 'local' }, 'sub-1', new Date())).created).toBe(false);
    await pgStore.close();

    // A second copy into the same database refuses and changes nothing.
    const again = await cli(['store', 'copy', '--to', url], { DATA_DIR: dir1 });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/is not empty \(.*knelpunten: 4/);

    const dir2 = tempDir();
    const back = await cli(['store', 'copy', '--to-lowdb', dir2], { DATABASE_URL: url });
    expect(back.code).toBe(0);
    expect(back.out).toMatch(/knelpunten\s+4\s+4\s+same/);
    const result = await LowdbStore.open({ dataDir: dir2, readOnly: true });
    const copied = await result.exportAll();
    await result.close();
    // everything from the original, plus the knelpunt made on PostgreSQL
    const byKey = (records: unknown[] | undefined): unknown[] => [...(records ?? [])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect({ ...copied, knelpunten: copied.knelpunten!.slice(0, 3), knelpuntCounters: original.knelpuntCounters, knelpuntSubmissions: original.knelpuntSubmissions, conversations: byKey(copied.conversations), dialogues: byKey(copied.dialogues), sessions: byKey(copied.sessions) })
      .toEqual({ ...original, conversations: byKey(original.conversations), dialogues: byKey(original.dialogues), sessions: byKey(original.sessions) });
    expect(copied.knelpuntCounters).toEqual([{ year: 2026, seq: 3 }, { year: 2027, seq: 1 }]);

    // into a lowdb file that already holds records: refused
    const refused = await cli(['store', 'copy', '--to-lowdb', path.join(dir2, DATA_FILE)], { DATABASE_URL: url });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is not empty/);
  }, 60_000);

  it('copies a data file an older release wrote with NUL and lone surrogates in it; says what it cleaned', async () => {
    // The single-file store (format 1) stored text as typed: put the characters PostgreSQL refuses into such a file.
    const dir = tempDir();
    const data = JSON.parse(readFileSync('tests/fixtures/lowdb-v1/ibp-bot.json', 'utf8')) as { gaps: { text: string }[]; knelpunten: { beschrijving: string }[]; reflections: { goed?: string }[]; conversations: Record<string, { data: Record<string, unknown> }> };
    data.gaps[0]!.text = 'Wat is\u0000 dit?';
    data.knelpunten[1]!.beschrijving = 'Kapot \ud800 en \u0000 ook.';
    data.reflections[0]!.goed = 'Goed\udc00';
    data.conversations['teams:19:abc']!.data['k\u0000'] = 'v\u0000';
    writeFileSync(path.join(dir, DATA_FILE), JSON.stringify(data));
    const url = await server().createDatabase('hostile');
    const res = await cli(['store', 'copy', '--to', url], { DATA_DIR: dir });
    expect(res.err).toMatch(/^(Data file .* converted from format 1 to 2 .*\n)?$/);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/Note: some records held characters no store keeps .*gaps: 1, conversations: 1, knelpunten: 1, reflections: 1 records/);
    expect(res.out).toMatch(new RegExp(`OK: all ${DUMP_TABLES.length} record kinds copied`));
    const pgStore = await PostgresStore.open({ url });
    expect((await pgStore.gaps.list())[0]?.text).toBe('Wat is dit?');
    expect((await pgStore.knelpunten.list())[1]?.beschrijving).toBe('Kapot \ufffd en  ook.');
    expect((await pgStore.conversations.get('teams:19:abc'))?.data).toMatchObject({ k: 'v' });
    await pgStore.close();
  }, 60_000);

  it('a record PostgreSQL refuses is named, and nothing is written', async () => {
    // A hand-edited data file: a time that is not a time.
    const dir = tempDir();
    const data = JSON.parse(readFileSync('tests/fixtures/lowdb-v1/ibp-bot.json', 'utf8')) as { gaps: { id: string; at: string }[] };
    data.gaps[1]!.at = 'gisteren';
    writeFileSync(path.join(dir, DATA_FILE), JSON.stringify(data));
    const url = await server().createDatabase('refused');
    const res = await cli(['store', 'copy', '--to', url], { DATA_DIR: dir });
    expect(res.code).toBe(1);
    expect(res.err).toContain(`PostgreSQL refused the record "${data.gaps[1]!.id}" of table knowledge_gaps`);
    expect(res.err).toMatch(/nothing was written there/);
    const pgStore = await PostgresStore.open({ url });
    expect(await pgStore.isEmpty()).toBe(true);
    await pgStore.close();
  }, 60_000);

  it('refuses bad input with a clear message and never echoes the URL', async () => {
    const dir = tempDir();
    const bad = await cli(['store', 'copy', '--to', 'mysql://root:geheim@db/ibp'], { DATA_DIR: dir });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--to must be a PostgreSQL URL/);
    expect(bad.err).not.toContain('geheim');
    expect((await cli(['store', 'copy', '--to', server().url()], { DATA_DIR: dir })).err).toMatch(/no lowdb data file/);
    expect((await cli(['store', 'copy'], { DATA_DIR: dir })).code).toBe(2);
    expect((await cli(['store', 'copy', '--to-lowdb', dir], { DATA_DIR: dir })).err).toMatch(/DATABASE_URL, which is not set/);
    writeFileSync(path.join(dir, 'other.json'), '{}');
    expect((await cli(['store', 'copy', '--to-lowdb', path.join(dir, 'other.json')], { DATABASE_URL: server().url() })).err).toMatch(/always named ibp-bot.json/);
    // DATABASE_URL itself is checked at start-up, and hidden in the message (it holds a password)
    const cfg = await cli(['nudges'], { DATABASE_URL: 'mysql://root:geheim@db/ibp' });
    expect(cfg.code).toBe(2);
    expect(cfg.err).toMatch(/DATABASE_URL=\(value hidden\): must be a PostgreSQL URL/);
    expect(cfg.err).not.toContain('geheim');
    // a running bot holds the lowdb lock: copying from it is refused
    const running = await LowdbStore.open({ dataDir: dir });
    const locked = await cli(['store', 'copy', '--to', await server().createDatabase('locked')], { DATA_DIR: dir });
    await running.close();
    expect(locked.code).toBe(1);
    expect(locked.err).toMatch(/Another ibp-bot process[\s\S]*Stop the bot/);
  });

  it('ibp-bot migrate applies the schema once and reports; without DATABASE_URL it explains', async () => {
    const url = await server().createDatabase('migrate');
    const first = await cli(['migrate'], { DATABASE_URL: url });
    expect(first.code).toBe(0);
    const latest = MIGRATIONS.at(-1)!;
    expect(first.out).toContain(`migrated from version 0 to ${latest.version} (${latest.name})`);
    for (const m of MIGRATIONS) expect(first.out).toContain(`applied ${m.version} ${m.name}`);
    expect((await cli(['migrate'], { DATABASE_URL: url })).out).toContain(`already at version ${latest.version} (${latest.name}); nothing to do`);
    expect(first.out).not.toContain(new URL(url).password);
    const none = await cli(['migrate'], {});
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/DATABASE_URL is not set/);
    const s = await PostgresStore.open({ url, migrate: false });
    expect((await s.health()).ok).toBe(true);
    await s.close();
  });
});

import path from 'node:path';
import { voterKeyOf } from '../src/core/qa.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { csvCell, knelpuntenCsv, parseSince } from '../src/core/knelpunt/export.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { authorKeyOf } from '../src/core/reflectie/dialogue.js';
import type { NewKnelpunt } from '../src/store/types.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { tempDir } from './helpers/tmp.js';

const kp = (over: Partial<NewKnelpunt> = {}): NewKnelpunt => ({
  opgave: 'opgave-klimaat',
  beschrijving: 'Samenwerking bij de RES loopt stroef; café, één, ë.',
  overheden: ['provincie'],
  urgentie: 'laag',
  anoniem: false,
  reporter: { platform: 'slack', userId: 'UPRIV', name: 'Priya Privacy' },
  platform: 'slack',
  ...over,
});

describe('CSV export (pure)', () => {
  it('neutralises formulas and quotes what needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://x")', ';')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+31 6', ';')).toBe(`"'+31 6"`);
    expect(csvCell('-1', ';')).toBe(`"'-1"`);
    expect(csvCell('@SUM(A1)', ';')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b', ',')).toBe('a;b');
    expect(csvCell('regel\nnieuw', ',')).toBe('"regel\nnieuw"');
    expect(csvCell('gewoon', ';')).toBe('gewoon');
  });

  it('starts with a UTF-8 BOM, uses CRLF and the chosen separator', () => {
    const csv = knelpuntenCsv([], ';');
    expect(csv.startsWith('\uFEFFreferentie;status;opgave')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(knelpuntenCsv([], ',')).toMatch(/^\uFEFFreferentie,status,/);
  });

  it('parses --since strictly', () => {
    expect(parseSince('2026-02-28')).toEqual({ ok: true, since: '2026-02-28T00:00:00.000Z' });
    expect(parseSince('2026-02-30')).toEqual({ ok: false });
    expect(parseSince('gisteren')).toEqual({ ok: false });
    expect(parseSince(undefined)).toEqual({ ok: true });
  });
});

describe('export and privacy through the CLI and the admin API', () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' };
  const token = 'test-admin-token-0123456789abcdef';
  let bot: RunningBot;

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(args, env, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
    return { code, out, err };
  }

  beforeAll(async () => {
    const s = await LowdbStore.open({ dataDir });
    await s.knelpunten.create(kp(), 'a', new Date('2026-03-01T09:00:00Z'));
    await s.knelpunten.create(kp({ beschrijving: '=cmd|calc!A1 lijkt een formule', anoniem: true }), 'b', new Date('2026-06-01T09:00:00Z'));
    await s.conversations.upsert({ key: 'slack:DPRIV', platform: 'slack', conversationId: 'DPRIV', kind: 'personal', data: { user: 'UPRIV' } }, new Date());
    // UPRIV is also a coordinator (a status change) and planned a reflection nudge.
    await s.knelpunten.changeStatus('KP-2026-0002', { at: '2026-06-02T09:00:00.000Z', by: 'slack:UPRIV', from: 'nieuw', to: 'in_behandeling' });
    await s.subscriptions.create({
      id: 'sub-priv', kind: 'nudge', channelKey: 'slack:CTEAM', platform: 'slack', conversationId: 'CTEAM',
      schedule: { recurrence: { kind: 'weekly', days: [5] }, hour: 15, minute: 0, timeZone: 'Europe/Amsterdam', skipHolidays: true },
      schema: 'elke vrijdag 15:00', locale: 'nl', status: 'active', nextSlotAt: '2026-11-27T14:00:00.000Z', questionCursor: 0,
      history: [{ at: '2026-06-01T09:00:00.000Z', by: 'slack:UPRIV', what: 'plan nudge: elke vrijdag 15:00' }], createdAt: '2026-06-01T09:00:00.000Z', updatedAt: '2026-06-01T09:00:00.000Z',
    });
    // and shared one reflection with their name and one anonymously; someone else shared one with theirs
    const refl = { channelKey: 'slack:CTEAM', platform: 'slack' as const, locale: 'nl' as const, createdAt: '2026-06-03T09:00:00.000Z' };
    await s.reflections.add({ ...refl, goed: 'Met naam gedeeld', anonymous: false, authorName: 'Priya Privacy', authorKey: authorKeyOf('slack', 'UPRIV') });
    await s.reflections.add({ ...refl, goed: 'Anoniem gedeeld', anonymous: true });
    // Feedback presses: this person's (with a hash of who pressed) and someone else's.
    await s.feedback.add({ entryId: 'ibp', value: 'helpful', platform: 'slack', question: 'wat is het ibp', at: '2026-06-03T09:00:00.000Z', answerId: 'a1', voter: voterKeyOf('slack', 'UPRIV') });
    await s.feedback.add({ entryId: 'ibp', value: 'not_helpful', platform: 'slack', at: '2026-06-03T09:00:00.000Z', answerId: 'a1', voter: voterKeyOf('slack', 'UOTHER') });
    await s.reflections.add({ ...refl, goed: 'Van een ander', anonymous: false, authorName: 'Olaf Ander', authorKey: authorKeyOf('slack', 'UOTHER') });
    // The language they speak (and that of their DM); a channel's language and someone else's are not theirs.
    const lang = { source: 'words' as const, updatedAt: '2026-06-03T09:00:00.000Z' };
    await s.languages.set({ key: 'person:slack:UPRIV', locale: 'en', ...lang });
    await s.languages.set({ key: 'conversation:slack:DPRIV', locale: 'en', ...lang });
    await s.languages.set({ key: 'conversation:slack:CTEAM', locale: 'nl', ...lang });
    await s.languages.set({ key: 'person:slack:UOTHER', locale: 'nl', ...lang });
    await s.close();
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('exports CSV and JSON, with --since, read-only', async () => {
    const csv = await cli(['knelpunten', 'export', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out).toContain('KP-2026-0001;nieuw;opgave-klimaat;laag;provincie;"Samenwerking bij de RES loopt stroef; café, één, ë.";nee;Priya Privacy');
    expect(csv.out).toMatch(/"'=cmd\|calc!A1 lijkt een formule"/);
    const json = await cli(['knelpunten', 'export', '--format', 'json', '--since', '2026-05-01']);
    const list = JSON.parse(json.out) as { ref: string; reporter?: unknown }[];
    expect(list.map((k) => k.ref)).toEqual(['KP-2026-0002']);
    expect(list[0]!.reporter).toBeUndefined();
    expect((await cli(['knelpunten', 'export', '--format', 'xml'])).code).toBe(2);
    expect((await cli(['knelpunten', 'export', '--since', 'morgen'])).code).toBe(2);
    expect((await cli(['knelpunten', 'export', '--bogus'])).code).toBe(2);
  });

  it('privacy export shows everything about one person; delete removes the identity but keeps the content', async () => {
    type Exported = {
      knelpunten: unknown[]; conversations: unknown[]; statusChanges: unknown[]; scheduleChanges: unknown[]; reflections: { goed?: string }[]; feedback: { value: string }[];
      languages: { key: string; locale: string }[];
    };
    const exp = JSON.parse((await cli(['privacy', 'export', '--user', 'slack:UPRIV'])).out) as Exported;
    expect(exp.knelpunten).toHaveLength(1);
    expect(exp.conversations).toHaveLength(1);
    expect(exp.statusChanges).toEqual([{ ref: 'KP-2026-0002', at: '2026-06-02T09:00:00.000Z', by: 'slack:UPRIV', from: 'nieuw', to: 'in_behandeling' }]);
    expect(exp.scheduleChanges).toMatchObject([{ subscription: 'sub-priv', channel: 'slack:CTEAM', by: 'slack:UPRIV' }]);
    expect(exp.reflections.map((r) => r.goed)).toEqual(['Met naam gedeeld']);
    expect(exp.feedback.map((f) => f.value)).toEqual(['helpful']);
    expect(exp.languages.map((l) => [l.key, l.locale])).toEqual([['person:slack:UPRIV', 'en'], ['conversation:slack:DPRIV', 'en']]);
    const del = await cli(['privacy', 'delete', '--user', 'slack:UPRIV']);
    expect(del.code).toBe(0);
    expect(del.out).toMatch(/1 knelpunt\(en\), 1 named reflection\(s\) \(now anonymous\) and 1 feedback press\(es\) \(with their questions\), 1 conversation reference\(s\), 2 remembered language\(s\).*status history of 1 knelpunt\(en\) and the history of 1 schedule/);
    const after = JSON.parse((await cli(['privacy', 'export', '--user', 'slack:UPRIV'])).out) as Exported;
    expect(after).toMatchObject({ knelpunten: [], conversations: [], statusChanges: [], scheduleChanges: [], reflections: [], feedback: [], languages: [] });
    const all = JSON.parse((await cli(['knelpunten', 'export', '--format', 'json'])).out) as { beschrijving: string }[];
    expect(all).toHaveLength(2);
    expect(JSON.stringify(all)).not.toMatch(/UPRIV|Priya/);
    expect(JSON.stringify(all)).toContain('"by":"verwijderd"'); // the change itself stays
    const s = await LowdbStore.open({ dataDir, readOnly: true });
    expect(JSON.stringify(await s.subscriptions.list())).not.toContain('UPRIV');
    // the reflection's text stays, now anonymous; the other person's stays named
    const reflections = await s.reflections.list();
    expect(reflections.map((r) => [r.goed, r.anonymous, r.authorName])).toEqual([
      ['Met naam gedeeld', true, undefined], ['Anoniem gedeeld', true, undefined], ['Van een ander', false, 'Olaf Ander'],
    ]);
    expect(JSON.stringify(reflections)).not.toContain('Priya');
    // the press stays, without who pressed; the other person's is untouched
    expect((await s.feedback.list()).map((f) => [f.value, f.voter === undefined])).toEqual([['helpful', true], ['not_helpful', false]]);
    // the question they asked goes with them
    expect((await s.feedback.list())[0]).not.toHaveProperty('question');
    // the channel's language and the other person's stay
    expect((await s.languages.getMany(['person:slack:UPRIV', 'conversation:slack:DPRIV', 'conversation:slack:CTEAM', 'person:slack:UOTHER'])).map((l) => l.key))
      .toEqual(['conversation:slack:CTEAM', 'person:slack:UOTHER']);
    await s.close();
    expect((await cli(['privacy', 'delete', '--user', 'nobody'])).code).toBe(2);
  });

  it('privacy for a dashboard coordinator (aad: or email:): their status changes with the name kept beside the id', async () => {
    const s = await LowdbStore.open({ dataDir });
    await s.knelpunten.changeStatus('KP-2026-0001', { at: '2026-06-05T09:00:00.000Z', by: 'aad:abcd-0001', byName: 'Cora Coördinator', from: 'nieuw', to: 'in_behandeling' });
    await s.knelpunten.changeStatus('KP-2026-0001', { at: '2026-06-06T09:00:00.000Z', by: 'email:mees@ibp.example.nl', byName: 'Mees Mail', from: 'in_behandeling', to: 'geagendeerd' });
    await s.close();
    // as the coordinator list has it, in any case
    const exp = JSON.parse((await cli(['privacy', 'export', '--user', 'aad:ABCD-0001'])).out) as { user: string; statusChanges: unknown[]; knelpunten: unknown[] };
    expect(exp.user).toBe('aad:abcd-0001');
    expect(exp.statusChanges).toEqual([{ ref: 'KP-2026-0001', at: '2026-06-05T09:00:00.000Z', by: 'aad:abcd-0001', byName: 'Cora Coördinator', from: 'nieuw', to: 'in_behandeling' }]);
    expect(exp.knelpunten).toEqual([]);
    const del = await cli(['privacy', 'delete', '--user', 'aad:abcd-0001']);
    expect(del.code).toBe(0);
    expect(del.out).toMatch(/status history of 1 knelpunt/);
    const all = (await cli(['knelpunten', 'export', '--format', 'json'])).out;
    expect(all).not.toMatch(/Cora|abcd-0001/);
    expect(all).toContain('"byName": "Mees Mail"'); // everyone else stays
    expect(JSON.parse((await cli(['privacy', 'export', '--user', 'email:Mees@IBP.example.nl'])).out).statusChanges).toHaveLength(1);
    expect((await cli(['privacy', 'export', '--user', 'oid:abcd'])).code).toBe(2);
  });

  it('privacy delete refuses while the server runs; the admin API needs the bearer token', async () => {
    bot = await startBot({ ...env, PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: token });
    const del = await cli(['privacy', 'delete', '--user', 'slack:UX']);
    expect(del.code).toBe(1);
    expect(del.err).toMatch(/Stop the server/);
    // export still works beside the server
    expect((await cli(['knelpunten', 'export', '--format', 'json'])).code).toBe(0);

    expect((await fetch(`${bot.url}/admin/knelpunten.csv`)).status).toBe(401);
    expect((await fetch(`${bot.url}/admin/knelpunten.csv`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await fetch(`${bot.url}/admin/knelpunten.csv?separator=,`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const body = Buffer.from(await res.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).toMatch(/referentie,status/);
    const json = await fetch(`${bot.url}/admin/knelpunten.json?since=2026-05-01`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await json.json()) as unknown[]).length).toBe(1);
    expect((await fetch(`${bot.url}/admin/knelpunten.xml`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
  });

  it('without ADMIN_TOKEN the export API does not exist', async () => {
    const other = await startBot({ ...env, DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1' });
    try {
      expect((await fetch(`${other.url}/admin/knelpunten.csv`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

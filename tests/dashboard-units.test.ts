import { describe, expect, it } from 'vitest';
import { columnChart, stackedBarChart, wrapLabel, NARROW_WIDTH, PATTERNS } from '../src/dashboard/charts.js';
import { dateHtml, dateText, dateTimeHtml, dateTimeText, dayText, shortDayText } from '../src/dashboard/dates.js';
import { dateText as chatDate, dateTimeText as chatDateTime, dayText as chatDay } from '../src/domain/dates.js';
import { OLDEST, weekBoundaries } from '../src/dashboard/figures.js';
import { feedbackPerEntry, groupGaps, knowledgeFile, sortGroups } from '../src/dashboard/gaps.js';
import { html, raw } from '../src/dashboard/html.js';
import { loadOverview, overviewPage } from '../src/dashboard/pages/overview.js';
import { actorLabel, channelLabel, channelLabels, reporterLabel, shortCode } from '../src/dashboard/names.js';
import { planningRows } from '../src/dashboard/pages/planning.js';
import { filterKnelpunten, knelpuntQueryString, paginate, parseKnelpuntQuery, sortKnelpunten } from '../src/dashboard/query.js';
import { safeReturnTo } from '../src/dashboard/router.js';
import { sameSecret, tokenHash } from '../src/dashboard/session.js';
import { FORGOTTEN_ACTOR } from '../src/domain/knelpunt.js';
import { parseEntry, validateSet } from '../src/knowledge/load.js';
import type { KnelpuntRecord, KnowledgeGapRecord, NudgeSubscription, Store } from '../src/store/types.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { gapStats, knelpuntStats, median, weekIndex } from '../src/store/stats.js';
import { shippedKnowledge } from './helpers/core.js';
import { fillInTemplate, TEMPLATE_FIELDS } from './helpers/knowledge-file.js';

const kp = (seq: number, over: Partial<KnelpuntRecord> = {}): KnelpuntRecord => ({
  ref: `KP-2026-${String(seq).padStart(4, '0')}`, year: 2026, seq, opgave: 'opgave-wonen', beschrijving: `Knelpunt nummer ${seq} over woningbouw.`,
  overheden: ['gemeente'], urgentie: 'middel', anoniem: true, platform: 'local', status: 'nieuw', history: [],
  createdAt: `2026-11-${String(10 + (seq % 10)).padStart(2, '0')}T09:00:00.000Z`, updatedAt: '2026-11-20T09:00:00.000Z', ...over,
});

let gapSeq = 0;
const gap = (text: string, at: string, over: Partial<KnowledgeGapRecord> = {}): KnowledgeGapRecord => ({ id: `g${++gapSeq}`, text, locale: 'nl', platform: 'slack', at, outcome: 'unknown', ...over });

describe('html: every interpolation is escaped', () => {
  it('escapes text and attributes, passes SafeHtml and raw(), skips false/null', () => {
    const evil = `<script>alert(1)</script><img src=x onerror="alert(2)">'`;
    const out = html`<p title="${evil}">${evil}${['a<', html`<b>b</b>`]}${false}${null}${undefined}${raw('<i>trusted</i>')}${3}</p>`.value;
    expect(out).toBe('<p title="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39;">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39;a&lt;<b>b</b><i>trusted</i>3</p>');
  });
});

describe('overview figures', () => {
  it('26 weeks starting on Monday, Amsterdam time, across daylight saving', () => {
    const { starts, bounds } = weekBoundaries(new Date('2026-11-23T10:00:00Z'));
    expect(starts).toHaveLength(26);
    expect(bounds).toHaveLength(27);
    expect(starts.at(-1)).toBe('2026-11-23');
    expect(starts[0]).toBe('2026-06-01');
    expect(bounds.at(-1)).toBe('2026-11-29T23:00:00.000Z'); // next Monday 00:00 CET
    expect(bounds[0]).toBe('2026-05-31T22:00:00.000Z'); // Monday 00:00 CEST
    expect(weekIndex('2026-11-23T09:00:00.000Z', bounds)).toBe(25);
    expect(weekIndex('2026-11-22T22:59:59.000Z', bounds)).toBe(24); // Sunday 23:59 in Amsterdam
    expect(weekIndex('2026-05-31T21:59:59.000Z', bounds)).toBe(-1);
    expect(weekIndex('2026-05-31T22:00:00.000Z', bounds)).toBe(0);
    expect(weekIndex('2027-01-01T00:00:00.000Z', bounds)).toBe(-1);
  });

  it('counts per opgave and status, the oldest open ones, and the median days to triage', () => {
    const list = [
      kp(1, { createdAt: '2026-11-01T00:00:00.000Z', status: 'in_behandeling', history: [{ at: '2026-11-03T00:00:00.000Z', by: 'aad:x', from: 'nieuw', to: 'in_behandeling' }] }),
      kp(2, { createdAt: '2026-11-02T00:00:00.000Z', status: 'niet_opgepakt', opgave: 'anders', history: [{ at: '2026-11-06T00:00:00.000Z', by: 'aad:x', from: 'nieuw', to: 'niet_opgepakt', toelichting: 'nee' }] }),
      kp(3, { createdAt: '2026-11-03T00:00:00.000Z', status: 'opgelost', history: [
        { at: '2026-11-04T00:00:00.000Z', by: 'aad:x', from: 'nieuw', to: 'in_behandeling' },
        { at: '2026-11-05T00:00:00.000Z', by: 'aad:x', from: 'in_behandeling', to: 'geagendeerd' },
        { at: '2026-11-06T00:00:00.000Z', by: 'aad:x', from: 'geagendeerd', to: 'opgelost' },
      ] }),
      ...Array.from({ length: 8 }, (_, i) => kp(10 + i, { createdAt: `2026-11-${String(10 + i).padStart(2, '0')}T00:00:00.000Z` })),
    ];
    const { bounds } = weekBoundaries(new Date('2026-11-23T10:00:00Z'));
    const f = knelpuntStats(list, bounds, OLDEST);
    expect(f.total).toBe(11);
    expect(f.open).toBe(9);
    expect(f.byStatus).toEqual({ nieuw: 8, in_behandeling: 1, geagendeerd: 0, opgelost: 1, niet_opgepakt: 1 });
    expect(f.byOpgave.get('anders')).toMatchObject({ niet_opgepakt: 1 });
    expect(f.oldestOpen.map((k) => k.seq)).toEqual([1, 10, 11, 12, 13]);
    expect(f.medianTriageDays).toBe(2); // 2, 4 and 1 days
    expect(f.triaged).toBe(3);
    expect(f.perWeek.reduce((a, b) => a + b, 0)).toBe(11);
    expect(median([])).toBeNull();
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });

  it('knowledge gaps: open, handled, days until handled', () => {
    const { bounds } = weekBoundaries(new Date('2026-11-23T10:00:00Z'));
    const f = gapStats([
      gap('a', '2026-11-01T00:00:00.000Z', { handledAt: '2026-11-11T00:00:00.000Z', handledBy: 'aad:x' }),
      gap('b', '2026-11-02T00:00:00.000Z'),
      gap('c', '2026-11-03T00:00:00.000Z'),
    ], bounds, OLDEST);
    expect(f).toMatchObject({ total: 3, open: 2, handled: 1, medianHandledDays: 10 });
    expect(f.oldestOpen.map((g) => g.text)).toEqual(['b', 'c']);
  });

  it('the overview asks the store for its figures and never lists every record', async () => {
    const store = LowdbStore.openInMemory();
    const now = new Date('2026-11-23T10:00:00Z');
    const { knelpunt } = await store.knelpunten.create({ opgave: 'opgave-onbekend', beschrijving: 'Oudste open knelpunt', overheden: ['rijk'], urgentie: 'hoog', anoniem: true, platform: 'local' }, 'k1', new Date('2026-11-16T09:00:00Z'));
    await store.gaps.add({ text: 'Open vraag', locale: 'nl', platform: 'local', at: '2026-11-17T09:00:00.000Z' });
    await store.reflections.add({ goed: 'x', channelKey: 'slack:C1', platform: 'slack', anonymous: true, locale: 'nl', createdAt: '2026-11-18T09:00:00.000Z' });
    const refuse = (): never => {
      throw new Error('the overview must not read every record');
    };
    const noLists: Store = {
      ...store, backend: store.backend, shared: store.shared, health: () => store.health(), probeWrite: (at) => store.probeWrite(at), close: () => store.close(),
      knelpunten: { ...store.knelpunten, list: refuse }, gaps: { ...store.gaps, list: refuse }, reflections: { ...store.reflections, list: refuse },
    };
    const deps = { store: noLists, knowledge: await shippedKnowledge(), now: () => now };
    const f = await loadOverview(deps);
    expect(f.weekStarts).toHaveLength(26);
    expect([f.knelpunten.total, f.knelpunten.perWeek[24], f.gaps.perWeek[24], f.reflections.perWeek[24]]).toEqual([1, 1, 1, 1]);
    const body = (await overviewPage(deps)).body.value;
    expect(body).toContain(knelpunt.ref);
    expect(body).toContain('Open vraag');
    await store.close();
  });
});

describe('query strings are user input', () => {
  const opgaven = ['opgave-wonen', 'opgave-klimaat', 'anders'];

  it('keeps known values, reports unknown ones, trims long text and long lists', () => {
    const { query, notices } = parseKnelpuntQuery({
      status: ['nieuw', 'verzonnen', 'nieuw'], opgave: 'opgave-<script>', urgentie: 'hoog', overheid: Array.from({ length: 30 }, () => 'rijk'),
      q: 'x'.repeat(5000), van: '2026-02-30', tot: '2026-12-01', sorteer: 'random', pagina: '-3', onbekend: 'x',
    }, opgaven);
    expect(query).toMatchObject({ status: ['nieuw'], opgave: [], urgentie: ['hoog'], overheden: ['rijk'], tot: '2026-12-01', sort: 'nieuwste', page: 1 });
    expect(query.van).toBeUndefined();
    expect(query.q).toHaveLength(200);
    expect(notices.join('\n')).toMatch(/verzonnen/);
    expect(notices.join('\n')).toMatch(/opgave-<script>/);
    expect(notices.join('\n')).toMatch(/2026-02-30/);
    expect(notices.join('\n')).toMatch(/ingekort tot 200/);
    expect(notices.join('\n')).toMatch(/Te veel waarden bij "overheid"/);
    expect(notices.join('\n')).toMatch(/random/);
    expect(notices.join('\n')).toMatch(/"-3" is geen paginanummer/);
    // objects (from a nested parser) and numbers are ignored, not a crash
    expect(parseKnelpuntQuery({ status: { a: 1 }, q: 42 }, opgaven).query).toMatchObject({ status: [], q: '' });
  });

  it('swaps a reversed period; filters, sorts and pages; builds the query string back', () => {
    const { query, notices } = parseKnelpuntQuery({ van: '2026-11-15', tot: '2026-11-12', q: 'NUMMER 1', sorteer: 'oudste' }, opgaven);
    expect(notices.join()).toMatch(/omgedraaid/);
    const list = Array.from({ length: 20 }, (_, i) => kp(i + 1));
    const hits = filterKnelpunten(list, query);
    // created 12..15 November (Amsterdam days), text "nummer 1…"
    expect(hits.map((k) => k.seq).sort((a, b) => a - b)).toEqual([12, 13, 14, 15]);
    expect(sortKnelpunten(hits, 'oudste', (id) => id).map((k) => k.seq)).toEqual([12, 13, 14, 15]);
    expect(sortKnelpunten(hits, 'referentie', (id) => id).map((k) => k.seq)).toEqual([12, 13, 14, 15]);
    expect(knelpuntQueryString(query, { page: 2 })).toBe('?van=2026-11-12&tot=2026-11-15&q=NUMMER+1&sorteer=oudste&pagina=2');
    expect(paginate(list, 99, 8)).toMatchObject({ page: 3, pages: 3, clampedFrom: 99, total: 20 });
    expect(paginate([], 5)).toMatchObject({ page: 1, pages: 1, items: [] });
  });

  it('after sign-in, only a dashboard page on this site', () => {
    expect(safeReturnTo('/admin/knelpunten?status=nieuw')).toBe('/admin/knelpunten?status=nieuw');
    for (const bad of ['https://evil.example', '//evil.example/admin', '/admin//evil', '/admin\\evil', '/elders', '/admin/callback?code=x', 42, undefined]) {
      expect(safeReturnTo(bad)).toBe('/admin/overzicht');
    }
  });

  it('compares secrets in constant time and never accepts an empty one', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('', '')).toBe(false);
    expect(tokenHash('x')).not.toContain('x');
  });
});

describe('knowledge gaps grouped by similarity', () => {
  it('groups phrasings of the same question, keeps other questions apart, counts open ones', () => {
    const groups = groupGaps([
      gap('Wat is een regiodeal?', '2026-11-01T09:00:00.000Z'),
      gap('wat is een   regiodeal', '2026-11-02T09:00:00.000Z', { handledAt: '2026-11-03T00:00:00.000Z' }),
      gap('Wat zijn regiodeals?', '2026-11-04T09:00:00.000Z', { platform: 'teams' }),
      gap('Hoe vraag ik subsidie aan voor een buurthuis?', '2026-11-05T09:00:00.000Z'),
      gap('Wat is een regiodeal?', '2026-11-06T09:00:00.000Z'),
    ]);
    expect(groups).toHaveLength(2);
    const [regio, subsidie] = groups;
    expect(regio).toMatchObject({ total: 4, open: 3, representative: 'Wat is een regiodeal?', firstSeen: '2026-11-01T09:00:00.000Z', lastSeen: '2026-11-06T09:00:00.000Z', platforms: ['slack', 'teams'] });
    expect(regio!.questions).toEqual([{ text: 'Wat is een regiodeal?', count: 3 }, { text: 'Wat zijn regiodeals?', count: 1 }]);
    expect(subsidie).toMatchObject({ total: 1, open: 1 });
    expect(sortGroups(groups, false).map((g) => g.key)).toEqual([regio!.key, subsidie!.key]);
  });

  it('a group keeps its key when newer questions arrive', () => {
    const first = [gap('Waar vind ik de voortgangsrapportage van 2025?', '2026-10-01T00:00:00.000Z'), gap('Wie betaalt de woningbouwimpuls?', '2026-10-02T00:00:00.000Z')];
    const before = groupGaps(first).map((g) => g.key);
    const after = groupGaps([...first, gap('Waar staat de voortgangsrapportage 2025?', '2026-10-03T00:00:00.000Z'), gap('Iets heel anders over vergunningen', '2026-10-04T00:00:00.000Z')]);
    expect(after.slice(0, 2).map((g) => g.key)).toEqual(before);
    expect(after[0]!.total).toBe(2);
  });

  // Its time is a bench row (bench/dashboard.ts, "Kennisvragen"): timed unit tests flake on a loaded machine.
  it('20,000 questions are all grouped', () => {
    const words = ['wonen', 'klimaat', 'schulden', 'migratie', 'regiodeal', 'subsidie', 'vergunning', 'stikstof', 'energie', 'zorg', 'jeugd', 'onderwijs', 'water', 'dijk', 'bodem', 'mest'];
    const gaps = Array.from({ length: 20_000 }, (_, i) => gap(`Vraag over ${words[i % 16]} en ${words[(i * 7) % 16]} nummer ${i % 997}`, new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()));
    const groups = groupGaps(gaps);
    expect(groups.reduce((n, g) => n + g.total, 0)).toBe(20_000);
  });

  it('feedback per entry: the least helpful first, with the questions asked', () => {
    const list = feedbackPerEntry([
      { id: '1', entryId: 'ibp', value: 'not_helpful', platform: 'local', question: 'wat is ibp', at: '2026-11-01T00:00:00Z' },
      { id: '2', entryId: 'ibp', value: 'helpful', platform: 'local', at: '2026-11-02T00:00:00Z' },
      { id: '3', entryId: 'opgaven', value: 'not_helpful', platform: 'slack', question: 'welke opgaven', at: '2026-11-03T00:00:00Z' },
      { id: '4', entryId: 'opgaven', value: 'not_helpful', platform: 'slack', at: '2026-11-04T00:00:00Z' },
      { id: '5', entryId: 'zekerheden', value: 'helpful', platform: 'slack', at: '2026-11-04T00:00:00Z' },
    ]);
    expect(list).toEqual([
      { entryId: 'opgaven', notHelpful: 2, helpful: 0, lastNotHelpful: '2026-11-04T00:00:00Z', questions: ['welke opgaven'] },
      { entryId: 'ibp', notHelpful: 1, helpful: 1, lastNotHelpful: '2026-11-01T00:00:00Z', questions: ['wat is ibp'] },
    ]);
  });

  it('"Maak kennisitem" gives a file with the questions that the validator refuses until its TODO fields are filled in', async () => {
    const kb = await shippedKnowledge();
    const [group] = groupGaps([
      gap('Wat is een regiodeal?', '2026-11-01T09:00:00.000Z'),
      gap('Wat zijn "regiodeals": en # hoe werkt het?', '2026-11-02T09:00:00.000Z'),
    ]);
    const file = knowledgeFile(group!, kb, new Date('2026-11-23T10:00:00Z'));
    expect(file.fileName).toBe(`${file.id}.md`);
    expect(file.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    // unedited: refused, every placeholder named by file and field
    const unedited = parseEntry(file.fileName, file.content);
    expect(unedited.entry).toBeUndefined();
    expect(unedited.errors.map((e) => `${e.file}:${e.field ?? 'body'}`).sort()).toEqual(
      [...TEMPLATE_FIELDS, 'body'].map((f) => `${file.fileName}:${f}`).sort(),
    );
    for (const e of unedited.errors) expect(e.message).toMatch(/template placeholder "TODO"/);
    // filled in: accepted, with the group's questions
    const parsed = parseEntry(file.fileName, fillInTemplate(file.content));
    expect(parsed.errors).toEqual([]);
    expect(parsed.entry!.questions).toEqual(['Wat is een regiodeal?', 'Wat zijn "regiodeals": en # hoe werkt het?']);
    expect(validateSet([...kb.entries, parsed.entry!])).toEqual([]);
    // an id that exists already gets a suffix
    const [dup] = groupGaps([gap('IBP', '2026-11-01T09:00:00.000Z')]);
    expect(knowledgeFile(dup!, kb, new Date()).id).toBe('ibp-2');
  });
});

describe('charts', () => {
  it('labels wrap between words instead of being cut off; only beyond three lines does "…" end them', () => {
    const label = 'Goed openbaar bestuur in een veranderende samenleving';
    const lines = wrapLabel(label, 30);
    expect(lines).toEqual(['Goed openbaar bestuur in een', 'veranderende samenleving']);
    expect(wrapLabel('Donaudampfschifffahrtsgesellschaftskapitän', 20)).toEqual(['Donaudampfschifffahr', 'tsgesellschaftskapit', 'än']);
    expect(wrapLabel('een twee drie vier vijf zes', 4, 2)).toEqual(['een', 'twe…']);
    expect(wrapLabel('', 10)).toEqual([]);
  });

  it('wide and narrow drawings have ids of their own; the narrow one fits a phone', () => {
    const out = stackedBarChart({
      id: 'c3', title: 'T', desc: 'D', rowHeader: 'Opgave',
      series: [{ label: 'nieuw', pattern: PATTERNS[0]! }, { label: 'opgelost', pattern: PATTERNS[3]! }],
      rows: [{ label: 'Goed openbaar bestuur in een veranderende samenleving', values: [3, 4] }],
    }).value;
    const ids = [...out.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const narrow = /<svg class="chart__svg chart__svg--narrow" viewBox="0 0 (\d+) /.exec(out)!;
    expect(Number(narrow[1])).toBe(NARROW_WIDTH);
    expect(NARROW_WIDTH).toBeLessThanOrEqual(320); // 320 px of text at its size on a 360 px phone
    expect(out).toContain('<tspan x="0">Goed openbaar bestuur in een veranderende</tspan>');
    expect(out).toContain('fill="url(#c3-narrow-p1)"');
  });


  it('an image with title and description, patterns and a legend, and the same numbers in a table; labels escaped', () => {
    const svg = stackedBarChart({
      id: 'c1', title: 'Titel', desc: 'Beschrijving', rowHeader: 'Opgave',
      series: [{ label: 'nieuw', pattern: PATTERNS[0]! }, { label: 'open <b>', pattern: PATTERNS[1]! }],
      rows: [{ label: '<script>x</script>', values: [2, 3] }, { label: 'Wonen', values: [0, 1] }],
    }).value;
    expect(svg).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="c1-title c1-desc"/);
    expect(svg).toContain('<title id="c1-title">Titel</title><desc id="c1-desc">Beschrijving</desc>');
    expect(svg).toContain('<pattern id="c1-p1"');
    expect(svg).toContain('fill="url(#c1-p1)"');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(svg).toMatch(/<details class="chart__data">\s*<summary>Toon de cijfers als tabel<\/summary>/);
    expect(svg.match(/<tr><th scope="row">/g)).toHaveLength(2);
    expect(svg).toContain('<td class="num">5</td>');
    const col = columnChart({ id: 'c2', title: 'Per week', desc: 'd', labels: ['a', 'b'], values: [0, 7], labelHeader: 'Week', valueHeader: 'Aantal' }).value;
    // drawn wide and narrow (the stylesheet shows one): in each, no bar for 0
    const drawings = col.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(drawings.map((d) => /chart__svg--(wide|narrow)/.exec(d)![1])).toEqual(['wide', 'narrow']);
    for (const d of drawings) expect(d.match(/<rect /g)).toHaveLength(1);
    expect(col).toContain('<td class="num">7</td>');
  });
});

describe('dates: one Dutch form on every page', () => {
  it('weekday, day, month, year and time, in Amsterdam time across daylight saving', () => {
    expect(dateTimeText('2026-12-11T14:00:00.000Z')).toBe('vrijdag 11 december 2026, 15:00');
    expect(dateTimeText(new Date('2026-06-05T07:05:00Z'))).toBe('vrijdag 5 juni 2026, 09:05');
    expect(dateTimeText('2026-03-28T23:30:00Z')).toBe('zondag 29 maart 2026, 00:30'); // CET
    expect(dateTimeText('2026-03-29T01:30:00Z')).toBe('zondag 29 maart 2026, 03:30'); // CEST from 02:00
    expect(dateText('2026-12-31T23:30:00Z')).toBe('vrijdag 1 januari 2027'); // already the next day in Amsterdam
    expect(dateTimeText('2026-11-27T14:00:00Z', 'Europe/London')).toBe('vrijdag 27 november 2026, 14:00');
    expect(dayText('2026-12-15')).toBe('dinsdag 15 december 2026');
    expect(shortDayText('2026-06-01')).toBe('1 jun');
    // not a date: shown as it is, never "Invalid Date"
    expect(dateTimeText('gisteren')).toBe('gisteren');
    expect(dayText('2026-13-45')).toBe('2026-13-45');
    expect(dayText('2026-02-30')).toBe('2026-02-30');
    expect(dateTimeHtml('2026-12-11T14:00:00.000Z').value).toBe('<time datetime="2026-12-11T14:00:00.000Z">vrijdag 11 december 2026, 15:00</time>');
    expect(dateHtml('<b>').value).toBe('&lt;b&gt;');
  });

  it('the chat writes dates the same way, in the reader\'s language', () => {
    expect(chatDateTime('2026-12-11T14:00:00.000Z', 'nl')).toBe('vrijdag 11 december 2026, 15:00');
    expect(chatDateTime('2026-12-11T14:00:00.000Z', 'en')).toBe('Friday 11 December 2026, 15:00');
    expect(chatDay('2026-12-15', 'en')).toBe('Tuesday 15 December 2026');
    expect(chatDate('2026-12-31T23:30:00Z', 'en')).toBe('Friday 1 January 2027');
  });
});

describe('names, not ids', () => {
  it('a status change shows the name kept with it, else a neutral label; never the account id', () => {
    expect(actorLabel({ by: 'aad:11111111-2222', byName: 'Cora Coördinator' })).toBe('Cora Coördinator');
    expect(actorLabel({ by: 'aad:11111111-2222' })).toBe('Een coördinator');
    expect(actorLabel({ by: FORGOTTEN_ACTOR })).toBe('Een coördinator (naam verwijderd)');
    // an older change by the person looking: their own name
    expect(actorLabel({ by: 'aad:11111111-2222' }, { id: 'aad:11111111-2222', name: 'Cora Coördinator' })).toBe('Cora Coördinator');
    expect(actorLabel({ by: 'aad:someone-else' }, { id: 'aad:11111111-2222', name: 'Cora Coördinator' })).toBe('Een coördinator');
    expect(reporterLabel({ reporter: { platform: 'local', userId: 'web-a7688135-secret-session' } }, 'anoniem')).toBe('Naam onbekend (via Webchat)');
    expect(reporterLabel({ reporter: { platform: 'slack', userId: 'U1', name: 'Alice' } }, 'anoniem')).toBe('Alice');
    expect(reporterLabel({}, 'anoniem')).toBe('anoniem');
  });

  it('channels by their platform name, else by kind and a short code; the web chat is "Webchat"', () => {
    const web = { platform: 'local' as const, channelKey: 'local:web-a7688135-1111-2222-3333-444444444444' };
    expect(channelLabel(web, { kind: 'personal' })).toBe('Webchat');
    expect(channelLabel({ platform: 'slack', channelKey: 'slack:C0TEAM' }, { kind: 'channel', name: 'team-ibp' })).toBe('team-ibp');
    expect(channelLabel({ platform: 'slack', channelKey: 'slack:C0TEAM' }, { kind: 'channel' })).toMatch(/^Slack-kanaal [0-9a-f]{4}$/);
    expect(channelLabel({ platform: 'teams', channelKey: 'teams:19:abc@thread.tacv2' }, { kind: 'group' })).toMatch(/^Teams-groepschat [0-9a-f]{4}$/);
    expect(channelLabel({ platform: 'teams', channelKey: 'teams:a:1x' })).toMatch(/^Teams-gesprek [0-9a-f]{4}$/);
    // two web chats on one page can still be told apart, without their session ids
    const labels = channelLabels([web, { platform: 'local', channelKey: 'local:web-b0000000' }, web]);
    expect([...labels.values()]).toEqual([`Webchat ${shortCode(web.channelKey)}`, `Webchat ${shortCode('local:web-b0000000')}`]);
    expect(JSON.stringify([...labels.values()])).not.toMatch(/a7688135|b0000000/);
    expect([...channelLabels([web]).values()]).toEqual(['Webchat']);
  });
});

describe('planning rows', () => {
  it('next run in the channel time zone, paused and last result in Dutch', () => {
    const base = {
      channelKey: 'slack:C1', platform: 'slack' as const, conversationId: 'C1', locale: 'nl' as const, questionCursor: 0, history: [], createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z',
      schedule: { recurrence: { kind: 'weekly' as const, days: [5] }, hour: 15, minute: 0, timeZone: 'Europe/Amsterdam', skipHolidays: true },
    };
    const subs: NudgeSubscription[] = [
      { ...base, id: 'a', kind: 'nudge', schema: 'elke vrijdag 15:00', status: 'active', nextSlotAt: '2026-11-27T14:00:00.000Z', lastResult: { slot: '2026-11-20T14:00:00.000Z', status: 'sent', at: '2026-11-20T14:00:01.000Z' } },
      { ...base, id: 'b', kind: 'digest', schema: 'eerste werkdag van de maand 9:00', status: 'paused', pausedReason: 'channel_not_found', nextSlotAt: '2026-12-01T08:00:00.000Z' },
      { ...base, id: 'c', kind: 'nudge', schema: 'elke vrijdag 15:00', status: 'active', pausedUntil: '2026-12-15', nextSlotAt: '2026-12-18T14:00:00.000Z' },
    ];
    expect(planningRows(subs, new Date('2026-11-23T10:00:00Z'))).toEqual([
      { platform: 'Slack', channel: 'Slack-gesprek 6430', kind: 'herinnering', schema: 'elke vrijdag 15:00', timeZone: 'Nederlandse tijd', next: 'vrijdag 27 november 2026, 15:00', paused: 'nee', last: 'verstuurd, vrijdag 20 november 2026, 15:00' },
      { platform: 'Slack', channel: 'Slack-gesprek 6430', kind: 'maandoverzicht', schema: 'eerste werkdag van de maand 9:00', timeZone: 'Nederlandse tijd', next: '', paused: 'ja, want de bot kan het kanaal niet bereiken', last: 'geen' },
      { platform: 'Slack', channel: 'Slack-gesprek 6430', kind: 'herinnering', schema: 'elke vrijdag 15:00', timeZone: 'Nederlandse tijd', next: 'vrijdag 18 december 2026, 15:00', paused: 'ja, tot dinsdag 15 december 2026', last: 'geen' },
    ]);
  });
});

describe('the store lists the dashboard reads are copies', () => {
  it('changing a listed knelpunt or reflection changes nothing in the store', async () => {
    const store = LowdbStore.openInMemory();
    const { knelpunt } = await store.knelpunten.create({ opgave: 'anders', beschrijving: 'Een knelpunt om te kopiëren.', overheden: ['rijk'], urgentie: 'laag', anoniem: false, reporter: { platform: 'slack', userId: 'U1', name: 'A' }, platform: 'slack' }, 'c1', new Date());
    await store.knelpunten.changeStatus(knelpunt.ref, { at: new Date().toISOString(), by: 'aad:x', from: 'nieuw', to: 'in_behandeling' });
    const [listed] = await store.knelpunten.list();
    listed!.overheden.push('gemeente');
    listed!.reporter!.name = 'B';
    listed!.history[0]!.by = 'someone else';
    listed!.history.push({ at: '', by: '', from: 'nieuw', to: 'opgelost' });
    expect(await store.knelpunten.get(knelpunt.ref)).toMatchObject({ overheden: ['rijk'], reporter: { name: 'A' }, history: [{ by: 'aad:x' }] });
    expect((await store.knelpunten.get(knelpunt.ref))!.history).toHaveLength(1);
    await store.reflections.add({ channelKey: 'slack:C1', platform: 'slack', anonymous: true, goed: 'x', locale: 'nl', createdAt: new Date().toISOString() });
    const [r] = await store.reflections.list();
    r!.goed = 'changed';
    expect((await store.reflections.list())[0]!.goed).toBe('x');
  });
});

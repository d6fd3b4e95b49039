import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Outbox, ProactiveResult } from '../src/core/outbox.js';
import type { Reply } from '../src/core/reply.js';
import { toPlainText } from '../src/domain/richtext.js';
import { openReflectieQuestions, type ReflectieQuestions } from '../src/knowledge/reflectie.js';
import { createLogger } from '../src/log.js';
import { anchorSchedule, describeSchedule, nextSlot, parseSchedule, type Schedule } from '../src/domain/schedule.js';
import { NudgeScheduler, previousMonth } from '../src/scheduler/scheduler.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { NudgeSubscription, Store } from '../src/store/types.js';
import { LogCapture, RecordingOutbox, shippedKnowledge } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

let questions: ReflectieQuestions;
const loadQuestions = async (): Promise<ReflectieQuestions> => (questions ??= await openReflectieQuestions(path.resolve('knowledge')));

const schedule = (text: string, from = new Date('2026-11-01T00:00:00Z')): Schedule => {
  const r = parseSchedule(text);
  if (!r.ok) throw new Error(text);
  return anchorSchedule(r.schedule, from);
};

function subscription(i: number, s: Schedule, nextSlotAt: Date, over: Partial<NudgeSubscription> = {}): NudgeSubscription {
  const at = '2026-11-01T00:00:00.000Z';
  return {
    id: `sub-${i}`, kind: 'nudge', channelKey: `slack:C${i}`, platform: 'slack', conversationId: `C${i}`, schedule: s, schema: describeSchedule(s),
    locale: 'nl', status: 'active', nextSlotAt: nextSlotAt.toISOString(), questionCursor: i, history: [{ at, by: 'slack:U1', what: 'plan' }],
    createdAt: at, updatedAt: at, ...over,
  };
}

async function scheduler(store: Store, outbox: Outbox, now: () => Date, opts: { concurrency?: number; graceMinutes?: number } = {}) {
  const logs = new LogCapture();
  const s = new NudgeScheduler({
    store, knowledge: await shippedKnowledge(), questions: await loadQuestions(), outbox,
    log: createLogger({ level: 'debug', pretty: false, destination: logs }), now, graceMinutes: opts.graceMinutes ?? 120, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  return { s, logs };
}

const FRIDAY = schedule('elke vrijdag 15:00');
const SLOT = new Date('2026-11-27T14:00:00Z'); // Friday 27 November 2026, 15:00 Amsterdam
const textOf = (r: Reply): string => r.blocks.map((b) => (b.kind === 'text' ? toPlainText(b.rich) : b.kind === 'heading' || b.kind === 'context' ? b.text : '')).join('\n');

async function seed(store: Store, n: number, at = SLOT, over: Partial<NudgeSubscription> = {}): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => store.subscriptions.create(subscription(i, FRIDAY, at, over))));
}

/** An outbox that records, and after `limit` sends never answers again (the process "dies" mid fan-out). */
class DyingOutbox implements Outbox {
  sent: string[] = [];
  hanging: string[] = [];
  constructor(private readonly limit: number) {}
  async send(refKey: string): Promise<ProactiveResult> {
    if (this.sent.length >= this.limit) {
      this.hanging.push(refKey);
      return new Promise<ProactiveResult>(() => undefined);
    }
    this.sent.push(refKey);
    return { ok: true };
  }
  async sendToUser(): Promise<ProactiveResult> {
    return { ok: true };
  }
}

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('nudge scheduler: exactly once per (subscription, slot)', () => {
  it('1,000 due subscriptions are each sent once; a second run sends nothing', async () => {
    const store = LowdbStore.openInMemory();
    await seed(store, 1000);
    const outbox = new RecordingOutbox();
    const now = new Date(SLOT.getTime() + 30_000);
    const { s } = await scheduler(store, outbox, () => now);
    const first = await s.tick();
    expect(first).toMatchObject({ claimed: 1000, sent: 1000, failed: 0, skipped: 0 });
    expect(outbox.sent).toHaveLength(1000);
    expect(new Set(outbox.sent.map((x) => x.to)).size).toBe(1000);
    expect((await s.tick()).sent).toBe(0);
    const { s: other } = await scheduler(store, outbox, () => now); // a second scheduler on the same store
    expect((await other.tick()).sent).toBe(0);
    expect(outbox.sent).toHaveLength(1000);
    expect((await store.nudges.list({ status: ['sent'] })).length).toBe(1000);
    const sub = (await store.subscriptions.get('sub-7'))!;
    expect(sub).toMatchObject({ nextSlotAt: '2026-12-04T14:00:00.000Z', lastResult: { status: 'sent', slot: SLOT.toISOString() } });
    // the card: a question and the button that starts a reflection for this channel
    const card = outbox.sent.find((x) => x.to === 'slack:C7')!.reply;
    expect(textOf(card)).toMatch(/Tijd voor een korte reflectie/);
    const button = card.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []))[0]!;
    expect(button).toMatchObject({ action: 'reflectie.start', value: 'slack:C7' });
  }, 60_000);

  it.each([
    [1000, 8],
    [200, 1],
  ])('%i due, killed mid fan-out (concurrency %i) and started again: the rest is sent once, none twice, the in-flight ones recorded unconfirmed', async (total, concurrency) => {
    const dir = tempDir();
    const s1 = await LowdbStore.open({ dataDir: dir });
    await seed(s1, total);
    const now = new Date(SLOT.getTime() + 60_000);
    const half = total / 2;
    const dying = new DyingOutbox(half);
    const { s: a } = await scheduler(s1, dying, () => now, { concurrency });
    void a.tick(); // never finishes: its sends hang, like a process that was killed
    await until(() => dying.hanging.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(dying.sent).toHaveLength(half);
    expect(dying.hanging.length).toBeLessThanOrEqual(concurrency);
    await s1.close(); // the process is gone; what it claimed and marked is on disk

    const s2 = await LowdbStore.open({ dataDir: dir });
    const outbox = new RecordingOutbox();
    const { s: b, logs } = await scheduler(s2, outbox, () => new Date(now.getTime() + 60_000), { concurrency });
    const handed = [...dying.sent, ...dying.hanging]; // everything the first process gave to the platform
    const report = await b.tick();
    const second = outbox.sent.map((x) => x.to);
    expect(report.sent).toBe(total - handed.length);
    const all = [...handed, ...second];
    expect(all).toHaveLength(total); // every one handed to the platform once…
    expect(new Set(all).size).toBe(total); // …and none twice
    // the window in flight when it died is recorded unconfirmed and never re-sent
    const unconfirmed = (await s2.nudges.list({ status: ['unconfirmed'] })).map((n) => n.channelKey);
    expect(unconfirmed.length).toBeLessThanOrEqual(concurrency);
    for (const key of dying.hanging) expect(unconfirmed).toContain(key);
    for (const key of unconfirmed) expect(second).not.toContain(key);
    if (concurrency === 1) expect(unconfirmed).toEqual(dying.hanging); // exactly the one in flight
    expect((await s2.nudges.list({ status: ['sent'] })).length + unconfirmed.length).toBe(total);
    expect(logs.text).toMatch(/recorded as unconfirmed/);
    expect((await b.tick()).sent).toBe(0);
    await s2.close();
  }, 60_000);

  it('stop() lets the nudge being sent finish and starts no new one; the next start sends the rest', async () => {
    const store = LowdbStore.openInMemory();
    await seed(store, 5);
    const now = new Date(SLOT.getTime() + 1000);
    let release: (() => void) | null = null;
    const sent: string[] = [];
    const slow: Outbox = {
      send: (key) => new Promise<ProactiveResult>((resolve) => {
        release = () => {
          sent.push(key);
          resolve({ ok: true });
        };
      }),
      sendToUser: async () => ({ ok: true }),
    };
    const { s } = await scheduler(store, slow, () => now, { concurrency: 1 });
    const run = s.tick();
    await until(() => release !== null); // one nudge is with the platform
    const stopping = s.stop();
    release!();
    await stopping;
    await run;
    expect(sent).toHaveLength(1);
    expect((await store.nudges.list({ status: ['sent'] })).length).toBe(1);
    expect((await store.nudges.listQueued()).length).toBe(4);
    const outbox = new RecordingOutbox();
    const { s: next } = await scheduler(store, outbox, () => now);
    expect((await next.tick()).sent).toBe(4);
    expect([...sent, ...outbox.sent.map((x) => x.to)].sort()).toEqual(['slack:C0', 'slack:C1', 'slack:C2', 'slack:C3', 'slack:C4']);
  });
});

describe('nudge scheduler: missed slots, holidays, gone channels, rotation, DST', () => {
  it('a slot missed while down is sent when < NUDGE_GRACE_MINUTES late, otherwise skipped and recorded', async () => {
    const store = LowdbStore.openInMemory();
    await store.subscriptions.create(subscription(1, FRIDAY, SLOT));
    await store.subscriptions.create(subscription(2, FRIDAY, new Date('2026-11-13T14:00:00Z'))); // down for two weeks
    const outbox = new RecordingOutbox();
    const now = new Date(SLOT.getTime() + 119 * 60_000);
    const { s } = await scheduler(store, outbox, () => now);
    await s.tick();
    expect(outbox.sent.map((x) => x.to)).toEqual(['slack:C1', 'slack:C2']); // sub-2: only the newest missed slot
    expect((await store.nudges.list({ subscriptionId: 'sub-2' })).map((n) => [n.slot, n.status])).toEqual([
      ['2026-11-13T14:00:00.000Z', 'skipped-late'], ['2026-11-20T14:00:00.000Z', 'skipped-late'], ['2026-11-27T14:00:00.000Z', 'sent'],
    ]);
    const late = LowdbStore.openInMemory();
    await late.subscriptions.create(subscription(3, FRIDAY, SLOT));
    const o2 = new RecordingOutbox();
    const { s: s2 } = await scheduler(late, o2, () => new Date(SLOT.getTime() + 121 * 60_000));
    await s2.tick();
    expect(o2.sent).toEqual([]);
    expect((await late.subscriptions.get('sub-3'))).toMatchObject({ lastResult: { status: 'skipped-late' }, nextSlotAt: '2026-12-04T14:00:00.000Z' });
  });

  it('no nudge on a Dutch public holiday (Koningsdag 2025 on Saturday 26 April); the skipped slot is recorded', async () => {
    const store = LowdbStore.openInMemory();
    const saturday = schedule('elke zaterdag 10:00', new Date('2025-04-01T00:00:00Z'));
    const kd = new Date('2025-04-26T08:00:00Z');
    await store.subscriptions.create(subscription(1, saturday, kd));
    await store.subscriptions.create(subscription(2, { ...saturday, skipHolidays: false }, kd));
    const outbox = new RecordingOutbox();
    const { s } = await scheduler(store, outbox, () => new Date(kd.getTime() + 60_000));
    await s.tick();
    expect(outbox.sent.map((x) => x.to)).toEqual(['slack:C2']);
    expect(await store.nudges.get('sub-1', kd.toISOString())).toMatchObject({ status: 'skipped-holiday', detail: 'Koningsdag' });
  });

  it('a channel where the bot was removed: recorded, its subscriptions paused, not retried', async () => {
    const store = LowdbStore.openInMemory();
    await store.subscriptions.create(subscription(1, FRIDAY, SLOT));
    await store.subscriptions.create(subscription(2, FRIDAY, new Date('2026-12-01T08:00:00Z'), { kind: 'digest', channelKey: 'slack:C1' }));
    let calls = 0;
    const gone: Outbox = { send: async () => { calls++; return { ok: false, gone: true, reason: 'channel_not_found' }; }, sendToUser: async () => ({ ok: true }) };
    let now = new Date(SLOT.getTime() + 1000);
    const { s, logs } = await scheduler(store, gone, () => now);
    expect((await s.tick()).gone).toBe(1);
    expect(await store.nudges.get('sub-1', SLOT.toISOString())).toMatchObject({ status: 'gone', detail: 'channel_not_found' });
    const subs = await store.subscriptions.list({ channelKey: 'slack:C1' });
    expect(subs.map((x) => [x.status, x.pausedReason, x.history.at(-1)?.by])).toEqual([['paused', 'channel_not_found', 'system'], ['paused', 'channel_not_found', 'system']]);
    now = new Date('2026-12-04T14:00:30Z');
    await s.tick();
    expect(calls).toBe(1);
    expect(logs.text).toMatch(/subscriptions paused/);
  });

  it('a failed send is recorded as failed and not retried (at most once)', async () => {
    const store = LowdbStore.openInMemory();
    await store.subscriptions.create(subscription(1, FRIDAY, SLOT));
    let calls = 0;
    const failing: Outbox = { send: async () => { calls++; return { ok: false, gone: false, reason: 'rate_limited after retries' }; }, sendToUser: async () => ({ ok: true }) };
    const { s } = await scheduler(store, failing, () => new Date(SLOT.getTime() + 1000));
    expect((await s.tick()).failed).toBe(1);
    await s.tick();
    expect(calls).toBe(1);
    expect((await store.subscriptions.get('sub-1'))?.lastResult).toMatchObject({ status: 'failed', detail: 'rate_limited after retries' });
  });

  it('rotates questions: never the same one twice in a row, every zekerheid comes by; DST does not shift or duplicate (ticks every 30 min)', async () => {
    const store = LowdbStore.openInMemory();
    const first = nextSlot(FRIDAY, new Date('2026-03-01T00:00:00Z'));
    await store.subscriptions.create(subscription(1, FRIDAY, first, { questionCursor: 0 }));
    const outbox = new RecordingOutbox();
    let now = new Date('2026-03-01T00:00:00Z');
    const { s } = await scheduler(store, outbox, () => now);
    const sentAt: string[] = [];
    const nudges: { slot: string; questionId: string }[] = [];
    const end = new Date('2026-11-07T00:00:00Z').getTime();
    for (; now.getTime() < end; now = new Date(now.getTime() + 30 * 60_000)) {
      const before = outbox.sent.length;
      await s.tick();
      if (outbox.sent.length > before) {
        sentAt.push(now.toISOString());
        const sub = (await store.subscriptions.get('sub-1'))!;
        expect(sub.lastResult?.status).toBe('sent');
        nudges.push({ slot: sub.lastResult!.slot, questionId: sub.lastQuestionId! });
      }
    }
    // every Friday from 6 March to 6 November (no Dutch holiday falls on a Friday in that span; Goede Vrijdag is none)
    expect(nudges.length).toBe(36);
    expect(outbox.sent.length).toBe(36);
    expect(new Set(nudges.map((n) => n.slot)).size).toBe(36);
    const hours = new Set(nudges.map((n) => new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit' }).format(new Date(n.slot))));
    expect([...hours]).toEqual(['15:00']);
    expect(nudges.some((n) => n.slot === '2026-03-27T14:00:00.000Z')).toBe(true); // Friday before the March change
    expect(nudges.some((n) => n.slot === '2026-04-03T13:00:00.000Z')).toBe(true); // Friday after it
    expect(nudges.some((n) => n.slot === '2026-10-30T14:00:00.000Z')).toBe(true); // Friday after the October change
    expect(sentAt.every((t, i) => i === 0 || t > sentAt[i - 1]!)).toBe(true);
    const ids = nudges.map((n) => n.questionId!);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).not.toBe(ids[i - 1]);
    const zek = new Set(ids.map((id) => questions.get(id)!.zekerheid));
    expect(zek.size).toBe(7);
  }, 60_000);

  it('monthly digest: shared reflections of last month in that channel, grouped by opgave and zekerheid; empty months are skipped', async () => {
    const store = LowdbStore.openInMemory();
    const digest = schedule('eerste werkdag van de maand 9:00');
    const dec1 = new Date('2026-12-01T08:00:00Z');
    await store.subscriptions.create(subscription(1, digest, dec1, { kind: 'digest', channelKey: 'slack:CD' }));
    await store.subscriptions.create(subscription(2, digest, dec1, { kind: 'digest', channelKey: 'slack:CEMPTY' }));
    const base = { platform: 'slack' as const, locale: 'nl' as const };
    await store.reflections.add({ ...base, channelKey: 'slack:CD', goed: 'Samen de woningbouw gepland', opgave: 'opgave-wonen', zekerheid: 'zekerheid-2', anonymous: false, authorName: 'Anna', createdAt: '2026-11-03T10:00:00.000Z' });
    await store.reflections.add({ ...base, channelKey: 'slack:CD', beter: 'Eerder fouten bespreken', opgave: 'opgave-wonen', zekerheid: 'zekerheid-7', anonymous: true, createdAt: '2026-11-10T10:00:00.000Z' });
    await store.reflections.add({ ...base, channelKey: 'slack:CD', meenemen: 'Klimaatles', opgave: 'opgave-klimaat', anonymous: false, authorName: 'Bo', createdAt: '2026-11-20T10:00:00.000Z' });
    await store.reflections.add({ ...base, channelKey: 'slack:CD', goed: 'Oud nieuws', anonymous: false, authorName: 'Cor', createdAt: '2026-10-20T10:00:00.000Z' });
    await store.reflections.add({ ...base, channelKey: 'slack:COTHER', goed: 'Ander kanaal', anonymous: false, authorName: 'Dirk', createdAt: '2026-11-20T10:00:00.000Z' });
    const outbox = new RecordingOutbox();
    const { s } = await scheduler(store, outbox, () => new Date(dec1.getTime() + 60_000));
    await s.tick();
    expect(outbox.sent.map((x) => x.to)).toEqual(['slack:CD']);
    const text = textOf(outbox.sent[0]!.reply);
    expect(text).toMatch(/Wat we leerden in november 2026/);
    expect(text).toMatch(/3 gedeelde reflecties/);
    expect(text).toMatch(/Samen aan de slag voor het klimaat[\s\S]*Klimaatles/);
    expect(text).toMatch(/2\. Een gezamenlijke opgave[\s\S]*Anna[\s\S]*Samen de woningbouw[\s\S]*7\. Er gaan altijd[\s\S]*anoniem[\s\S]*Eerder fouten/);
    expect(text).not.toMatch(/Oud nieuws|Ander kanaal|Dirk|Cor/);
    expect(await store.nudges.get('sub-2', dec1.toISOString())).toMatchObject({ status: 'skipped-empty' });
  });

  it('previousMonth: bounds in the zone, and a label', () => {
    expect(previousMonth(new Date('2027-01-04T08:00:00Z'), 'Europe/Amsterdam', 'en')).toEqual({
      since: '2026-11-30T23:00:00.000Z', until: '2026-12-31T23:00:00.000Z', label: 'December 2026',
    });
  });
});

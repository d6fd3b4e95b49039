import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { nudgeRows } from '../src/cli/nudges.js';
import { anchorSchedule, describeSchedule, digestSchedule, parseSchedule, type Schedule } from '../src/domain/schedule.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import type { NudgeSubscription } from '../src/store/types.js';
import { tempDir } from './helpers/tmp.js';

const exec = promisify(execFile);
const at = '2026-11-20T10:00:00.000Z';
const sched = (text: string): Schedule => {
  const r = parseSchedule(text);
  if (!r.ok) throw new Error(text);
  return anchorSchedule(r.schedule, new Date(at));
};
const sub = (id: string, s: Schedule, over: Partial<NudgeSubscription>): NudgeSubscription => ({
  id, kind: 'nudge', channelKey: `slack:${id}`, platform: 'slack', conversationId: id, schedule: s, schema: describeSchedule(s), locale: 'nl', status: 'active',
  nextSlotAt: '2026-11-27T14:00:00.000Z', questionCursor: 0, history: [{ at, by: 'slack:U1', what: 'plan' }], createdAt: at, updatedAt: at, ...over,
});

async function seed(dir: string): Promise<LowdbStore> {
  const store = await LowdbStore.open({ dataDir: dir });
  await store.subscriptions.create(sub('C1', sched('elke vrijdag 15:00'), { lastResult: { slot: '2026-11-20T14:00:00.000Z', status: 'sent', at } }));
  await store.subscriptions.create(sub('C1', digestSchedule('Europe/Amsterdam'), { id: 'C1-digest', kind: 'digest', schema: 'eerste werkdag van de maand 9:00', nextSlotAt: '2026-12-01T08:00:00.000Z' }));
  await store.subscriptions.create(sub('C2', sched('elke vrijdag 15:00 tijdzone Europe/London'), { platform: 'teams', channelKey: 'teams:19:abc', conversationId: '19:abc', nextSlotAt: '2026-11-27T15:00:00.000Z' }));
  await store.subscriptions.create(sub('C3', sched('elke werkdag 16:45'), { status: 'paused', pausedReason: 'channel_not_found', lastResult: { slot: '2026-11-19T15:45:00.000Z', status: 'gone', at, detail: 'channel_not_found' } }));
  await store.subscriptions.create(sub('C4', sched('om de week maandag 9:30'), { pausedUntil: '2026-12-14', nextSlotAt: '2026-12-14T08:30:00.000Z' }));
  await store.subscriptions.create(sub('C5', sched('elke vrijdag 15:00'), { status: 'stopped', nextSlotAt: '2026-12-25T14:00:00.000Z' }));
  return store;
}

describe('ibp-bot nudges', () => {
  it('rows: next run as date and time in the subscription zone (holidays skipped), paused or not, last result', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const rows = nudgeRows([
      sub('C1', sched('elke vrijdag 15:00'), { lastResult: { slot: '2026-11-20T14:00:00.000Z', status: 'sent', at } }),
      sub('C2', sched('elke vrijdag 15:00 tijdzone Europe/London'), { nextSlotAt: '2026-11-27T15:00:00.000Z' }),
      sub('C6', sched('elke vrijdag 15:00'), { nextSlotAt: '2026-12-25T14:00:00.000Z' }), // Kerstmis, then nieuwjaarsdag
    ], now);
    expect(rows.map((r) => [r.platform, r.channel, r.schema, r.timeZone, r.nextRun, r.paused, r.lastResult])).toEqual([
      ['slack', 'C1', 'elke vrijdag 15:00', 'Europe/Amsterdam', '2026-11-27 15:00', 'no', 'sent 2026-11-20 15:00'],
      ['slack', 'C2', 'elke vrijdag 15:00 tijdzone Europe/London', 'Europe/London', '2026-11-27 15:00', 'no', ''],
      ['slack', 'C6', 'elke vrijdag 15:00', 'Europe/Amsterdam', '2027-01-08 15:00', 'no', ''],
    ]);
  });

  it('lists every subscription from DATA_DIR while the server holds the store (read-only), as a table and as JSON', async () => {
    const dir = tempDir();
    const server = await seed(dir); // stays open: the lock is held, like a running server
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(`ERR ${s}`) };
    expect(await runCli(['nudges'], { DATA_DIR: dir, NODE_ENV: 'test' }, io)).toBe(0);
    const table = out.join('\n');
    expect(table.split('\n')[0]).toMatch(/^platform\s+channel\s+kind\s+schema\s+time zone\s+next run\s+paused\s+last result$/);
    expect(table).toMatch(/slack\s+C1\s+nudge\s+elke vrijdag 15:00\s+Europe\/Amsterdam\s+2026-11-27 15:00\s+no\s+sent 2026-11-20 15:00/);
    expect(table).toMatch(/slack\s+C1\s+digest\s+eerste werkdag van de maand 9:00\s+Europe\/Amsterdam\s+2026-12-01 09:00\s+no/);
    expect(table).toMatch(/teams\s+19:abc\s+nudge\s+elke vrijdag 15:00 tijdzone Europe\/London\s+Europe\/London\s+2026-11-27 15:00/);
    expect(table).toMatch(/C3\s+nudge\s+elke werkdag 16:45\s+Europe\/Amsterdam\s+yes \(channel_not_found\)\s+gone 2026-11-19 16:45 \(channel_not_found\)/);
    expect(table).toMatch(/C4\s+nudge\s+om de week maandag 9:30\s+Europe\/Amsterdam\s+2026-12-14 09:30\s+until 2026-12-14/);
    expect(table).toMatch(/C5\s+nudge\s+elke vrijdag 15:00\s+Europe\/Amsterdam\s+stopped/);

    const { stdout } = await exec(process.execPath, ['bin/ibp-bot.js', 'nudges', '--json'], { env: { ...process.env, DATA_DIR: dir, NODE_ENV: 'test' } });
    const rows = JSON.parse(stdout) as { channel: string; nextRun: string; paused: string }[];
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.channel === '19:abc')).toMatchObject({ nextRun: '2026-11-27 15:00', paused: 'no' });
    await server.close();
  }, 30_000);

  it('says so when there is no data file yet', async () => {
    const err: string[] = [];
    const code = await runCli(['nudges'], { DATA_DIR: path.join(tempDir(), 'none'), NODE_ENV: 'test' }, { out: () => undefined, err: (s) => err.push(s) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/No data file/);
  });
});

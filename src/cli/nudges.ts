import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { nextRun } from '../domain/schedule.js';
import { formatLocal } from '../domain/time.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import type { NudgeSubscription } from '../store/types.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface NudgeRow {
  platform: string;
  channel: string;
  kind: string;
  schema: string;
  timeZone: string;
  /** `2026-11-27 15:00` in the subscription's zone; empty when it will not run. */
  nextRun: string;
  paused: string;
  lastResult: string;
}

/** One row per subscription. Pure: `now` only decides whether a pause is over. */
export function nudgeRows(subs: NudgeSubscription[], now: Date): NudgeRow[] {
  return subs.map((s) => {
    const tz = s.schedule.timeZone;
    const today = formatLocal(now, tz).slice(0, 10);
    const paused =
      s.status === 'stopped' ? 'stopped'
      : s.status === 'paused' ? `yes (${s.pausedReason ?? 'paused'})`
      : s.pausedUntil && s.pausedUntil > today ? `until ${s.pausedUntil}`
      : 'no';
    return {
      platform: s.platform,
      channel: s.conversationId,
      kind: s.kind,
      schema: s.schema,
      timeZone: tz,
      nextRun: s.status === 'active' ? formatLocal(nextRun(s.schedule, new Date(s.nextSlotAt)), tz) : '',
      paused,
      lastResult: s.lastResult ? `${s.lastResult.status} ${formatLocal(new Date(s.lastResult.slot), tz)}${s.lastResult.detail ? ` (${s.lastResult.detail})` : ''}` : '',
    };
  });
}

const HEAD: NudgeRow = { platform: 'platform', channel: 'channel', kind: 'kind', schema: 'schema', timeZone: 'time zone', nextRun: 'next run', paused: 'paused', lastResult: 'last result' };

export function formatRows(rows: NudgeRow[]): string {
  const keys = Object.keys(HEAD) as (keyof NudgeRow)[];
  const all = [HEAD, ...rows];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<keyof NudgeRow, number>;
  return all.map((r) => keys.map((k, i) => (i === keys.length - 1 ? r[k] : r[k].padEnd(width[k]))).join('  ').trimEnd()).join('\n');
}

/** `ibp-bot nudges [--json]`: every reflectie subscription; reads the store read-only (DATA_DIR or DATABASE_URL), also while the server runs. */
export async function nudgesCommand(config: Config, args: string[], io: Io, now: Date = new Date()): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const store = await openStore(config, createLogger({ level: 'silent', pretty: false }), { readOnly: true });
  try {
    const subs = (await store.subscriptions.list()).sort((a, b) => a.channelKey.localeCompare(b.channelKey) || a.kind.localeCompare(b.kind) || a.createdAt.localeCompare(b.createdAt));
    const rows = nudgeRows(subs, now);
    if (values.json) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.out('No reflectie subscriptions yet (plan one in a channel: reflectie plan elke vrijdag 15:00).');
    else io.out(formatRows(rows));
    return 0;
  } finally {
    await store.close();
  }
}

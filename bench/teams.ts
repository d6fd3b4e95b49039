import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from '../tests/helpers/core.js';
import { FakeConnector } from '../tests/helpers/fake-connector.js';
import { personalMessage } from '../tests/helpers/teams-activities.js';
import { tempDir } from '../tests/helpers/tmp.js';
import { finish, type Row } from './report.js';
import { ms, summarise, type Summary } from './stats.js';

/**
 * Teams turn latency per transport (TEAMS_SDK), side by side in one run: a message
 * activity POSTed to /api/messages until its reply arrives at a local fake Bot Connector.
 * Both bots run at once (anonymous, loopback, lowdb, default settings) and take turns, so
 * drift on a shared machine hits both alike. Each message comes from another user: the
 * per-user rate limit stays on, as users get it, and is never hit.
 */
export const TEAMS_SDKS = ['botbuilder', 'agents'] as const;

export interface TeamsBench {
  sdk: (typeof TEAMS_SDKS)[number];
  latency: Summary;
}

const QUESTIONS = ['Wat is de zevende zekerheid?', 'Welke opgaven zijn er?', 'help', 'Wat doet het IBP?', 'Hoe meld ik een knelpunt?'];

export async function teamsBenchmark(n = 300, warmup = 30): Promise<TeamsBench[]> {
  const connector = await new FakeConnector().start();
  const bots: RunningBot[] = [];
  const waiting = new Map<string, () => void>();
  connector.onCall = (call) => {
    if (call.activityId) waiting.get(call.activityId)?.();
  };
  try {
    for (const sdk of TEAMS_SDKS) {
      bots.push(
        await startBot(
          { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'silent', TEAMS_SDK: sdk },
          { logDestination: new LogCapture(), schedulerIntervalMs: 0 },
        ),
      );
    }
    const samples: number[][] = TEAMS_SDKS.map(() => []);
    let seq = 0;
    const turn = async (bot: RunningBot): Promise<number> => {
      seq += 1;
      const activity = personalMessage(connector.url, QUESTIONS[seq % QUESTIONS.length]!, {
        from: { id: `29:bench-user-${seq}`, name: 'Bench', aadObjectId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}` },
        conversation: { conversationType: 'personal', id: `a:bench-conversation-${seq}` },
      });
      const replied = new Promise<void>((resolve) => waiting.set(String(activity.id), resolve));
      const t0 = performance.now();
      const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      await res.text();
      if (res.status !== 200) throw new Error(`teams bench: HTTP ${res.status}`);
      await replied;
      waiting.delete(String(activity.id));
      return performance.now() - t0;
    };
    for (let i = 0; i < warmup; i++) for (const bot of bots) await turn(bot);
    for (let i = 0; i < n; i++) {
      // Alternate which transport goes first, so neither always follows the other.
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) samples[k]!.push(await turn(bots[k]!));
      if (i % 50 === 0) connector.reset();
    }
    return TEAMS_SDKS.map((sdk, k) => ({ sdk, latency: summarise(samples[k]!) }));
  } finally {
    for (const b of bots) await b.close();
    await connector.close();
  }
}

/** The rows for `npm run bench`: p50 and p99 per transport, side by side. */
export function teamsRows(results: readonly TeamsBench[]): Row[] {
  return results.flatMap((r) => [
    { name: `Teams turn latency (TEAMS_SDK=${r.sdk}), message in -> reply at the connector, p50`, value: ms(r.latency.median), target: '', ok: true },
    { name: `Teams turn latency (TEAMS_SDK=${r.sdk}), p99 (n=${r.latency.n})`, value: ms(r.latency.p99), target: '', ok: true },
  ]);
}

// `npx tsx bench/teams.ts [n]`: this part alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  finish(teamsRows(await teamsBenchmark(Number(process.argv[2] ?? 300))));
}

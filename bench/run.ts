/**
 * `npm run bench`: performance targets are checked here, not in timed unit tests.
 * Prints a table and exits 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKnowledge } from '../src/knowledge/load.js';
import { answerLatency, generateKnowledge, hugeQuestionLatency, indexBuildCost, questionSet, reloadBlocking, retryQuestionSet } from './knowledge.js';
import { ms } from './stats.js';
import { operationsCost } from './operations.js';
import { storeBenchmarks } from './store.js';
import { dashboardBenchmark } from './dashboard.js';
import { PARSER_TARGET_MS, parsersBenchmark } from './parsers.js';
import { evalBenchmark } from './eval.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import { startPostgres } from '../tests/helpers/pg.js';
import { finish, type Row } from './report.js';
import { startupAtSize, storeCosts } from './store-cost.js';
import { teamsBenchmark, teamsRows } from './teams.js';


/** Time from `npm start`-equivalent spawn to the "ready" log line (tsx, like `npm start`). */
async function startupTime(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ibp-bench-')), NODE_ENV: 'production', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('ibp-bot ready')) {
        const t = performance.now() - t0;
        child.kill('SIGTERM');
        resolve(t);
      }
    });
    child.on('exit', (code) => reject(new Error(`bot exited (${code}) before ready:\n${buf}`)));
  });
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const { entries, errors } = await loadKnowledge(path.resolve('knowledge'));
  if (errors.length > 0) throw new Error('knowledge base invalid; run `npm run cli -- validate`');

  // Answering quality first: it is quick, and a missed target there matters most (bench/eval.ts).
  rows.push(...(await evalBenchmark()).rows);

  const q1 = questionSet(entries, 2000);
  const shipped = await answerLatency(entries, q1);
  rows.push({ name: `answer latency, shipped KB (${entries.length} entries), median`, value: ms(shipped.median), target: '', ok: true });
  rows.push({ name: `answer latency, shipped KB, p99 (n=${shipped.n})`, value: ms(shipped.p99), target: '< 5 ms', ok: shipped.p99 < 5 });

  // Questions the search does not answer at once get a second try with their typos corrected
  // (src/knowledge/spelling.ts): the slow path, timed on its own.
  const retried = await answerLatency(entries, retryQuestionSet(2000));
  rows.push({ name: `answer latency, typo'd and out-of-domain questions (spelling retry), p99 (n=${retried.n})`, value: ms(retried.p99), target: '', ok: true });

  const huge = hugeQuestionLatency(entries);
  rows.push({ name: `huge question (${huge.chars.toLocaleString('en')} chars), search p99 (n=${huge.n})`, value: ms(huge.p99), target: '< 50 ms', ok: huge.p99 < 50 });

  // Every parser and cleaner of user text on its worst hostile case (bench/parsers.ts, issue #16).
  for (const p of await parsersBenchmark()) {
    const size = p.full ? '' : ` (only ${p.chars.toLocaleString('en')} chars timed)`;
    rows.push({ name: `parser ${p.parser}, 100,000 chars, worst: ${p.worstCase}${size} (CPU ${p.cpuMs.toFixed(1)}, wall ${p.wallMs.toFixed(1)} ms)`, value: ms(p.ms), target: `< ${PARSER_TARGET_MS} ms`, ok: p.ok });
  }

  const t0 = performance.now();
  const big = generateKnowledge(entries, 5000);
  const q2 = questionSet(big, 1000);
  const large = await answerLatency(big, q2);
  const buildMs = performance.now() - t0;
  rows.push({ name: 'answer latency, 5,000 entries, median', value: ms(large.median), target: '', ok: true });
  rows.push({ name: `answer latency, 5,000 entries, p99 (n=${large.n})`, value: ms(large.p99), target: '< 30 ms', ok: large.p99 < 30 });
  rows.push({ name: '5,000-entry index build + run (incl. generation)', value: `${buildMs.toFixed(0)} ms`, target: '', ok: true });

  // Start-up cost of the search index: the learned ranker is trained at every start.
  const small = indexBuildCost(entries);
  rows.push({ name: `learned ranker training, shipped KB (${small.examples} examples)`, value: `${small.trainingMs.toFixed(0)} ms`, target: '< 1 s', ok: small.trainingMs < 1000 });
  // A knowledge reload builds the new index in slices while the bot answers (src/server/reload.ts).
  for (const [label, base] of [['shipped KB', entries], ['5,000 entries', big]] as const) {
    const r = await reloadBlocking(base);
    rows.push({ name: `knowledge reload, ${label}: longest hold of the event loop / whole build (${r.slices} slices)`, value: `${r.longestMs.toFixed(0)} / ${r.totalMs.toFixed(0)} ms`, target: '', ok: true });
  }
  const cost = indexBuildCost(big);
  rows.push({ name: `learned ranker training, 5,000 entries (${cost.examples.toLocaleString('en')} examples, ${cost.parameters.toLocaleString('en')} weights), wall / CPU`, value: `${cost.trainingMs.toFixed(0)} / ${cost.trainingCpuMs.toFixed(0)} ms`, target: '', ok: true });
  rows.push({ name: '5,000 entries: lexical index build', value: `${cost.lexicalMs.toFixed(0)} ms`, target: '', ok: true });
  rows.push({ name: '5,000 entries: memory kept (heap + buffers) by the learned ranker / by the whole index', value: `${cost.trainingHeapMb.toFixed(1)} / ${cost.indexHeapMb.toFixed(1)} MB`, target: '', ok: true });

  // Teams turn latency per transport (TEAMS_SDK), both in one run (bench/teams.ts).
  rows.push(...teamsRows(await teamsBenchmark()));

  const startup = await startupTime();
  rows.push({ name: 'start-up to ready (tsx, like npm start)', value: `${startup.toFixed(0)} ms`, target: '', ok: true });

  // Both store backends side by side (bench/store.ts): lowdb on a data file, PostgreSQL embedded with fsync on.
  const stores = await storeBenchmarks(2000, 10_000);
  for (const b of stores) {
    rows.push({ name: `store: knelpunt submissions/s via the core Bot, 20 concurrent (${b.backend})`, value: `${b.knelpuntenPerSecond.toFixed(0)} /s`, target: '', ok: true });
  }
  for (const b of stores) {
    const limit = b.backend === 'lowdb' ? 1000 : 2000;
    rows.push({
      name: `scheduler: find + claim ${b.claimed.toLocaleString('en')} due subscriptions (${b.backend === 'lowdb' ? 'lowdb file' : 'PostgreSQL'})`,
      value: `${b.claimMs.toFixed(0)} ms`,
      target: `< ${limit / 1000} s`,
      ok: b.claimMs < limit && b.claimed === 10_000,
    });
  }

  // The store's cost per turn as the data grows (issue 17): lowdb must stay flat; PostgreSQL beside it.
  for (const c of await storeCosts()) {
    const size = c.size.toLocaleString('en');
    const lowdb = c.backend === 'lowdb';
    rows.push({ name: `store cost of an answered turn, ${size} records (${c.backend}), p99 (n=${c.answered.n})`, value: ms(c.answered.p99), target: lowdb ? '< 5 ms' : '', ok: !lowdb || c.answered.p99 < 5 });
    rows.push({ name: `store cost of an unanswered turn, ${size} records (${c.backend}), p99`, value: ms(c.unanswered.p99), target: '', ok: true });
    rows.push({ name: `store cost of a knelpunt, ${size} records (${c.backend}), p99`, value: ms(c.knelpunt.p99), target: lowdb ? '< 20 ms' : '', ok: !lowdb || c.knelpunt.p99 < 20 });
  }
  const atScale = await startupAtSize(100_000);
  rows.push({ name: 'start-up to ready with 100,000 records (lowdb)', value: `${atScale.ms.toFixed(0)} ms`, target: '', ok: true });
  rows.push({ name: 'resident memory after start-up with 100,000 records (lowdb)', value: `${atScale.rssMb.toFixed(0)} MB`, target: '', ok: true });

  const ops = await operationsCost(2000);
  const overhead = (ops.on.median - ops.off.median) / ops.off.median;
  rows.push({ name: 'web chat answer over HTTP, logging + metrics off, median', value: ms(ops.off.median), target: '', ok: true });
  rows.push({ name: `web chat answer over HTTP, LOG_LEVEL=info + metrics on, median (n=${ops.on.n})`, value: ms(ops.on.median), target: '', ok: true });
  rows.push({ name: 'cost of logging + metrics (median difference)', value: `${(overhead * 100).toFixed(1)} %`, target: '< 10 %', ok: overhead < 0.1 });
  rows.push({ name: 'web chat p99: off / on', value: `${ops.off.p99.toFixed(2)} / ${ops.on.p99.toFixed(2)} ms`, target: '', ok: true });

  // The dashboard overview with the volume; lowdb in memory (pass another opener for another backend).
  const dash = await dashboardBenchmark();
  const size = `${dash.sizes.knelpunten.toLocaleString('en')} knelpunten, ${dash.sizes.gaps.toLocaleString('en')} gaps, ${dash.sizes.reflections.toLocaleString('en')} reflections`;
  rows.push({ name: `dashboard overview, ${size} (${dash.backend} in memory), median`, value: ms(dash.overview.median), target: '', ok: true });
  rows.push({ name: `dashboard overview, p99 (n=${dash.overview.n})`, value: ms(dash.overview.p99), target: '< 200 ms', ok: dash.overview.p99 < 200 });
  // The same overview on PostgreSQL (embedded, fsync on).
  const pgServer = await startPostgres({ durable: true });
  try {
    const pgDash = await dashboardBenchmark(async () => PostgresStore.open({ url: await pgServer.createDatabase('benchdash') }));
    rows.push({ name: 'dashboard overview, same data (PostgreSQL), median', value: ms(pgDash.overview.median), target: '', ok: true });
    rows.push({ name: `dashboard overview (PostgreSQL), p99 (n=${pgDash.overview.n})`, value: ms(pgDash.overview.p99), target: '< 200 ms', ok: pgDash.overview.p99 < 200 });
  } finally {
    await pgServer.destroy();
  }
  rows.push({ name: `dashboard Kennisvragen (groups ${dash.sizes.gaps.toLocaleString('en')} questions), first view`, value: ms(dash.kennisvragenFirstMs), target: '', ok: true });
  rows.push({ name: 'dashboard Kennisvragen, later views, median', value: ms(dash.kennisvragen.median), target: '', ok: true });

  finish(rows);
}

await main();

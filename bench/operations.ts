import { mkdtempSync } from 'node:fs';
import { forwardedFor } from '../tests/helpers/people.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadKnowledge } from '../src/knowledge/load.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { questionSet } from './knowledge.js';
import { summarise, type Summary } from './stats.js';

/** A log sink that serialises nothing further: pino's own JSON work is what is measured. */
class Sink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.bytes += chunk.length;
    cb();
  }
}

async function start(on: boolean, sink: Sink): Promise<RunningBot> {
  return startBot(
    {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ibp-bench-ops-')), KNOWLEDGE_DIR: path.resolve('knowledge'),
      NODE_ENV: 'production', LOG_LEVEL: on ? 'info' : 'silent',
      // Measured through the web chat, which production turns off without sign-in unless an operator opens it.
      WEB_CHAT: 'open',
      ...(on ? { METRICS_TOKEN: 'bench-metrics-token-0123456789-abcdef' } : {}),
    },
    { logDestination: sink, schedulerIntervalMs: 0 },
  );
}

/**
 * What logging and metrics cost: answer latency through the local web chat adapter
 * (HTTP POST /api/chat into a running server), LOG_LEVEL=info with metrics on against
 * LOG_LEVEL=silent with metrics off. Requests alternate between the two servers, so
 * both see the same machine load.
 */
export async function operationsCost(count: number): Promise<{ on: Summary; off: Summary; logBytes: number }> {
  const { entries } = await loadKnowledge(path.resolve('knowledge'));
  const questions = questionSet(entries, count);
  const sinkOn = new Sink();
  const on = await start(true, sinkOn);
  const off = await start(false, new Sink());
  const samples: Record<'on' | 'off', number[]> = { on: [], off: [] };
  let i = 0;
  const ask = async (bot: RunningBot, text: string): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(`${bot.url}/api/chat`, {
      method: 'POST',
      // Ten questions per person (within the default 20 a minute), each person at their own address behind the proxy.
      headers: { 'content-type': 'application/json', ...forwardedFor(`bench-session-${Math.floor(i / 10)}`) },
      body: JSON.stringify({ session: `bench-session-${Math.floor(i / 10)}`, messageId: `bench-msg-${++i}-abcdef`, input: { kind: 'text', text } }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return performance.now() - t0;
  };
  try {
    for (const q of questions.slice(0, 100)) {
      await ask(on, q);
      await ask(off, q);
    }
    for (const [k, q] of questions.entries()) {
      // alternate which server goes first, so neither always gets a warm cache
      const order: ('on' | 'off')[] = k % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const which of order) samples[which].push(await ask(which === 'on' ? on : off, q));
    }
  } finally {
    await on.close();
    await off.close();
  }
  return { on: summarise(samples.on), off: summarise(samples.off), logBytes: sinkOn.bytes };
}

import { loadDevOod, withTypo } from './devset.js';
import { loadEvalSet } from './eval.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import { nullOutbox } from '../src/core/outbox.js';
import { Bot } from '../src/core/bot.js';
import type { Turn } from '../src/domain/turn.js';
import { DeliveryQueue } from '../src/core/deliveries.js';
import { KnowledgeBase } from '../src/knowledge/base.js';
import { EntryClassifier, trainingTexts } from '../src/knowledge/classifier.js';
import { LexicalIndex } from '../src/knowledge/lexical.js';
import { KnowledgeIndex } from '../src/knowledge/search.js';
import { parseMarkdown } from '../src/domain/richtext.js';
import type { KnowledgeEntry } from '../src/knowledge/types.js';
import { createLogger } from '../src/log.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { summarise, type Summary } from './stats.js';

/** Deterministic pseudo-random numbers, so every run measures the same work. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A knowledge base of `n` entries built from the shipped vocabulary plus made-up words. */
export function generateKnowledge(shipped: readonly KnowledgeEntry[], n: number): KnowledgeEntry[] {
  const rand = rng(42);
  const vocab = [...new Set(shipped.flatMap((e) => `${e.body} ${e.questions.join(' ')}`.toLowerCase().match(/[a-zà-ÿ]{4,}/g) ?? []))];
  const word = (): string => (rand() < 0.7 ? vocab[Math.floor(rand() * vocab.length)]! : `woord${Math.floor(rand() * 20000)}`);
  const words = (k: number): string => Array.from({ length: k }, word).join(' ');
  const out: KnowledgeEntry[] = [...shipped];
  for (let i = out.length; i < n; i++) {
    const body = `${words(40)}.\n\n- ${words(8)}\n- ${words(8)}\n\n${words(60)}.`;
    out.push({
      id: `gen-${i}`,
      type: 'programma',
      title: words(4),
      title_en: words(4),
      summary: words(20),
      summary_en: words(20),
      keywords: Array.from({ length: 8 }, word),
      questions: Array.from({ length: 6 }, () => `${words(6)}?`),
      related: [],
      body,
      bodyRich: parseMarkdown(body),
      file: `gen-${i}.md`,
    });
  }
  return out;
}

/** Questions users ask: every entry's example questions, titles, typos and unrelated ones. */
export function questionSet(entries: readonly KnowledgeEntry[], count: number): string[] {
  const rand = rng(7);
  const base = entries.slice(0, 200).flatMap((e) => [...e.questions, e.title, e.title.replace(/e/, 'ee')]);
  base.push('hoe laat is het', 'mijn laptop doet het niet', 'What is the IBP about?', 'zevende zekerheid', 'hallo', 'help');
  return Array.from({ length: count }, () => base[Math.floor(rand() * base.length)]!);
}

/** The tune half's questions and the dev out-of-domain ones, each with one typing error: most take the spelling retry. */
export function retryQuestionSet(count: number): string[] {
  const rand = rng(11);
  const base = [...loadEvalSet().filter((i) => i.split === 'tune'), ...loadDevOod()].map((i) => withTypo(i.q, rand));
  return Array.from({ length: count }, (_, i) => base[i % base.length]!);
}

/** Answer latency through the core (Bot.handle: routing, search, reply building, in-memory store). */
export async function answerLatency(entries: KnowledgeEntry[], questions: string[]): Promise<Summary> {
  const kb = new KnowledgeBase(entries);
  const log = createLogger({ level: 'silent', pretty: false });
  const outbox = nullOutbox('bench');
  const bot = new Bot({
    knowledge: kb,
    store: LowdbStore.openInMemory(),
    log,
    defaultLocale: 'nl',
    now: () => new Date(),
    outbox,
    deliveries: new DeliveryQueue(outbox, log),
  });
  const turn = (text: string, i: number): Turn => ({
    id: `bench-${i}`,
    platform: 'local',
    user: { id: 'bench' },
    conversation: { id: 'bench', kind: 'personal' },
    input: { kind: 'text', text },
    receivedAt: new Date(),
  });
  for (let i = 0; i < 100; i++) await bot.handle(turn(questions[i % questions.length]!, -i - 1)); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < questions.length; i++) {
    const t0 = performance.now();
    await bot.handle(turn(questions[i]!, i));
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

/** A pasted essay as a question: search time (the index alone) for 12,000+ characters. */
export function hugeQuestionLatency(entries: readonly KnowledgeEntry[], runs = 200): Summary & { chars: number } {
  const index = new KnowledgeIndex([...entries]);
  const huge = `${'klimaat '.repeat(2_000)}${'x'.repeat(10_000)}`;
  for (let i = 0; i < 20; i++) index.search(huge); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    index.search(huge);
    samples.push(performance.now() - t0);
  }
  return { ...summarise(samples), chars: huge.length };
}

export interface BuildCost {
  /** Building the lexical index (inverted index, typo index, names). */
  lexicalMs: number;
  /** Featurising the examples and training the learned ranker: wall clock, and this process's CPU time. */
  trainingMs: number;
  trainingCpuMs: number;
  examples: number;
  parameters: number;
  /** Memory kept (heap + typed-array buffers, MB) by the learned ranker, and by the whole index (lexical + learned), after a full GC. */
  trainingHeapMb: number;
  indexHeapMb: number;
}

/** A full garbage collection, so heap deltas count what is kept, not what is still to be collected. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** JS heap plus ArrayBuffer backing stores (where typed arrays keep their data, outside the heap). */
const heap = (gc: () => void): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** What building the search index costs at start-up, the learned ranker on its own and in total. */
/**
 * A knowledge reload's build (`KnowledgeBase.build`, slices with a pause between them, as
 * src/server/reload.ts does it): the longest stretch it holds the event loop (turns wait
 * that long at most), and the whole build.
 */
export async function reloadBlocking(entries: readonly KnowledgeEntry[]): Promise<{ longestMs: number; totalMs: number; slices: number }> {
  const started = performance.now();
  let last = started;
  let longest = 0;
  let slices = 0;
  await KnowledgeBase.build(entries, async () => {
    longest = Math.max(longest, performance.now() - last);
    slices += 1;
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  });
  const end = performance.now();
  return { longestMs: Math.max(longest, end - last), totalMs: end - started, slices: slices + 1 };
}

export function indexBuildCost(entries: readonly KnowledgeEntry[]): BuildCost {
  const gc = collector();
  const examples = entries.flatMap((e, entry) => trainingTexts(e).map((text) => ({ entry, text })));
  let before = heap(gc);
  let t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const classifier = new EntryClassifier(entries.length, examples);
  const trainingMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const trainingCpuMs = (cpu.user + cpu.system) / 1000;
  const trainingHeapMb = (heap(gc) - before) / 1e6;
  t0 = performance.now();
  const lexical = new LexicalIndex(entries);
  const lexicalMs = performance.now() - t0;
  before = heap(gc);
  const index = new KnowledgeIndex(entries);
  const indexHeapMb = (heap(gc) - before) / 1e6;
  // keep all three alive until measured
  if (!classifier || !lexical || !index) throw new Error('unreachable');
  return { lexicalMs, trainingMs, trainingCpuMs, examples: examples.length, parameters: classifier.parameters, trainingHeapMb, indexHeapMb };
}

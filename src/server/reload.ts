import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { KnowledgeBase } from '../knowledge/base.js';
import { loadKnowledge } from '../knowledge/load.js';
import { loadReflectieQuestions, REFLECTIE_DIR, ReflectieQuestions } from '../knowledge/reflectie.js';
import type { KnowledgeError } from '../knowledge/types.js';
import type { Logger } from '../log.js';

/** What set a reload off. */
export type ReloadTrigger = 'file change' | 'SIGHUP' | 'start';

export type ReloadResult =
  | { ok: true; trigger: ReloadTrigger; entries: number; ms: number; at: string }
  | { ok: false; trigger: ReloadTrigger; errors: KnowledgeError[]; entries: number; ms: number; at: string };

export interface ReloaderOptions {
  /** The live knowledge base: a valid new one is swapped into it. */
  knowledge: KnowledgeBase;
  /** The live reflection questions (`reflectie/`): swapped together with the knowledge base, or neither. */
  questions?: ReflectieQuestions;
  dir: string;
  log: Logger;
  now?: () => Date;
  /** Changes closer together than this make one reload (an editor saves in several steps). */
  debounceMs?: number;
  /** Where fs.watch is not available: how often the files' sizes and times are compared. */
  pollMs?: number;
  /** Told of every reload's result (the pid file's neighbour, for `ibp-bot reload`). */
  onResult?: (r: ReloadResult) => void;
}

export const RELOAD_DEBOUNCE_MS = 300;
export const RELOAD_POLL_MS = 2000;

/**
 * Reloads the knowledge base without a restart: on a change of a file in the knowledge
 * directory (fs.watch, recursive where the platform can; else polling of sizes and
 * modification times), and when asked (SIGHUP, `ibp-bot reload`). The new base is
 * validated in full and built (search index, learned ranker trained) before it is
 * swapped in with one assignment; a turn in flight keeps the base it started with
 * (`KnowledgeBase.pinned`). An invalid base is not swapped in: the old one stays, and
 * every error is logged, one line each with its file. One reload runs at a time; asks
 * that come in meanwhile make one more after it.
 */
export class KnowledgeReloader {
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<ReloadResult> | undefined;
  private again: { trigger: ReloadTrigger; waiters: ((r: ReloadResult) => void)[] } | undefined;
  private stopped = false;
  /** `watch` or `poll`, once started. */
  mode: 'watch' | 'poll' | 'off' = 'off';

  constructor(private readonly opts: ReloaderOptions) {}

  /** Starts watching the directory. */
  async start(): Promise<void> {
    const onChange = (name: string | Buffer | null): void => {
      const file = name === null ? '' : String(name);
      // Editors write swap and backup files beside the Markdown: only Markdown (or an unnamed
      // change) counts, directly in the directory (the entries) or in reflectie/ (the
      // reflection questions); other folders are not read.
      if (file === '' || (file.endsWith('.md') && /^(?:reflectie[\\/])?[^\\/]+$/.test(file))) this.schedule();
    };
    try {
      this.watcher = watch(this.opts.dir, { recursive: true, persistent: false }, (_event, name) => onChange(name));
      this.watcher.on('error', (err) => {
        this.opts.log.warn({ err, dir: this.opts.dir }, 'knowledge: watching the directory failed; checking it every few seconds instead');
        this.watcher?.close();
        this.watcher = undefined;
        void this.startPolling();
      });
      this.mode = 'watch';
    } catch (err) {
      // ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (no recursive watch), or a file system without change events.
      this.opts.log.info({ err: (err as Error).message, dir: this.opts.dir }, 'knowledge: cannot watch the directory; checking it every few seconds instead');
      await this.startPolling();
    }
  }

  private async startPolling(): Promise<void> {
    if (this.stopped) return;
    this.mode = 'poll';
    let last = await signature(this.opts.dir);
    if (this.stopped) return; // stopped while reading: no interval after stop()
    const tick = async (): Promise<void> => {
      const now = await signature(this.opts.dir);
      if (now !== last) {
        last = now;
        this.schedule();
      }
    };
    this.poller = setInterval(() => void tick(), this.opts.pollMs ?? RELOAD_POLL_MS);
    this.poller.unref();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload('file change'), this.opts.debounceMs ?? RELOAD_DEBOUNCE_MS);
    this.debounce.unref();
  }

  /** Validates and swaps in the knowledge base on disk now (after a reload that is running). */
  reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    if (this.running) {
      this.again ??= { trigger, waiters: [] };
      // One reload answers every ask that waited; an explicit ask (SIGHUP) names it, so `ibp-bot reload` finds its answer.
      if (trigger !== 'file change') this.again.trigger = trigger;
      return new Promise((resolve) => this.again!.waiters.push(resolve));
    }
    const run = this.reloadNow(trigger);
    this.running = run;
    void run.finally(() => {
      this.running = undefined;
      const next = this.again;
      this.again = undefined;
      if (next) void this.reload(next.trigger).then((r) => next.waiters.forEach((w) => w(r)));
    });
    return run;
  }

  private async reloadNow(trigger: ReloadTrigger): Promise<ReloadResult> {
    const { log, knowledge, questions, dir } = this.opts;
    const started = performance.now();
    const at = (this.opts.now ?? (() => new Date()))().toISOString();
    const ms = (): number => Math.round(performance.now() - started);
    let result: ReloadResult;
    try {
      const loaded = await loadKnowledge(dir);
      const reflectie = questions ? await loadReflectieQuestions(path.join(dir, REFLECTIE_DIR)) : { questions: [], errors: [] };
      const { entries } = loaded;
      const errors = [...loaded.errors, ...reflectie.errors];
      if (errors.length > 0) {
        for (const e of errors) log.error({ file: e.file, ...(e.field ? { field: e.field } : {}), trigger }, `knowledge reload: ${e.file}${e.field ? ` [${e.field}]` : ''}: ${e.message}`);
        result = { ok: false, trigger, errors, entries: knowledge.size, ms: ms(), at };
        log.warn({ trigger, errors: errors.length, entries: knowledge.size, ms: result.ms }, `knowledge reload refused: ${errors.length} error(s); the bot keeps answering from the knowledge base it had`);
      } else {
        // Built and trained here in slices, while turns go on with the old one; then swapped in at once.
        knowledge.replaceWith(await KnowledgeBase.build(entries, () => new Promise((resolve) => setImmediate(resolve))));
        questions?.replaceWith(new ReflectieQuestions(reflectie.questions));
        result = { ok: true, trigger, entries: entries.length, ms: ms(), at };
        const extra = questions ? { reflectionQuestions: reflectie.questions.length } : {};
        log.info({ trigger, entries: entries.length, ...extra, ms: result.ms }, `knowledge reloaded: ${entries.length} entries${questions ? ` and ${reflectie.questions.length} reflection questions` : ''} in ${result.ms} ms`);
      }
    } catch (err) {
      const errors = [{ file: dir, message: `reload failed: ${(err as Error).message}` }];
      log.error({ err, trigger, file: dir }, 'knowledge reload failed; the bot keeps answering from the knowledge base it had');
      result = { ok: false, trigger, errors, entries: knowledge.size, ms: ms(), at };
    }
    try {
      this.opts.onResult?.(result);
    } catch (err) {
      log.warn({ err }, 'knowledge reload: could not report the result');
    }
    return result;
  }

  /** Stops watching; a reload that is running finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.poller);
    clearTimeout(this.debounce);
    await this.running?.catch(() => undefined);
  }
}

/** Name, size and modification time of every Markdown file the knowledge base and the reflection questions are read from. */
async function signature(dir: string): Promise<string> {
  return `${await filesSignature(dir)}\n${await filesSignature(path.join(dir, REFLECTIE_DIR))}`;
}

/** Name, size and modification time of every Markdown file directly in `dir`. */
async function filesSignature(dir: string): Promise<string> {
  let list;
  try {
    list = await readdir(dir, { withFileTypes: true });
  } catch {
    return `!${dir}`;
  }
  const parts: string[] = [];
  for (const e of list) {
    if (!e.isFile() || !e.name.endsWith('.md')) continue;
    const p = path.join(dir, e.name);
    const s = await stat(p).catch(() => undefined);
    parts.push(`${p}:${s?.size ?? '?'}:${s?.mtimeMs ?? '?'}`);
  }
  return parts.sort().join('\n');
}

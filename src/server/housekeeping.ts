import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

/** How often the store's write probe runs (StoreHealth.writable, /readyz). */
export const PROBE_INTERVAL_MS = 20_000;

export interface HousekeepingDeps {
  store: Store;
  log: Logger;
  now: () => Date;
}

export interface HousekeepingTimers {
  /** The write probe; 0 starts no timer (tests call `probe()`). */
  probeIntervalMs?: number;
}

/**
 * The server's own upkeep of its store, on timers that do not keep the process alive:
 * a small write every 20 s, so readiness turns 503 when writing stops working (and 200
 * again by itself). Started by startBot, stopped at shutdown before the store closes.
 */
export class Housekeeping {
  private timers: NodeJS.Timeout[] = [];
  private probing: Promise<void> | null = null;
  private writable = true;

  constructor(private readonly deps: HousekeepingDeps) {}

  start(opts: HousekeepingTimers = {}): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      if (ms <= 0) return;
      const t = setInterval(() => void fn(), ms);
      t.unref();
      this.timers.push(t);
    };
    every(opts.probeIntervalMs ?? PROBE_INTERVAL_MS, () => this.probe());
  }

  /** Stops the timers and waits for a probe that is running. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.probing;
  }

  /** One probe write; logs when writing stops or starts working again. Never throws. */
  probe(): Promise<void> {
    this.probing ??= (async () => {
      const { store, log } = this.deps;
      try {
        await store.probeWrite(this.deps.now());
        const h = await store.health();
        if (h.writable !== this.writable) {
          this.writable = h.writable;
          if (h.writable) log.info({ backend: h.backend }, 'store: writing works again; ready');
          else log.error({ backend: h.backend, problem: h.writeProblem }, 'store: writing fails; /readyz answers 503 until it works again');
        }
      } catch (err) {
        log.error({ err }, 'store: write probe failed unexpectedly');
      } finally {
        this.probing = null;
      }
    })();
    return this.probing;
  }
}

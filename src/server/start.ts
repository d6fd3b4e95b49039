import { warmUpLexicon } from '../knowledge/dictionary.js';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { instrumentStore, Metrics, observePlatformCalls } from '../metrics.js';
import { startMetricsServer } from './metrics.js';
import { loadConfig, type Config, type Env } from '../config.js';
import { Bot } from '../core/bot.js';
import { DeliveryQueue } from '../core/deliveries.js';
import { RateLimiter } from '../core/ratelimit.js';
import type { Feature } from '../core/context.js';
import { openKnowledgeBase, type KnowledgeBase } from '../knowledge/base.js';
import { createLogger, setUserHashKey, type Logger } from '../log.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import { setupLocal } from '../../adapters/local/index.js';
import { Coordinators } from '../core/knelpunt/coordinators.js';
import { knelpuntFeature } from '../core/knelpunt/feature.js';
import { reflectieFeature } from '../core/reflectie/feature.js';
import { openReflectieQuestions, type ReflectieQuestions } from '../knowledge/reflectie.js';
import { NudgeScheduler } from '../scheduler/scheduler.js';
import { setupDashboard } from '../dashboard/setup.js';
import { createApp } from './app.js';
import { setupAdapters } from './adapters.js';
import { AdapterOutbox } from './outbox.js';
import { exposureWarning } from './exposure.js';
import { webChatAccess } from './webchat.js';
import type { PlatformAdapter } from '../platform/contract.js';
import { Housekeeping, type HousekeepingTimers } from './housekeeping.js';
import { KnowledgeReloader, type ReloadResult } from './reload.js';

const WEB_CHAT_NOTES: Record<Config['webChat'], string> = {
  open: 'Web chat: open, no sign-in (WEB_CHAT=open); new sessions and knelpunten are limited per client address.',
  signin: 'Web chat: behind the dashboard sign-in (WEB_CHAT=signin).',
  off: 'Web chat: off (WEB_CHAT=off): / shows a short page saying so, /api/chat gives 404.',
};

export interface RunningBot {
  url: string;
  port: number;
  config: Config;
  bot: Bot;
  store: Store;
  knowledge: KnowledgeBase;
  /** The reflection questions nudges ask (knowledge/reflectie/; reloaded with the knowledge base). */
  questions: ReflectieQuestions;
  log: Logger;
  server: Server;
  adapters: PlatformAdapter[];
  /** Reflectie nudges and digests. */
  scheduler: NudgeScheduler;
  /** The store's write probe and retention (housekeeping.ts). */
  housekeeping: Housekeeping;
  /** Prometheus metrics, when METRICS_TOKEN or METRICS_PORT is set. */
  metrics?: Metrics;
  /** Reloads the knowledge base on a file change; `reload('SIGHUP')` on request (src/main.ts). */
  reloader: KnowledgeReloader;
  /** Stops accepting connections, lets in-flight requests finish, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Log destination (tests capture the log). */
  logDestination?: NodeJS.WritableStream;
  now?: () => Date;
  features?: Feature[];
  /** How often the nudge scheduler runs; 0 starts no timer (tests call `scheduler.tick()`). */
  schedulerIntervalMs?: number;
  /** Tests: a local OpenID metadata document whose keys sign the test's Teams tokens (never the network). */
  teamsOpenIdMetadataUrl?: string;
  /** Housekeeping timers (defaults: housekeeping.ts); tests shorten them or pass 0 and call its methods. */
  housekeeping?: HousekeepingTimers;
  /** Waits before retrying a failed triage post or reporter update (default: DEFAULT_RETRY_DELAYS_MS); tests shorten them. */
  deliveryRetryDelaysMs?: readonly number[];
  /** Told of every knowledge reload's result (src/main.ts writes it for `ibp-bot reload`). */
  onReload?: (r: ReloadResult) => void;
}

/**
 * Starts the whole bot from an environment: config, knowledge, store, core, HTTP.
 * Throws ConfigError, KnowledgeInvalidError or StoreUnusableError with a message
 * fit for the operator; nothing is half-started on failure.
 */
export async function startBot(env: Env, opts: StartOptions = {}): Promise<RunningBot> {
  const startedAt = performance.now();
  const config = loadConfig(env);
  const log = createLogger({
    level: config.logLevel,
    pretty: config.nodeEnv === 'development',
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
  });
  if (config.logHashKey) setUserHashKey(config.logHashKey);
  const knowledge = await openKnowledgeBase(config.knowledgeDir);
  const questions = await openReflectieQuestions(config.knowledgeDir);
  const rawStore = await openStore(config, log);
  const metrics = config.metrics.mode === 'off' ? undefined : new Metrics();
  const store = metrics ? instrumentStore(rawStore, metrics) : rawStore;
  // Outgoing platform calls: counted for metrics, logged at debug with the request id.
  const unobserve = metrics || log.isLevelEnabled('debug') ? observePlatformCalls(metrics, log) : (): void => undefined;
  let metricsServer: Server | undefined;
  try {
    const now = opts.now ?? ((): Date => new Date());
    const outbox = new AdapterOutbox(store);
    const deliveries = new DeliveryQueue(outbox, log, opts.deliveryRetryDelaysMs ? { retryDelaysMs: opts.deliveryRetryDelaysMs } : {});
    const coordinators = new Coordinators(config.coordinators);
    const features = [knelpuntFeature({ coordinators }), reflectieFeature(), ...(opts.features ?? [])];
    const limits = new RateLimiter({
      turn: { limit: config.rateLimits.turnsPerMinute, windowMs: 60_000 },
      knelpunt: { limit: config.rateLimits.knelpuntenPerHour, windowMs: 3_600_000 },
      // The open web chat, per client address (adapters/local)
      'web-session': { limit: config.rateLimits.webSessionsPerHour, windowMs: 3_600_000 },
      'web-knelpunt': { limit: config.rateLimits.webKnelpuntenPerHour, windowMs: 3_600_000 },
    }, store.rateLimits, (kind) => metrics?.rateLimited.inc({ kind }));
    const observe = metrics ? (t: Parameters<Metrics['observeTurn']>[0]): void => metrics.observeTurn(t) : undefined;
    const bot = new Bot({ knowledge, store, log, defaultLocale: config.defaultLocale, now, outbox, deliveries, limits, ...(observe ? { observe } : {}) }, features);
    const setups = await setupAdapters({ config, bot, store, log, now, ...(opts.teamsOpenIdMetadataUrl ? { teamsOpenIdMetadataUrl: opts.teamsOpenIdMetadataUrl } : {}) });
    let lifecycle: 'starting' | 'ready' | 'stopping' = 'starting';
    const dashboard = setupDashboard({ config, store, knowledge, log, now, deliveries, coordinators });
    const webChat = setupLocal({ config, bot, store, log, now }, webChatAccess(config, dashboard.sessions));
    // The web chat is an adapter like the others: proactive messages reach its sessions' pages.
    const adapters = [...setups.flatMap((s) => (s.adapter ? [s.adapter] : [])), ...(config.webChat === 'off' ? [] : [webChat])];
    for (const a of adapters) outbox.register(a);
    const app = createApp({
      bot, store, knowledge, log, adapters, webChat, lifecycle: () => lifecycle,
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      ...(metrics && config.metrics.mode === 'token' ? { metrics: { metrics, token: config.metrics.token } } : {}),
      ...(dashboard.router ? { dashboard: dashboard.router } : {}),
    });
    if (metrics && config.metrics.mode === 'port') metricsServer = await startMetricsServer(metrics, config.host, config.metrics.port, log);
    log.info({ metrics: config.metrics.mode }, config.metrics.mode === 'off' ? 'metrics off (set METRICS_TOKEN or METRICS_PORT)' : `metrics on /metrics (${config.metrics.mode === 'token' ? 'bearer token' : `port ${config.metrics.port}`})`);
    for (const s of setups) log.info(s.note);
    log.info(dashboard.note);
    log.info({ webChat: config.webChat }, WEB_CHAT_NOTES[config.webChat]);
    const exposure = exposureWarning(config);
    if (exposure) log.warn({ host: config.host }, exposure);
    // Adapters connect first (Slack auth.test, Socket Mode): a wrong token stops the start
    // before the port is taken, with nothing left running.
    try {
      await Promise.all(adapters.map((a) => a.start()));
    } catch (e) {
      await Promise.all(adapters.map((a) => a.stop().catch(() => undefined)));
      throw e;
    }
    // The spelling retry's word lists (about 0.35 s), now rather than in a user's first typo'd question.
    warmUpLexicon();
    const server = createServer(app);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      await Promise.all(adapters.map((a) => a.stop().catch(() => undefined)));
      throw e;
    }
    const port = (server.address() as AddressInfo).port;
    const url = `http://localhost:${port}`;
    log.info(
      { port, knowledgeEntries: knowledge.size, store: store.backend, startupMs: Math.round(performance.now() - startedAt) },
      config.webChat === 'off' ? `ibp-bot ready on ${url} (web chat off)` : `ibp-bot ready: open ${url} for the web chat`,
    );
    const scheduler = new NudgeScheduler({ store, knowledge, questions, outbox, log, now, graceMinutes: config.nudgeGraceMinutes });
    if (opts.schedulerIntervalMs !== 0) scheduler.start(opts.schedulerIntervalMs);
    const housekeeping = new Housekeeping({ store, log, now, retention: config.retention });
    housekeeping.start(opts.housekeeping);
    const reloader = new KnowledgeReloader({ knowledge, questions, dir: config.knowledgeDir, log, now, ...(opts.onReload ? { onResult: opts.onReload } : {}) });
    await reloader.start();
    lifecycle = 'ready';
    let closing: Promise<void> | null = null;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        lifecycle = 'stopping'; // /readyz says 503 at once
        await scheduler.stop(); // the nudge being sent finishes; no new claims
        await housekeeping.stop();
        await reloader.stop();
        await webChat.stop(); // its open event streams would hold the server open
        // No new connections; running requests finish, for at most SHUTDOWN_TIMEOUT_MS.
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown: requests still running, closing their connections');
            server.closeAllConnections();
          }, config.shutdownTimeoutMs);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        // Triage posts and reporter updates being sent may finish; retries not yet due are dropped (and logged).
        await deliveries.stop(config.shutdownTimeoutMs);
        await Promise.all(adapters.map((a) => a.stop().catch((err: unknown) => log.error({ err }, `${a.platform}: stop failed`))));
        await store.close();
        if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        unobserve();
        log.info('ibp-bot stopped');
      })());
    return { url, port, config, bot, store, knowledge, questions, log, server, adapters, scheduler, housekeeping, reloader, close, ...(metrics ? { metrics } : {}) };
  } catch (e) {
    unobserve();
    metricsServer?.close();
    await store.close();
    throw e;
  }
}

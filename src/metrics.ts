import diagnostics from 'node:diagnostics_channel';
import { KIND_NAMES, type Repos } from './store/registry.js';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { currentRequestId, type Logger } from './log.js';
import type { NudgeRecord, NudgeResult, Store } from './store/types.js';

/**
 * Prometheus metrics (prom-client), one registry per running bot. Labels are
 * bounded: platform, route, outcome, status, method, repository; never user text or
 * a user, channel or conversation id. Every metric is documented in README.md
 * ("Operations").
 *
 * Domain counters (gaps, feedback, knelpunten, status changes, nudges) are counted
 * where the store records them (`instrumentStore`), so a count can never disagree
 * with what was stored, whichever path (chat, dashboard, scheduler) caused it.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly turns = new Counter({
    name: 'ibp_turns_total',
    help: 'Turns handled by the conversation core, per platform, route and outcome.',
    labelNames: ['platform', 'route', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly turnDuration = new Histogram({
    name: 'ibp_turn_duration_seconds',
    help: 'Time the conversation core took per turn (store and outgoing calls inside the turn included).',
    labelNames: ['platform', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly answers = new Counter({
    name: 'ibp_answers_total',
    help: 'Questions about the IBP, per platform and outcome: answered, suggested (did you mean) or unknown.',
    labelNames: ['platform', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly gaps = new Counter({
    name: 'ibp_knowledge_gaps_total',
    help: 'Questions the bot could not answer, recorded for the IBP team.',
    labelNames: ['platform'] as const,
    registers: [this.registry],
  });
  readonly feedback = new Counter({
    name: 'ibp_feedback_total',
    help: 'Feedback on answers, per value (helpful, not_helpful).',
    labelNames: ['value'] as const,
    registers: [this.registry],
  });
  readonly knelpunten = new Counter({
    name: 'ibp_knelpunten_submitted_total',
    help: 'Knelpunten stored (a repeated submission is not counted again), per platform.',
    labelNames: ['platform'] as const,
    registers: [this.registry],
  });
  readonly statusChanges = new Counter({
    name: 'ibp_knelpunt_status_changes_total',
    help: 'Knelpunt status changes applied, per from and to status.',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });
  readonly nudgesClaimed = new Counter({
    name: 'ibp_nudges_claimed_total',
    help: 'Nudge and digest slots claimed by the scheduler, per kind and claim status (queued, skipped-holiday, skipped-late).',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });
  readonly nudgeResults = new Counter({
    name: 'ibp_nudge_results_total',
    help: 'Final results of claimed nudges and digests (sent, failed, gone, skipped-*, unconfirmed).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'ibp_rate_limited_total',
    help: 'Turns and knelpunt submissions refused by the per-user rate limit, per kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly platformCalls = new Counter({
    name: 'ibp_platform_calls_total',
    help: 'Outgoing calls to the Slack Web API and the Bot Connector, per platform, method and result (ok, rate_limited, client_error, server_error, network_error).',
    labelNames: ['platform', 'method', 'result'] as const,
    registers: [this.registry],
  });
  readonly platformCallDuration = new Histogram({
    name: 'ibp_platform_call_duration_seconds',
    help: 'Duration of outgoing platform calls, per platform and method.',
    labelNames: ['platform', 'method'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly storeDuration = new Histogram({
    name: 'ibp_store_operation_duration_seconds',
    help: 'Duration of store operations, per backend, repository and operation.',
    labelNames: ['backend', 'repo', 'op'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'ibp_store_errors_total',
    help: 'Store operations that failed, per backend, repository and operation.',
    labelNames: ['backend', 'repo', 'op'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ibp_' });
  }

  /** One turn, as the core's `observe` hook reports it. */
  observeTurn(t: { platform: string; route: string; outcome: string; seconds: number }): void {
    const route = routeLabel(t.route);
    this.turns.inc({ platform: t.platform, route, outcome: t.outcome });
    this.turnDuration.observe({ platform: t.platform, route }, t.seconds);
    if (t.outcome === 'answered' || t.outcome === 'suggested' || t.outcome === 'unknown') {
      this.answers.inc({ platform: t.platform, outcome: t.outcome });
    }
  }

  /** The text format Prometheus scrapes. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Routes are bounded by the registered commands, actions and forms; cap the length anyway. */
function routeLabel(route: string): string {
  return /^[a-z:_-]{1,40}$/.test(route) ? route : 'other';
}

/** Every repository of the registry is timed; the rest of a store passes through. */
const REPOS = KIND_NAMES;

type AnyFn = (...args: unknown[]) => Promise<unknown>;

/**
 * A Store that times every repository call (and counts failures) and counts the
 * domain events it records. Same interface, same behaviour: results and errors pass
 * through unchanged.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const backend = store.backend;
  const wrapped: Record<string, unknown> = {};
  for (const repo of REPOS) {
    const target = store[repo] as unknown as Record<string, AnyFn>;
    const proxy: Record<string, AnyFn> = {};
    for (const op of methodNames(target)) {
      const fn = target[op];
      if (typeof fn !== 'function') continue;
      const labels = { backend, repo, op };
      proxy[op] = async (...args: unknown[]): Promise<unknown> => {
        const end = metrics.storeDuration.startTimer(labels);
        try {
          const result = await fn.apply(target, args);
          end();
          countDomain(metrics, repo, op, args, result);
          return result;
        } catch (e) {
          end();
          metrics.storeErrors.inc(labels);
          throw e;
        }
      };
    }
    wrapped[repo] = proxy;
  }
  return {
    ...(wrapped as unknown as Repos),
    backend,
    shared: store.shared,
    ...(store.sendingLeaseMs !== undefined ? { sendingLeaseMs: store.sendingLeaseMs } : {}),
    health: () => store.health(),
    probeWrite: (now) => store.probeWrite(now),
    close: () => store.close(),
  };
}

/** Own and inherited method names (a repository may be a plain object or a class instance). */
function methodNames(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor') names.add(k);
  }
  return [...names];
}

function countDomain(m: Metrics, repo: string, op: string, args: unknown[], result: unknown): void {
  switch (`${repo}.${op}`) {
    case 'gaps.add':
      m.gaps.inc({ platform: (result as { platform: string }).platform });
      break;
    case 'feedback.add':
      m.feedback.inc({ value: (result as { value: string }).value });
      break;
    case 'knelpunten.create': {
      const r = result as { knelpunt: { platform: string }; created: boolean };
      if (r.created) m.knelpunten.inc({ platform: r.knelpunt.platform });
      break;
    }
    case 'knelpunten.changeStatus': {
      const change = args[1] as { from: string; to: string };
      if ((result as { changed: boolean }).changed) m.statusChanges.inc({ from: change.from, to: change.to });
      break;
    }
    case 'nudges.claim':
      for (const n of result as NudgeRecord[]) m.nudgesClaimed.inc({ kind: n.kind, status: n.status });
      break;
    case 'nudges.finish':
      for (const r of args[0] as NudgeResult[]) m.nudgeResults.inc({ status: r.status });
      break;
    case 'nudges.markUnconfirmed':
      if ((result as NudgeRecord[]).length > 0) m.nudgeResults.inc({ status: 'unconfirmed' }, (result as NudgeRecord[]).length);
      break;
    default:
  }
}

/** Which platform call an outgoing HTTP request is, from its path alone (no ids kept). */
export function classifyPlatformCall(method: string, path: string): { platform: 'slack' | 'teams'; method: string } | null {
  const p = path.split('?')[0] ?? '';
  const slack = /\/api\/([a-z]+(?:\.[a-zA-Z]+)+)$/.exec(p);
  if (slack) return { platform: 'slack', method: slack[1]! };
  if (/\/actions\/[^/]+\/[^/]+\/[^/]+$/.test(p)) return { platform: 'slack', method: 'response_url' };
  if (/\/oauth2\/(?:v2\.0\/)?token$/.test(p)) return { platform: 'teams', method: 'token' };
  const conv = /\/v3\/conversations(?:\/[^/]+(?:\/(activities|members)(?:\/[^/]+)?)?)?$/.exec(p);
  if (conv) {
    const [whole, sub] = conv;
    const hasChild = whole.split('/').length > 5;
    const m = method.toUpperCase();
    if (!sub) return { platform: 'teams', method: m === 'POST' ? 'createConversation' : 'conversations' };
    if (sub === 'members') return { platform: 'teams', method: 'getMembers' };
    if (!hasChild) return { platform: 'teams', method: 'sendToConversation' };
    if (m === 'PUT') return { platform: 'teams', method: 'updateActivity' };
    if (m === 'DELETE') return { platform: 'teams', method: 'deleteActivity' };
    return { platform: 'teams', method: 'replyToActivity' };
  }
  return null;
}

function resultOf(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}

/**
 * Counts and times every outgoing platform call, whoever makes it (our adapters, Bolt's
 * Web API client, botbuilder's connector client): Node's diagnostics channels see every
 * request of the process, through `http` (`http.client.*`) and through `fetch`
 * (`undici:request:*`; Slack's Web API client uses fetch). Each finished call is also
 * logged at debug, with the request id of the turn that caused it. Returns the
 * unsubscribe function.
 */
export function observePlatformCalls(metrics: Metrics | undefined, log: Logger): () => void {
  const started = new WeakMap<object, { at: number; platform: string; method: string; reqId: string | undefined }>();
  // The request starts in the caller's async context (the turn); its response may
  // arrive in a pooled socket's context, so the request id is taken at the start.
  const begin = (request: object, method: string, path: string): void => {
    const c = classifyPlatformCall(method, path);
    if (c) started.set(request, { at: performance.now(), ...c, reqId: currentRequestId() });
  };
  const finish = (request: object, result: string, status?: number): void => {
    const s = started.get(request);
    if (!s) return;
    started.delete(request);
    const seconds = (performance.now() - s.at) / 1000;
    metrics?.platformCalls.inc({ platform: s.platform, method: s.method, result });
    metrics?.platformCallDuration.observe({ platform: s.platform, method: s.method }, seconds);
    log.debug({ ...(s.reqId ? { reqId: s.reqId } : {}), platform: s.platform, method: s.method, result, status, durationMs: Math.round(seconds * 1000) }, 'platform call');
  };
  type Msg = { request: { method?: string; path?: string }; response?: { statusCode?: number } };
  const handlers: [string, (m: unknown) => void][] = [
    ['http.client.request.start', (m) => begin((m as Msg).request, (m as Msg).request.method ?? 'GET', (m as Msg).request.path ?? '')],
    ['http.client.response.finish', (m) => finish((m as Msg).request, resultOf((m as Msg).response?.statusCode ?? 0), (m as Msg).response?.statusCode)],
    ['http.client.request.error', (m) => finish((m as Msg).request, 'network_error')],
    ['undici:request:create', (m) => begin((m as Msg).request, (m as Msg).request.method ?? 'GET', (m as Msg).request.path ?? '')],
    ['undici:request:headers', (m) => finish((m as Msg).request, resultOf((m as Msg).response?.statusCode ?? 0), (m as Msg).response?.statusCode)],
    ['undici:request:error', (m) => finish((m as Msg).request, 'network_error')],
  ];
  for (const [name, fn] of handlers) diagnostics.subscribe(name, fn);
  return () => {
    for (const [name, fn] of handlers) diagnostics.unsubscribe(name, fn);
  };
}

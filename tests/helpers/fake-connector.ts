import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the (fake) Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  /** The activity id in `/activities/:activityId` (a reply or an update). */
  activityId?: string;
  authorization?: string;
  /** Who called: each SDK names itself here (botbuilder `botframework-connector/4…`, the Agents SDK its own name). */
  userAgent?: string;
  body: Record<string, unknown>;
  /** HTTP status the fake answered with. */
  status: number;
}

type Failure = { status: number; retryAfter?: number; body?: unknown };

/**
 * A local Bot Connector (the Teams service the bot talks back to). It answers the
 * calls CloudAdapter makes with ids, records them for assertions, and can be told
 * to fail the next calls (429 with Retry-After, 403, 404) like Teams does.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly failures: Failure[] = [];
  private readonly conversationFailures = new Map<string, Failure>();
  private server: Server | null = null;
  private seq = 0;
  url = '';
  /** Called with every call as it arrives (the benchmark times replies with it). */
  onCall: ((call: ConnectorCall) => void) | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** The next `times` calls answer with this failure (429, 403, 404, ...). */
  failNext(times: number, failure: Failure): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  /** Every call for a conversation whose id starts with `prefix` answers with this failure (null: no longer). */
  failConversation(prefix: string, failure: Failure | null): void {
    if (failure === null) this.conversationFailures.delete(prefix);
    else this.conversationFailures.set(prefix, failure);
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.length = 0;
  }

  /** Activities the bot sent (new messages and replies; not updates or failed attempts). */
  get sent(): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path.includes('/activities') && c.status < 300).map((c) => c.body);
  }

  /** Sent activities for one conversation. */
  sentTo(conversationId: string): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.method === 'POST' && c.conversationId === conversationId && c.status < 300 && c.path.includes('/activities'))
      .map((c) => c.body);
  }

  /** Resolves once `count` activities were sent (CloudAdapter replies asynchronously from the HTTP answer for some paths). */
  async waitForSent(count: number, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
    const until = Date.now() + timeoutMs;
    while (this.sent.length < count) {
      if (Date.now() > until) throw new Error(`fake connector: expected ${count} activities, saw ${this.sent.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.sent;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = { raw };
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/v3\/conversations(?:\/([^/]+)(?:\/activities(?:\/([^/]+))?)?)?\/?$/.exec(url.pathname);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      body,
      status: 200,
      ...(m?.[1] ? { conversationId: decodeURIComponent(m[1]) } : {}),
      ...(m?.[2] ? { activityId: decodeURIComponent(m[2]) } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    this.calls.push(call);
    this.onCall?.(call);

    const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    const byConversation = [...this.conversationFailures].find(([prefix]) => call.conversationId?.startsWith(prefix))?.[1];
    const failure = byConversation ?? this.failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
      send(failure.status, failure.body ?? { error: { code: failure.status === 429 ? 'Throttled' : 'BotNotInConversationRoster', message: 'fake failure' } }, headers);
      return;
    }
    if (!m) {
      send(404, { error: { code: 'NotFound', message: `fake connector has no ${url.pathname}` } });
      return;
    }
    this.seq += 1;
    if (req.method === 'POST' && !m[1]) {
      send(201, { id: `a:fake-conversation-${this.seq}`, activityId: `fake-activity-${this.seq}` });
      return;
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      send(req.method === 'POST' ? 201 : 200, { id: m[2] && req.method === 'PUT' ? m[2] : `fake-activity-${this.seq}` });
      return;
    }
    send(200, {});
  }
}

/** A button of an Adaptive Card the bot sent (Action.Submit or Action.Execute). */
export type CardAction = { type: string; title: string; data?: Record<string, unknown> & { ibpAction?: string; value?: string } };

/** Every Action.Submit and Action.Execute anywhere in `x` (an activity, a card, an invoke response), in order. */
export function cardActions(x: unknown): CardAction[] {
  const found: CardAction[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Submit' || o.type === 'Action.Execute') found.push(o as unknown as CardAction);
      Object.values(o).forEach(walk);
    }
  };
  walk(x);
  return found;
}

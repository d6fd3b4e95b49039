import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// ws is only a transitive dependency (of botbuilder); the Socket Mode client itself uses undici.
import WebSocket from 'ws';

/** One call the bot made to the fake: a Web API method or a response_url. */
export interface RecordedCall {
  /** `chat.postMessage`, … or `response_url` */
  method: string;
  /** For response_url calls: the id in the URL path. */
  responseUrlId?: string;
  body: Record<string, unknown>;
  authorization?: string;
  at: number;
}

interface Canned {
  method: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** A button in the Block Kit blocks the bot sent. */
export type SlackButton = { action_id: string; value: string; text: { text: string } };

/** The buttons in a recorded call's blocks (every actions block), in order. */
export function buttonsOf(c: RecordedCall): SlackButton[] {
  return ((c.body.blocks as { type: string; elements?: SlackButton[] }[] | undefined) ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

/** The text of a recorded call's header block, if it has one. */
export function headerOf(c: RecordedCall): string | undefined {
  return ((c.body.blocks as { type: string; text?: { text: string } }[] | undefined) ?? []).find((b) => b.type === 'header')?.text?.text;
}

export const FAKE_TEAM_ID = 'T0TEST';
export const FAKE_BOT_USER_ID = 'UBOT0001';
export const FAKE_BOT_ID = 'BBOT0001';

/**
 * A local stand-in for Slack's Web API (SLACK_API_URL=<url>/api/) and response_url
 * endpoints (<url>/response/<id>). Records every call (`chat.update` and response_url
 * calls with `replace_original` are how a message is updated in place); can answer the
 * next call of a method with a 429 or a Slack error.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  private readonly canned: Canned[] = [];
  private readonly delays = new Map<string, number>();
  private readonly holds: { method: string; channel: string; release: Promise<string | null>; open: boolean }[] = [];
  private readonly channelErrors = new Map<string, string>();
  private waiters: (() => void)[] = [];
  private seq = 0;
  private wss: WebSocket.Server | null = null;
  private socket: WebSocket | null = null;
  private readonly acks = new Map<string, (payload: unknown) => void>();
  /** Socket Mode connections the bot opened (apps.connections.open + WebSocket). */
  socketConnections = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSlack> {
    const holder: { fake?: FakeSlack } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.fake = new FakeSlack(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.fake;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /** The next call of `method` gets a 429 with Retry-After. */
  rateLimitNext(method: string, retryAfterSeconds = 1): void {
    this.canned.push({ method, status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } });
  }

  /** The next call of `method` gets `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.canned.push({ method, status: 200, body: { ok: false, error } });
  }

  /** Every later call of `method` is answered after `ms` (recorded on arrival): a slower Slack. */
  delay(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  /**
   * The next call of `method` to `channel` hangs: it is recorded, but answered only when
   * the returned `release` is called (with a Slack error, or null for the usual answer).
   * `pending` says whether it still hangs.
   */
  hold(method: string, channel: string): { release: (error: string | null) => void; readonly pending: boolean } {
    let release!: (error: string | null) => void;
    const h = { method, channel, open: true, release: new Promise<string | null>((r) => (release = r)) };
    this.holds.push(h);
    return {
      release: (error) => {
        h.open = false;
        release(error);
      },
      get pending() {
        return h.open;
      },
    };
  }

  /** Every call to `channel` (any method) gets `{ ok: false, error }` until `failChannel(channel, null)`. */
  failChannel(channel: string, error: string | null): void {
    if (error === null) this.channelErrors.delete(channel);
    else this.channelErrors.set(channel, error);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until a call matching `pred` was recorded (looking at calls from index `from` on). */
  async waitFor(pred: (c: RecordedCall) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<RecordedCall> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const hit = this.calls.slice(opts.from ?? 0).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`fake Slack: no matching call; saw ${this.calls.map((c) => c.method).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /**
   * Socket Mode: apps.connections.open answers a ws:// URL on this server; each
   * connection gets Slack's `hello`. `socketSend` delivers an envelope and resolves
   * with the bot's ack payload.
   */
  enableSocketMode(): void {
    this.wss = new WebSocket.Server({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.socketConnections += 1;
      this.socket = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) this.acks.get(msg.envelope_id)?.(msg.payload ?? {});
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP' }, debug_info: { host: 'fake' } }));
    });
  }

  socketSend(type: 'events_api' | 'slash_commands' | 'interactive', payload: unknown, timeoutMs = 5000): Promise<unknown> {
    const ws = this.socket;
    if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
    const envelopeId = `env-${++this.seq}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`fake Slack: no ack for ${envelopeId}`)), timeoutMs);
      this.acks.set(envelopeId, (p) => {
        clearTimeout(t);
        resolve(p);
      });
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    });
  }

  async close(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    const api = /^\/api\/([\w.]+)$/.exec(path);
    const resp = /^\/response\/([\w-]+)$/.exec(path);
    const method = api ? api[1]! : resp ? 'response_url' : `unknown ${path}`;
    const call: RecordedCall = {
      method,
      body: parseBody(raw, req.headers['content-type']),
      at: Date.now(),
      ...(resp ? { responseUrlId: resp[1]! } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    this.calls.push(call);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();

    const wait = this.delays.get(method);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const channel = typeof call.body.channel === 'string' ? call.body.channel : undefined;
    const held = this.holds.findIndex((h) => h.method === method && h.channel === channel);
    let error = channel ? this.channelErrors.get(channel) : undefined;
    if (held >= 0) error = (await this.holds.splice(held, 1)[0]!.release) ?? error;
    if (error) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error }));
      return;
    }
    const i = this.canned.findIndex((c) => c.method === method);
    if (i >= 0) {
      const c = this.canned.splice(i, 1)[0]!;
      res.writeHead(c.status, { 'content-type': 'application/json', ...c.headers });
      res.end(JSON.stringify(c.body));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(this.answer(method, call.body)));
  }

  private answer(method: string, body: Record<string, unknown>): unknown {
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://ibp-test.slack.com/', team: 'IBP test', user: 'ibp-bot', team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts, message: { ts, text: body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${this.seq}`, ...(typeof body.view === 'object' ? body.view : {}) } };
      case 'response_url':
        return { ok: true };
      case 'apps.connections.open':
        return this.wss ? { ok: true, url: `${this.url.replace(/^http/, 'ws')}/socket` } : { ok: false, error: 'not_allowed_token_type' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** The WebClient posts form fields with JSON-encoded arrays and objects; response_url gets JSON. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? (JSON.parse(v) as unknown) : v;
  }
  return out;
}

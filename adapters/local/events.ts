import type { Request, Response } from 'express';
import type { Logger } from '../../src/log.js';
import type { WireMessage } from './history.js';

/** A comment line this often keeps proxies and browsers from closing a quiet stream. */
export const HEARTBEAT_MS = 25_000;
/** What the page waits before reconnecting (the `retry` field). */
export const RETRY_MS = 3_000;
/** Open streams per session (tabs); the oldest is closed when another one opens. */
export const MAX_STREAMS_PER_SESSION = 5;
/** Open web chat: open streams per client address. Over it, `429`. */
export const MAX_STREAMS_PER_ADDRESS = 50;
/** A write the socket has not taken this long is a failed write. */
const WRITE_TIMEOUT_MS = 5_000;

interface Stream {
  session: string;
  address?: string;
  res: Response;
  /** Events published while the replay was being written, sent after it. */
  pending: WireMessage[] | null;
  /** The highest change number written to this stream. */
  lastRev: number;
  timer?: NodeJS.Timeout;
}

/** One server-sent event; JSON keeps every line break of the data inside one `data:` line. */
export function sseEvent(m: WireMessage): string {
  return `${m.rev !== undefined ? `id: ${m.rev}\n` : ''}data: ${JSON.stringify(m)}\n\n`;
}

/**
 * The web chat's live channel: server-sent events per session (`GET /api/chat/events`).
 * A stream starts with what the page missed (after its `Last-Event-ID`), then gets every
 * new message of its session as it happens, and a heartbeat comment. `publish` says
 * whether a page got the message: at least one open stream whose socket took the write.
 */
export class EventStreams {
  private readonly bySession = new Map<string, Set<Stream>>();
  private readonly perAddress = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly opts: {
      /** Called on every heartbeat of a stream: what its session has after `rev` (another instance may have stored it). */
      catchUp?: (session: string, rev: number) => Promise<WireMessage[]>;
    } = {},
  ) {}

  /** Open web chat: whether this address may open another stream. */
  allowed(address: string | undefined): boolean {
    return this.closed ? false : !address || (this.perAddress.get(address) ?? 0) < MAX_STREAMS_PER_ADDRESS;
  }

  /**
   * Serves one stream: headers, the replay (what `replay` gives, in order), then live
   * events. Returns once the replay is written; the stream stays open until the page
   * leaves or `close()`.
   */
  async open(req: Request, res: Response, session: string, address: string | undefined, replay: () => Promise<{ messages: WireMessage[]; reset: boolean }>): Promise<void> {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no', // nginx: pass events on at once
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const stream: Stream = { session, res, pending: [], lastRev: 0, ...(address ? { address } : {}) };
    this.add(stream);
    req.on('close', () => this.remove(stream));
    await this.write(stream, `retry: ${RETRY_MS}\n\n`);
    try {
      const { messages, reset } = await replay();
      if (reset) await this.write(stream, 'event: reset\ndata: {}\n\n');
      for (const m of messages) await this.send(stream, m);
    } catch (err) {
      this.log.warn({ err }, 'local: could not replay the web chat history; the stream goes on with new messages');
    }
    const pending = stream.pending ?? [];
    stream.pending = null;
    for (const m of pending) if (m.rev === undefined || m.rev > stream.lastRev) await this.send(stream, m);
    // Closed (page left, pushed out by a newer tab, shutdown) while the replay ran: no heartbeat.
    if (!this.bySession.get(session)?.has(stream)) return;
    stream.timer = setInterval(() => void this.heartbeat(stream), HEARTBEAT_MS);
    stream.timer.unref();
    this.timers.add(stream.timer);
  }

  /** Sends a message to every open stream of the session; true when at least one took it. */
  async publish(session: string, m: WireMessage): Promise<boolean> {
    const streams = [...(this.bySession.get(session) ?? [])];
    const results = await Promise.all(streams.map((s) => {
      if (s.pending) {
        s.pending.push(m);
        return Promise.resolve(true); // written right after the replay
      }
      return this.send(s, m);
    }));
    return results.some(Boolean);
  }

  /** Open streams of a session (tests, logs). */
  count(session?: string): number {
    if (session !== undefined) return this.bySession.get(session)?.size ?? 0;
    let n = 0;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }

  /** Running heartbeat timers (tests: none outlives its stream). */
  heartbeats(): number {
    return this.timers.size;
  }

  /** Ends every stream (shutdown: the server waits for open connections). */
  close(): void {
    this.closed = true;
    for (const set of [...this.bySession.values()]) for (const s of [...set]) this.end(s);
  }

  private async heartbeat(stream: Stream): Promise<void> {
    if (this.opts.catchUp) {
      try {
        for (const m of await this.opts.catchUp(stream.session, stream.lastRev)) if (m.rev !== undefined && m.rev > stream.lastRev) await this.send(stream, m);
      } catch (err) {
        this.log.warn({ err }, 'local: web chat catch-up failed; trying again at the next heartbeat');
      }
    }
    if (!(await this.write(stream, ': ping\n\n'))) this.end(stream);
  }

  private async send(stream: Stream, m: WireMessage): Promise<boolean> {
    const ok = await this.write(stream, sseEvent(m));
    if (ok && m.rev !== undefined) stream.lastRev = Math.max(stream.lastRev, m.rev);
    return ok;
  }

  /** Resolves true once the socket took the chunk; false when it failed or the stream is gone. */
  private write(stream: Stream, chunk: string): Promise<boolean> {
    const { res } = stream;
    if (res.writableEnded || res.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), WRITE_TIMEOUT_MS);
      timer.unref();
      res.write(chunk, (err) => {
        clearTimeout(timer);
        resolve(!err);
      });
    });
  }

  private add(stream: Stream): void {
    let set = this.bySession.get(stream.session);
    if (!set) this.bySession.set(stream.session, (set = new Set()));
    set.add(stream);
    if (set.size > MAX_STREAMS_PER_SESSION) this.end(set.values().next().value!);
    if (stream.address) this.perAddress.set(stream.address, (this.perAddress.get(stream.address) ?? 0) + 1);
  }

  private end(stream: Stream): void {
    this.remove(stream);
    if (!stream.res.writableEnded) stream.res.end();
  }

  private remove(stream: Stream): void {
    if (stream.timer) {
      clearInterval(stream.timer);
      this.timers.delete(stream.timer);
    }
    const set = this.bySession.get(stream.session);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.bySession.delete(stream.session);
    if (stream.address) {
      const n = (this.perAddress.get(stream.address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(stream.address, n);
      else this.perAddress.delete(stream.address);
    }
  }
}

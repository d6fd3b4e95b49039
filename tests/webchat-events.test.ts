import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleReply } from '../src/core/answer.js';
import { block, reply, type Reply } from '../src/core/reply.js';
import { INBOX_SESSIONS, MemoryInbox } from '../adapters/local/inbox.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

/**
 * The web chat as a real adapter (issue 19), over real HTTP: proactive messages reach an
 * open page live as server-sent events (`GET /api/chat/events`), a page that reconnects
 * with Last-Event-ID gets what it missed, a card is replaced in place, the conversation is
 * kept per session (`GET /api/chat/history`), and one session never sees another's.
 */
let bot: RunningBot;
let n = 0;
const mid = (): string => `ev-msg-${++n}-${Date.now()}`;
const COORD = 'events-coordinator-1';

interface SseEvent { id?: string; event?: string; data?: string }
interface Wire { id: string; rev?: number; role: 'user' | 'bot'; text?: string; reply?: Reply }

/** An event stream read with fetch, as the page reads it: events as they come, parsed. */
class Stream {
  readonly events: SseEvent[] = [];
  private readonly ctrl = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;
  ready: Promise<void>;

  constructor(session: string, opts: { lastEventId?: string; headers?: Record<string, string> } = {}) {
    this.ready = this.run(session, opts);
  }

  private async run(session: string, opts: { lastEventId?: string; headers?: Record<string, string> }): Promise<void> {
    const res = await fetch(`${bot.url}/api/chat/events`, {
      headers: { 'x-chat-session': session, accept: 'text/event-stream', ...forwardedFor(session), ...(opts.lastEventId !== undefined ? { 'last-event-id': opts.lastEventId } : {}), ...opts.headers },
      signal: this.ctrl.signal,
    });
    this.status = res.status;
    if (!res.ok || !res.body) return;
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const raw = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const ev: SseEvent = {};
            for (const line of raw.split('\n')) {
              const colon = line.indexOf(':');
              const field = line.slice(0, colon);
              const value = line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id' || field === 'event' || field === 'data') ev[field] = value;
            }
            if (ev.data !== undefined || ev.event !== undefined) this.events.push(ev);
            for (const w of this.waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  messages(): Wire[] {
    return this.events.filter((e) => e.data && e.event === undefined).map((e) => JSON.parse(e.data!) as Wire);
  }

  /** Waits until `count` messages arrived (or fails after 5 s). */
  async waitFor(count: number): Promise<Wire[]> {
    const deadline = Date.now() + 5000;
    while (this.messages().length < count) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} messages, got ${this.messages().length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.messages();
  }

  close(): void {
    this.ctrl.abort();
  }
}

async function chat(session: string, input: unknown, extra: Record<string, unknown> = {}): Promise<{ status: number; replies: Reply[]; messages: Wire[] }> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...forwardedFor(session) },
    body: JSON.stringify({ session, messageId: mid(), input, ...extra }),
  });
  const json = (await res.json()) as { replies?: Reply[]; messages?: Wire[] };
  return { status: res.status, replies: json.replies ?? [], messages: json.messages ?? [] };
}

async function history(session: string): Promise<{ status: number; messages: Wire[]; rev: number; name?: string }> {
  const res = await fetch(`${bot.url}/api/chat/history`, { headers: { 'x-chat-session': session, ...forwardedFor(session) } });
  return { status: res.status, ...((await res.json()) as { messages: Wire[]; rev: number; name?: string }) };
}

const note = (text: string): Reply => simpleReply('nl', text, { private: true });
const send = (session: string, r: Reply) => bot.bot.deps.outbox.sendToUser({ platform: 'local', userId: session }, r);
const until = async (check: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

const localStreams = () => (bot.adapters.find((a) => a.platform === 'local') as unknown as { streams: { count(s?: string): number; heartbeats(): number } }).streams;

beforeAll(async () => {
  bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', KNELPUNT_COORDINATORS: `local:${COORD}` },
    { logDestination: new LogCapture(), schedulerIntervalMs: 0, deliveryRetryDelaysMs: [50] },
  );
});
afterAll(async () => {
  await bot?.close();
});

describe('web chat events (server-sent events) over real HTTP', () => {
  it('a proactive message reaches the open page at once, with its number as event id; it is kept in the history too', async () => {
    const s = new Stream('events-sessie-01');
    await s.ready;
    expect(s.status).toBe(200);
    expect(s.events).toEqual([]);
    const sent = await send('events-sessie-01', note('Update over je knelpunt KP-2026-0001: in behandeling.'));
    expect(sent).toMatchObject({ ok: true, messageId: expect.stringMatching(/^bot-/) });
    const [msg] = await s.waitFor(1);
    expect(msg).toMatchObject({ id: sent.ok && sent.messageId, rev: 1, role: 'bot', reply: { fallbackText: 'Update over je knelpunt KP-2026-0001: in behandeling.' } });
    expect(s.events[0]?.id).toBe('1');
    expect((await history('events-sessie-01')).messages.map((m) => m.id)).toEqual([msg!.id]);
    s.close();
  });

  it('a status update for the reporter arrives without typing (knelpunt, coordinator, real flow)', async () => {
    const REPORTER = 'events-reporter-01';
    expect((await chat(COORD, { kind: 'text', text: 'knelpunt triage hier' })).status).toBe(200);
    const coordPage = new Stream(COORD);
    const reporterPage = new Stream(REPORTER);
    await Promise.all([coordPage.ready, reporterPage.ready]);
    const form = (await chat(REPORTER, { kind: 'text', text: 'knelpunt' })).replies[0]!.blocks.find((b) => b.kind === 'form');
    const values = { opgave: 'opgave-schulden', beschrijving: 'Schuldhulp en Rijk delen geen gegevens, ook niet met toestemming.', overheden: ['gemeente'], urgentie: 'hoog', anoniem: false };
    await chat(REPORTER, { kind: 'form', formId: 'knelpunt', values, state: form?.kind === 'form' ? form.form.state : undefined });
    // The triage card reaches the coordinator's open page by itself.
    const triage = (await until(async () => coordPage.messages().some((m) => /Nieuw knelpunt/.test(m.reply?.fallbackText ?? ''))), coordPage.messages().find((m) => /Nieuw knelpunt/.test(m.reply?.fallbackText ?? ''))!);
    const take = triage.reply!.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])).find((b) => b.value.endsWith('|in_behandeling~nl'))!; // ~nl: the card's language
    const before = reporterPage.messages().length;
    // Pressed on that card: the card is replaced in place (same id), and the reporter hears of it without typing.
    const pressed = await chat(COORD, { kind: 'action', action: take.action, value: take.value, label: take.label }, { source: triage.id });
    expect(pressed.messages.find((m) => m.role === 'bot')).toMatchObject({ id: triage.id, rev: expect.any(Number) });
    const updates = await reporterPage.waitFor(before + 1);
    expect(updates.at(-1)?.reply?.fallbackText).toMatch(/Update over je knelpunt/);
    const coordHistory = await history(COORD);
    const card = coordHistory.messages.find((m) => m.id === triage.id)!;
    expect(card.reply?.fallbackText).toMatch(/in behandeling/i);
    expect(coordHistory.messages.filter((m) => m.role === 'user').map((m) => m.text)).toContain(take.label);
    coordPage.close();
    reporterPage.close();
  });

  it('reconnecting with Last-Event-ID replays what was missed, in order; without it, nothing is replayed', async () => {
    const session = 'events-sessie-02';
    const first = new Stream(session);
    await first.ready;
    await send(session, note('een'));
    const [one] = await first.waitFor(1);
    first.close();
    await until(async () => (await send(session, note('twee'))).ok);
    await send(session, note('drie'));
    const again = new Stream(session, { lastEventId: String(one!.rev) });
    await again.ready;
    const replayed = await again.waitFor(2);
    expect(replayed.map((m) => m.reply?.fallbackText)).toEqual(['twee', 'drie']);
    expect(again.events.map((e) => e.id)).toEqual(['2', '3']);
    await send(session, note('vier'));
    expect((await again.waitFor(3)).at(-1)?.reply?.fallbackText).toBe('vier');
    again.close();
    const fresh = new Stream(session);
    await fresh.ready;
    await new Promise((r) => setTimeout(r, 200));
    expect(fresh.messages()).toEqual([]);
    fresh.close();
    // Last-Event-ID 0: a page whose history was empty gets everything stored since.
    const empty = new Stream(session, { lastEventId: '0' });
    await empty.ready;
    expect((await empty.waitFor(4)).map((m) => m.reply?.fallbackText)).toEqual(['een', 'twee', 'drie', 'vier']);
    empty.close();
    // A page that knows more than is stored (the session was removed meanwhile) is told to reload.
    const ahead = new Stream('events-sessie-nieuw', { lastEventId: '99' });
    await ahead.ready;
    await until(async () => ahead.events.some((e) => e.event === 'reset'));
    ahead.close();
  });

  it('a card sent earlier is replaced in place: same id, a new number, its old place in the history', async () => {
    const session = 'events-sessie-03';
    const s = new Stream(session);
    await s.ready;
    const card = await send(session, { ...reply('nl', 'Kaart v1', [block.heading('Kaart v1'), block.buttons([{ label: 'Oppakken', action: 'x', value: '1' }])]) });
    await send(session, note('daarna'));
    await s.waitFor(2);
    const updated = await send(session, { ...reply('nl', 'Kaart v2', [block.heading('Kaart v2')]), replacesMessage: card.ok ? card.messageId! : '' });
    expect(updated).toEqual({ ok: true, messageId: card.ok && card.messageId });
    const all = await s.waitFor(3);
    expect(all[2]).toMatchObject({ id: card.ok && card.messageId, rev: 3, reply: { fallbackText: 'Kaart v2', blocks: [{ kind: 'heading', text: 'Kaart v2' }] } });
    expect(all[2]?.reply?.replacesMessage).toBeUndefined();
    expect((await history(session)).messages.map((m) => m.reply?.fallbackText)).toEqual(['Kaart v2', 'daarna']);
    s.close();
    await until(async () => bot.adapters.some((a) => a.platform === 'local' && (a as unknown as { streams: { count(s: string): number } }).streams.count(session) === 0));
    // A card neither stored nor on an open page is gone: its sender forgets it.
    expect(await send(session, { ...note('x'), replacesMessage: 'bot-unknown-card' })).toMatchObject({ ok: false, gone: true });
  });

  it('hostile text stays text: one event per message, the JSON carries it unchanged', async () => {
    const session = 'events-sessie-04';
    const s = new Stream(session);
    await s.ready;
    const hostile = 'a\n\ndata: {"id":"x","role":"bot"}\n\nid: 999\r\n<img src=x onerror=alert(1)><script>alert(2)</script> <!channel> \u2028\u2029';
    await send(session, reply('nl', hostile, [block.plain(hostile)]));
    const [msg] = await s.waitFor(1);
    expect(s.events).toHaveLength(1);
    expect(s.events[0]?.id).toBe('1');
    expect(msg?.reply?.fallbackText).toBe(hostile);
    // A user's own hostile text is kept as text in the history too.
    await chat(session, { kind: 'text', text: '<b>vet</b>\u0000 <!channel>' });
    expect((await history(session)).messages.find((m) => m.role === 'user')?.text).toBe('<b>vet</b> <!channel>');
    s.close();
  });

  it("one session never gets another's messages; a stream or history needs a valid session", async () => {
    const a = new Stream('events-sessie-a1');
    const b = new Stream('events-sessie-b1');
    await Promise.all([a.ready, b.ready]);
    await send('events-sessie-a1', note('alleen voor a'));
    await chat('events-sessie-a1', { kind: 'text', text: 'Wat is het IBP?' });
    await a.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.messages()).toEqual([]);
    expect((await history('events-sessie-b1')).messages).toEqual([]);
    expect((await history('events-sessie-a1')).messages.length).toBeGreaterThanOrEqual(3);
    for (const headers of [{}, { 'x-chat-session': 'kort' }, { 'x-chat-session': '../../etc/passwd' }] as Record<string, string>[]) {
      expect((await fetch(`${bot.url}/api/chat/events`, { headers })).status).toBe(400);
      expect((await fetch(`${bot.url}/api/chat/history`, { headers })).status).toBe(400);
    }
    a.close();
    b.close();
  });

  it('the history: what was said and answered, in order, bounded to the last 100 messages', async () => {
    const session = 'events-sessie-05';
    const res = await chat(session, { kind: 'text', text: 'Wat is de zevende zekerheid?' });
    const h = await history(session);
    expect(h.messages.map((m) => m.role)).toEqual(['user', 'bot']);
    expect(h.messages[0]?.text).toBe('Wat is de zevende zekerheid?');
    expect(h.messages[1]).toEqual(res.messages[1]);
    expect(h.rev).toBe(2);
    for (let i = 0; i < 60; i++) await bot.store.webChatHistory.append(session, [{ id: `m-${i}-a`, role: 'user', body: { text: `${i}` } }, { id: `m-${i}-b`, role: 'bot', body: { fallbackText: `${i}`, blocks: [] } }], new Date(), 100);
    const full = await history(session);
    expect(full.messages).toHaveLength(100);
    expect(full.messages.at(-1)?.id).toBe('m-59-b');
  });

  it('a proactive message counts as sent only when a page got it or it is stored', async () => {
    const other = await startBot(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test' },
      { logDestination: new LogCapture(), schedulerIntervalMs: 0 },
    );
    try {
      const to = { platform: 'local' as const, userId: 'events-sessie-06' };
      expect(await other.bot.deps.outbox.sendToUser(to, note('bewaard, geen pagina open'))).toMatchObject({ ok: true });
      expect((await other.store.webChatHistory.list('events-sessie-06')).map((m) => m.body.fallbackText)).toEqual(['bewaard, geen pagina open']);
      await other.store.close(); // nothing can be stored now, and no page is open
      expect(await other.bot.deps.outbox.sendToUser(to, note('verloren'))).toMatchObject({ ok: false, gone: false });
    } finally {
      await other.close();
    }
  });

  it('a stream closed while its replay runs leaves no heartbeat behind (tab closed, or pushed out by a sixth tab)', async () => {
    const session = 'events-sessie-07';
    await send(session, note('een'));
    await send(session, note('twee'));
    const streams = localStreams();
    const before = streams.heartbeats();
    const kind = bot.bot.deps.store.webChatHistory;
    const original = kind.getSession.bind(kind);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let replays = 0;
    kind.getSession = async (s: string) => {
      replays++;
      await gate;
      return original(s);
    };
    try {
      // Closed by the page while its replay waits for the store.
      const closed = new Stream(session, { lastEventId: '1' });
      await closed.ready;
      await until(async () => replays === 1);
      closed.close();
      await until(async () => streams.count(session) === 0);
      // Pushed out by a sixth tab while its replay waits.
      const first = new Stream(session, { lastEventId: '1' });
      await first.ready;
      await until(async () => replays === 2);
      const tabs = Array.from({ length: 5 }, () => new Stream(session));
      await Promise.all(tabs.map((t) => t.ready));
      await until(async () => streams.count(session) === 5);
      release();
      await new Promise((r) => setTimeout(r, 300));
      expect(streams.heartbeats()).toBe(before + 5);
      for (const t of [first, ...tabs]) t.close();
      await until(async () => streams.heartbeats() === before);
    } finally {
      release();
      kind.getSession = original;
    }
  });

  it('the answer does not wait for the other open pages: a stalled tab cannot hold it up', async () => {
    const session = 'events-sessie-08';
    const streams = localStreams() as unknown as { publish: (s: string, m: Wire) => Promise<boolean> };
    const original = streams.publish.bind(streams);
    const published: Wire[] = [];
    streams.publish = (s: string, m: Wire) => {
      published.push(m);
      return new Promise<boolean>(() => {}); // a tab whose socket never takes the write
    };
    try {
      const res = await Promise.race([chat(session, { kind: 'text', text: 'Wat is het IBP?' }), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
      expect(res?.status).toBe(200);
      expect(published.map((m) => m.role)).toEqual(res!.messages.map((m) => m.role));
    } finally {
      streams.publish = original;
    }
  });

  it('a message for a session without an open page comes with its next answer, unless the session was removed meanwhile (privacy delete)', async () => {
    const post = async (session: string): Promise<{ messages: Wire[]; notifications?: Reply[] }> => {
      const res = await fetch(`${bot.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...forwardedFor(session) }, body: JSON.stringify({ session, messageId: mid(), input: { kind: 'text', text: 'help' } }) });
      return (await res.json()) as { messages: Wire[]; notifications?: Reply[] };
    };
    await send('events-sessie-09', note('wacht op je volgende vraag'));
    expect((await post('events-sessie-09')).notifications?.map((r) => r.fallbackText)).toEqual(['wacht op je volgende vraag']);
    expect((await post('events-sessie-09')).notifications).toBeUndefined();
    await send('events-sessie-10', note('daarna verwijderd'));
    expect(await bot.store.webChatHistory.remove('events-sessie-10')).toBe(true);
    const after = await post('events-sessie-10');
    expect(after.notifications).toBeUndefined();
    expect(after.messages.map((m) => m.reply?.fallbackText ?? m.text)).not.toContain('daarna verwijderd');
  });

  it('a message that could not be stored, tried again by the delivery queue, comes with the next answer once', async () => {
    const session = 'events-sessie-11';
    const history = bot.store.webChatHistory;
    const append = history.append.bind(history);
    history.append = async () => {
      throw new Error('disk full');
    };
    try {
      // No page open and nothing stored: the delivery queue retries (deliveryRetryDelaysMs 50) with the same reply.
      expect(await send(session, note('niet bewaard'))).toMatchObject({ ok: false, gone: false });
      expect(await send(session, note('niet bewaard'))).toMatchObject({ ok: false, gone: false });
      expect(await send(session, note('ook niet bewaard'))).toMatchObject({ ok: false, gone: false });
    } finally {
      history.append = append;
    }
    const res = await fetch(`${bot.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...forwardedFor(session) }, body: JSON.stringify({ session, messageId: mid(), input: { kind: 'text', text: 'help' } }) });
    const body = (await res.json()) as { notifications?: Reply[] };
    expect(body.notifications?.map((r) => r.fallbackText)).toEqual(['niet bewaard', 'ook niet bewaard']);
  });

  it('the in-memory inbox keeps at most 1000 sessions: the longest untouched goes first', () => {
    const inbox = new MemoryInbox();
    for (let i = 0; i <= INBOX_SESSIONS; i++) inbox.push(`inbox-${i}`, { id: `m-${i}`, role: 'user', text: `${i}` });
    inbox.push('inbox-1', { id: 'm-1b', role: 'user', text: 'nog een' });
    inbox.push('inbox-1', { id: 'm-1c', role: 'user', text: 'nog een' }, 'k');
    inbox.push('inbox-1', { id: 'm-1d', role: 'user', text: 'nog een' }, 'k'); // the same, tried again: replaces m-1c
    inbox.push('inbox-nieuw', { id: 'm-n', role: 'user', text: 'nieuw' });
    expect(inbox.size).toBe(INBOX_SESSIONS);
    expect(inbox.take('inbox-0')).toEqual([]);
    expect(inbox.take('inbox-2')).toEqual([]);
    expect(inbox.take('inbox-1').map((m) => m.id)).toEqual(['m-1', 'm-1b', 'm-1d']);
    expect(inbox.take('inbox-nieuw')).toHaveLength(1);
  });

  it('an open web chat address may hold 50 streams at once; the 51st gets 429', async () => {
    const streams: AbortController[] = [];
    const open = async (i: number): Promise<number> => {
      const c = new AbortController();
      streams.push(c);
      const res = await fetch(`${bot.url}/api/chat/events`, { headers: { 'x-chat-session': `many-streams-${i}`, 'x-forwarded-for': '10.250.1.1' }, signal: c.signal });
      return res.status;
    };
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => open(i)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await open(50)).toBe(429);
    for (const c of streams) c.abort();
  });
});

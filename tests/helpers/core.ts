import { nullOutbox, type Outbox, type ProactiveResult, type UserAddress } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import type { CoreDeps, Feature } from '../../src/core/context.js';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Bot } from '../../src/core/bot.js';
import type { Turn, TurnInput } from '../../src/domain/turn.js';
import { DeliveryQueue } from '../../src/core/deliveries.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/base.js';
import { createLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb/store.js';
import type { Store } from '../../src/store/types.js';

let kb: Promise<KnowledgeBase> | null = null;
/** The shipped knowledge base, loaded once per test file. */
export function shippedKnowledge(): Promise<KnowledgeBase> {
  kb ??= openKnowledgeBase(path.resolve('knowledge'));
  return kb;
}

/** A log sink that keeps every line, to assert on what was (not) logged. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export async function testBot(
  opts: { store?: Store; now?: () => Date; outbox?: Outbox; features?: Feature[]; retryDelaysMs?: number[]; limits?: CoreDeps['limits'] } = {},
): Promise<{ bot: Bot; store: Store; logs: LogCapture; deliveries: DeliveryQueue }> {
  const logs = new LogCapture();
  const store = opts.store ?? LowdbStore.openInMemory();
  const log = createLogger({ level: 'trace', pretty: false, destination: logs });
  const outbox = opts.outbox ?? nullOutbox('no outbox in this test');
  const deliveries = new DeliveryQueue(outbox, log, opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {});
  const bot = new Bot({
    knowledge: await shippedKnowledge(),
    store,
    log,
    defaultLocale: 'nl',
    now: opts.now ?? (() => new Date('2026-11-23T10:00:00Z')),
    outbox,
    deliveries,
    ...(opts.limits ? { limits: opts.limits } : {}),
  }, opts.features ?? []);
  return { bot, store, logs, deliveries };
}

let seq = 0;
export function turn(input: TurnInput | string, over: Partial<Turn> = {}): Turn {
  seq += 1;
  return {
    id: `t-${seq}`,
    platform: 'local',
    user: { id: 'user-1', name: 'Test Gebruiker' },
    conversation: { id: 'conv-1', kind: 'personal' },
    input: typeof input === 'string' ? { kind: 'text', text: input } : input,
    receivedAt: new Date('2026-11-23T10:00:00Z'),
    ...over,
  };
}

/** An outbox that records what the core sends proactively. */
export class RecordingOutbox implements Outbox {
  sent: { to: string; reply: Reply }[] = [];
  /** Message ids it handed out, as a platform does (`m-1`, `m-2`, …). */
  private seq = 0;
  async send(refKey: string, reply: Reply): Promise<ProactiveResult> {
    this.sent.push({ to: refKey, reply });
    return { ok: true, messageId: reply.replacesMessage ?? `m-${++this.seq}` };
  }
  async sendToUser(user: UserAddress, reply: Reply): Promise<ProactiveResult> {
    this.sent.push({ to: `user:${user.platform}:${user.userId}`, reply });
    return { ok: true };
  }
}

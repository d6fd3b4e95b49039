import type { WireMessage } from './history.js';

/** Most messages kept per session; older ones are dropped first. */
export const INBOX_LIMIT = 20;
/** Most sessions with waiting messages (abandoned ones pile up); the longest untouched goes first. */
export const INBOX_SESSIONS = 1_000;

/**
 * Proactive messages that no open page received (no event stream of the session was open)
 * also come along with the session's next answer (`notifications`), for clients without a
 * stream. The history holds them either way; this is in memory, per instance (the
 * adapter hands out only those the history still holds, see `LocalAdapter.waiting`).
 */
export class MemoryInbox {
  private readonly boxes = new Map<string, { message: WireMessage; key?: string }[]>();

  /**
   * Adds a waiting message. `key` names what it says: a message with the same key waiting
   * already is replaced (a delivery the queue retries because it could not be stored is one
   * message, not one per try).
   */
  push(sessionId: string, message: WireMessage, key?: string): void {
    const box = (this.boxes.get(sessionId) ?? []).filter((m) => key === undefined || m.key !== key);
    box.push(key === undefined ? { message } : { message, key });
    if (box.length > INBOX_LIMIT) box.splice(0, box.length - INBOX_LIMIT);
    this.boxes.delete(sessionId); // to the end: the most recently used
    this.boxes.set(sessionId, box);
    if (this.boxes.size > INBOX_SESSIONS) this.boxes.delete(this.boxes.keys().next().value!);
  }

  /** Sessions with waiting messages (tests, logs). */
  get size(): number {
    return this.boxes.size;
  }

  take(sessionId: string): WireMessage[] {
    const box = this.boxes.get(sessionId) ?? [];
    this.boxes.delete(sessionId);
    return box.map((m) => m.message);
  }
}

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
  private readonly boxes = new Map<string, WireMessage[]>();

  push(sessionId: string, message: WireMessage): void {
    const box = this.boxes.get(sessionId) ?? [];
    box.push(message);
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
    return box;
  }
}

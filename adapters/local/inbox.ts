import type { WireMessage } from './history.js';

/** Most messages kept per session; older ones are dropped first. */
export const INBOX_LIMIT = 20;

/**
 * Proactive messages that no open page received (no event stream of the session was open)
 * also come along with the session's next answer (`notifications`), for clients without a
 * stream. The history holds them either way; this is in memory, per instance.
 */
export class MemoryInbox {
  private readonly boxes = new Map<string, WireMessage[]>();

  push(sessionId: string, message: WireMessage): void {
    const box = this.boxes.get(sessionId) ?? [];
    box.push(message);
    if (box.length > INBOX_LIMIT) box.splice(0, box.length - INBOX_LIMIT);
    this.boxes.set(sessionId, box);
  }

  take(sessionId: string): WireMessage[] {
    const box = this.boxes.get(sessionId) ?? [];
    this.boxes.delete(sessionId);
    return box;
  }
}

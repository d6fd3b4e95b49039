import type { Reply } from '../../src/core/reply.js';
import type { LocalInbox } from '../../src/platform/contract.js';

/** Most messages kept per web-chat session; older ones are dropped first. */
export const INBOX_LIMIT = 20;

/**
 * The web chat has no push channel, so private messages for a session (a knelpunt
 * status update) wait here and come along with the session's next reply. In memory:
 * the local chat is for trying the bot out, not for production messaging.
 */
export class MemoryInbox implements LocalInbox {
  private readonly boxes = new Map<string, Reply[]>();

  push(sessionId: string, reply: Reply): void {
    const box = this.boxes.get(sessionId) ?? [];
    box.push(reply);
    if (box.length > INBOX_LIMIT) box.splice(0, box.length - INBOX_LIMIT);
    this.boxes.set(sessionId, box);
  }

  take(sessionId: string): Reply[] {
    const box = this.boxes.get(sessionId) ?? [];
    this.boxes.delete(sessionId);
    return box;
  }
}

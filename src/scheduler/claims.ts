import type { ReflectieQuestions } from '../knowledge/reflectie.js';
import type { NudgeClaim, NudgeSubscription } from '../store/types.js';
import { nextSlot, skippedHoliday } from '../domain/schedule.js';

/** Most past slots of one subscription looked at in one go (a server down for years). */
export const MAX_SLOTS_PER_CLAIM = 500;

/**
 * What to claim for the due subscriptions at `now`. Pure. Every slot from the
 * subscription's `nextSlotAt` up to `now` is claimed exactly once with its fate:
 * a holiday is `skipped-holiday`; a slot more than `graceMs` late is `skipped-late`;
 * of the slots still on time only the newest is `queued` for sending (older ones
 * are superseded, so a channel never gets two nudges at once after downtime).
 */
export function planClaims(subs: readonly NudgeSubscription[], now: Date, graceMs: number, questions: ReflectieQuestions): NudgeClaim[] {
  const out: NudgeClaim[] = [];
  for (const sub of subs) {
    if (sub.status !== 'active' || new Date(sub.nextSlotAt) > now) continue;
    const s = sub.schedule;
    const past: Date[] = [];
    let at = new Date(sub.nextSlotAt);
    while (at <= now && past.length < MAX_SLOTS_PER_CLAIM) {
      past.push(at);
      at = nextSlot(s, at);
    }
    const next = at <= now ? nextSlot(s, now) : at;
    const slots: NudgeClaim['slots'] = past.map((slot) => {
      const holiday = skippedHoliday(s, slot);
      if (holiday) return { slot: slot.toISOString(), status: 'skipped-holiday', detail: holiday };
      if (now.getTime() - slot.getTime() > graceMs) return { slot: slot.toISOString(), status: 'skipped-late', detail: 'later than the grace period' };
      return { slot: slot.toISOString(), status: 'queued' };
    });
    const onTime = slots.filter((x) => x.status === 'queued');
    for (const x of onTime.slice(0, -1)) Object.assign(x, { status: 'skipped-late', detail: 'superseded by a later slot' });
    const send = onTime.at(-1);
    let questionCursor: number | undefined;
    if (send && sub.kind === 'nudge') {
      const picked = questions.pick(sub.questionCursor, sub.lastQuestionId);
      if (picked) {
        send.questionId = picked.question.id;
        questionCursor = picked.cursor;
      }
    }
    out.push({ subscriptionId: sub.id, expectedNextSlotAt: sub.nextSlotAt, nextSlotAt: next.toISOString(), ...(questionCursor !== undefined ? { questionCursor } : {}), slots });
  }
  return out;
}

import { randomUUID } from 'node:crypto';
import { messages } from '../../i18n/index.js';
import {
  anchorSchedule, describeSchedule, digestSchedule, nextRun, nextSlot, parseDutchDate, parseSchedule, type Schedule,
} from '../../domain/schedule.js';
import { dayText } from '../../domain/dates.js';
import { dayNumber, isoDate, localDateTime, zonedInstant } from '../../domain/time.js';
import type { NudgeSubscription, SubscriptionKind } from '../../store/types.js';
import { simpleReply } from '../answer.js';
import type { RouteResult, TurnContext } from '../context.js';
import { conversationKey, qualifiedUserId } from '../../domain/turn.js';
import { planningCard, zonedDateTime } from './cards.js';

/**
 * `reflectie plan|planning|pauze tot|hervat|stop` in a channel. Whoever types it there is
 * a member of that channel (the platform only delivers their message from inside it),
 * so a channel's subscriptions are changed only from the channel itself; every change
 * is kept in the subscription's history with who and when.
 */
const done = (ctx: TurnContext, markdown: string, outcome: RouteResult['outcome'] = 'command'): RouteResult => ({
  replies: [simpleReply(ctx.locale, markdown)],
  outcome,
});

function newSubscription(ctx: TurnContext, kind: SubscriptionKind, schedule: Schedule, now: Date): NudgeSubscription {
  const at = now.toISOString();
  const schema = describeSchedule(schedule);
  return {
    id: randomUUID(), kind, channelKey: conversationKey(ctx.turn), platform: ctx.turn.platform, conversationId: ctx.turn.conversation.id,
    schedule, schema, locale: ctx.locale, status: 'active', nextSlotAt: nextSlot(schedule, now).toISOString(), questionCursor: 0,
    history: [{ at, by: qualifiedUserId(ctx.turn), what: `plan ${kind}: ${schema}` }], createdAt: at, updatedAt: at,
  };
}

const live = (ctx: TurnContext): Promise<NudgeSubscription[]> =>
  ctx.deps.store.subscriptions.list({ channelKey: conversationKey(ctx.turn), status: ['active', 'paused'] });

export async function plan(ctx: TurnContext, text: string): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const parsed = parseSchedule(text);
  if (!parsed.ok) return done(ctx, `${t.planProblem[parsed.problem]}\n\n${t.planExamples}`, 'invalid');
  const now = ctx.deps.now();
  const schedule = anchorSchedule(parsed.schedule, now);
  const schema = describeSchedule(schedule);
  const existing = await live(ctx);
  if (existing.some((s) => s.kind === 'nudge' && s.schema === schema)) return done(ctx, t.planExists(schema), 'invalid');
  const sub = await ctx.deps.store.subscriptions.create(newSubscription(ctx, 'nudge', schedule, now));
  if (!existing.some((s) => s.kind === 'digest')) {
    await ctx.deps.store.subscriptions.create(newSubscription(ctx, 'digest', digestSchedule(schedule.timeZone), now));
  }
  ctx.deps.log.info({ subscription: sub.id, schema }, 'reflectie nudges planned');
  return done(ctx, t.planned(schema, zonedDateTime(nextRun(schedule, new Date(sub.nextSlotAt)), schedule.timeZone, ctx.locale)));
}

export async function planning(ctx: TurnContext): Promise<RouteResult> {
  const now = ctx.deps.now();
  const subs = (await live(ctx)).map((s) => {
    if (s.status !== 'active') return s;
    const shown = { ...s, nextSlotAt: nextRun(s.schedule, new Date(s.nextSlotAt)).toISOString() };
    // A pause that is over is no longer news.
    if (s.pausedUntil && s.pausedUntil <= isoDate(localDateTime(now, s.schedule.timeZone))) delete shown.pausedUntil;
    return shown;
  });
  return { replies: [planningCard(subs, ctx.locale)], outcome: 'command' };
}

export async function pause(ctx: TurnContext, dateText: string): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const subs = (await live(ctx)).filter((s) => s.kind === 'nudge' && s.status === 'active');
  if (subs.length === 0) return done(ctx, t.noSubscriptions, 'invalid');
  const now = ctx.deps.now();
  const tz = subs[0]!.schedule.timeZone;
  const today = localDateTime(now, tz);
  const until = parseDutchDate(dateText, today);
  if (!until) return done(ctx, t.pauseInvalid, 'invalid');
  if (dayNumber(until) <= dayNumber(today)) return done(ctx, t.pausePast, 'invalid');
  const by = qualifiedUserId(ctx.turn);
  for (const s of subs) {
    // The first slot on or after local midnight of the resume date, in the subscription's own zone.
    const resume = zonedInstant({ ...until, h: 0, mi: 0 }, s.schedule.timeZone);
    const next = nextSlot(s.schedule, new Date(resume.getTime() - 1));
    await ctx.deps.store.subscriptions.update(
      s.id,
      // A new pause date replaces an earlier pause (also a shorter one); otherwise never move back.
      { pausedUntil: isoDate(until), nextSlotAt: (s.pausedUntil || next.toISOString() > s.nextSlotAt ? next : new Date(s.nextSlotAt)).toISOString() },
      { at: now.toISOString(), by, what: `pauze tot ${isoDate(until)}` },
    );
  }
  const day = dayText(isoDate(until), ctx.locale);
  // "pauze tot 1 december" on 4 December means next year: say so, and how to say otherwise.
  const nextYear = until.y > today.y && !/\d{4}/.test(dateText);
  return done(ctx, nextYear ? `${t.pauseDone(day)}\n\n${t.pauseNextYear(day)}` : t.pauseDone(day));
}

export async function resume(ctx: TurnContext): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const subs = await live(ctx);
  if (subs.length === 0) return done(ctx, t.noSubscriptions, 'invalid');
  const now = ctx.deps.now();
  let first: { s: Schedule; at: Date } | undefined;
  for (const s of subs) {
    let next = new Date(s.nextSlotAt);
    // Only what is paused moves: a running subscription keeps its (maybe just due) slot.
    if (s.status === 'paused' || s.pausedUntil) {
      next = nextSlot(s.schedule, now);
      await ctx.deps.store.subscriptions.update(
        s.id,
        { status: 'active', clearPause: true, nextSlotAt: next.toISOString() },
        { at: now.toISOString(), by: qualifiedUserId(ctx.turn), what: 'hervat' },
      );
    }
    const run = nextRun(s.schedule, next < now ? nextSlot(s.schedule, now) : next);
    if (s.kind === 'nudge' && (!first || run < first.at)) first = { s: s.schedule, at: run };
  }
  return done(ctx, t.resumeDone(first ? zonedDateTime(first.at, first.s.timeZone, ctx.locale) : '-'));
}

export async function stop(ctx: TurnContext): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const subs = await live(ctx);
  if (subs.length === 0) return done(ctx, t.noSubscriptions, 'invalid');
  const now = ctx.deps.now();
  for (const s of subs) {
    await ctx.deps.store.subscriptions.update(s.id, { status: 'stopped' }, { at: now.toISOString(), by: qualifiedUserId(ctx.turn), what: 'stop' });
  }
  return done(ctx, t.stopDone);
}

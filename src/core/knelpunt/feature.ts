import { messages } from '../../i18n/index.js';
import { refHash } from '../../log.js';
import type { KnelpuntRecord } from '../../store/types.js';
import { simpleReply } from '../answer.js';
import type { Feature, RouteResult, TurnContext } from '../context.js';
import { block, reply } from '../reply.js';
import { conversationKey, qualifiedUserId } from '../../domain/turn.js';
import { limitedResult } from '../bot.js';
import { ACTION_REPORT, ACTION_STATUS, confirmationCard, mineCard, overviewCard, statusLabel, triageCard } from './cards.js';
import type { Coordinators } from './coordinators.js';
import { KNELPUNT_FORM_ID, TOELICHTING_FORM_ID, knelpuntForm, toelichtingForm, validateKnelpunt, validateToelichting } from './form.js';
import { changeKnelpuntStatus } from './service.js';
import { canMove, needsToelichting, parseStatusValue, statusValue } from '../../domain/knelpunt.js';

export interface KnelpuntOptions {
  coordinators: Coordinators;
}

/**
 * Knelpunten: report with a form, triage by coordinators in a registered channel,
 * status updates to named reporters. A report is stored before anything is sent,
 * so a failing post never loses it; the dashboard and export read the store.
 */
export function knelpuntFeature(opts: KnelpuntOptions): Feature {
  const { coordinators } = opts;

  const formReply = (ctx: TurnContext, initial: Parameters<typeof knelpuntForm>[2] = {}, errors?: Record<string, string>): RouteResult => {
    const t = messages(ctx.locale).knelpunt;
    const form = knelpuntForm(ctx.deps.knowledge, ctx.locale, initial, errors);
    const blocks = errors ? [block.markdown(t.errorsIntro), block.form(form)] : [block.form(form)];
    return { replies: [reply(ctx.locale, t.formTitle, blocks, { private: true })], outcome: 'form' };
  };

  const refuse = (ctx: TurnContext): RouteResult => ({
    replies: [simpleReply(ctx.locale, messages(ctx.locale).knelpunt.notCoordinator, { private: true })],
    outcome: 'invalid',
  });

  /**
   * Queues the post to every triage channel: the reporter's confirmation never waits for
   * it, a failing post is retried in the background, and nothing is lost either way (the
   * knelpunt is already stored; the dashboard lists it).
   */
  async function postToTriage(ctx: TurnContext, k: KnelpuntRecord): Promise<void> {
    const channels = await ctx.deps.store.triageChannels.list();
    if (channels.length === 0) ctx.deps.log.warn({ ref: k.ref }, 'knelpunt stored, but no triage channel is registered yet');
    for (const key of channels) {
      ctx.deps.deliveries.deliver({ conversation: key }, triageCard(ctx.deps.knowledge, k, ctx.deps.defaultLocale), { what: 'knelpunt triage post', ref: k.ref, channel: refHash(key) });
    }
  }

  async function submit(ctx: TurnContext, values: Parameters<typeof validateKnelpunt>[0]): Promise<RouteResult> {
    const opgaveIds = ctx.deps.knowledge.ofType('opgave').map((e) => e.id);
    const checked = validateKnelpunt(values, opgaveIds, ctx.locale);
    if (!checked.ok) {
      // Show the form again with what the user typed, and each error next to its field.
      return formReply(ctx, values as Parameters<typeof knelpuntForm>[2], checked.errors);
    }
    const { turn } = ctx;
    if (turn.addressKey) {
      // A client without an identity can make new user ids at will; its address it cannot.
      const perAddress = await ctx.deps.limits?.take('web-knelpunt', turn.addressKey, ctx.deps.now());
      if (perAddress && !perAddress.ok) {
        return { replies: [simpleReply(ctx.locale, messages(ctx.locale).rateLimited.webKnelpunt, { private: true })], outcome: 'limited' };
      }
    }
    const limit = await ctx.deps.limits?.take('knelpunt', qualifiedUserId(turn), ctx.deps.now());
    if (limit && !limit.ok) return limitedResult(ctx, 'knelpunt', true);
    const input = checked.value;
    const { knelpunt, created } = await ctx.deps.store.knelpunten.create(
      {
        ...input,
        platform: turn.platform,
        ...(input.anoniem
          ? {}
          : {
              reporter: {
                platform: turn.platform,
                userId: turn.user.id,
                ...(turn.user.name ? { name: turn.user.name } : {}),
                ...(turn.user.aadObjectId ? { aadObjectId: turn.user.aadObjectId } : {}),
                conversationKey: conversationKey(turn),
              },
            }),
      },
      `${turn.platform}:${turn.id}`,
      ctx.deps.now(),
    );
    // Never log who reported; the reference is enough to find it.
    ctx.deps.log.info({ ref: knelpunt.ref, created, anoniem: knelpunt.anoniem }, created ? 'knelpunt stored' : 'knelpunt submission repeated');
    if (created) await postToTriage(ctx, knelpunt);
    return { replies: [confirmationCard(ctx.deps.knowledge, knelpunt, ctx.locale, !created)], outcome: 'form' };
  }

  /** Chat side of a status change: the shared service does the work; this turns its result into replies. */
  async function applyStatus(ctx: TurnContext, who: string, value: string, toelichting?: string): Promise<RouteResult> {
    const t = messages(ctx.locale).knelpunt;
    const parsed = parseStatusValue(value);
    if (!parsed) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).unknownAction)], outcome: 'invalid' };
    const { ref, from, to } = parsed;
    const res = await changeKnelpuntStatus(ctx.deps, { ref, from, to, by: who, ...(toelichting ? { toelichting } : {}) });
    if (!res.ok) {
      if (res.reason === 'not_found') return { replies: [simpleReply(ctx.locale, t.notFound(ref))], outcome: 'invalid' };
      if (res.reason === 'stale') {
        return { replies: [simpleReply(ctx.locale, t.statusStale(ref, statusLabel(res.knelpunt.status, ctx.locale)), { private: true })], outcome: 'invalid' };
      }
      return { replies: [simpleReply(ctx.locale, messages(ctx.locale).unknownAction)], outcome: 'invalid' };
    }
    return {
      replies: [simpleReply(ctx.locale, t.statusChanged(ref, statusLabel(to, ctx.locale))), triageCard(ctx.deps.knowledge, res.knelpunt, ctx.locale)],
      outcome: 'command',
    };
  }

  return {
    name: 'knelpunt',
    commands: {
      knelpunt: async (ctx, args) => {
        const t = messages(ctx.locale).knelpunt;
        const sub = args.trim().toLowerCase();
        if (sub === '') return formReply(ctx);
        if (sub === 'mijn' || sub === 'mine') {
          const list = await ctx.deps.store.knelpunten.list({ reporter: { platform: ctx.turn.platform, userId: ctx.turn.user.id } });
          return { replies: [mineCard(ctx.deps.knowledge, list, ctx.locale)], outcome: 'command' };
        }
        if (sub === 'overzicht' || sub === 'overview') {
          if (!coordinators.identify(ctx.turn)) return refuse(ctx);
          return { replies: [overviewCard(ctx.deps.knowledge, await ctx.deps.store.knelpunten.list(), ctx.locale)], outcome: 'command' };
        }
        if (/^triage\s+(hier|here)$/.test(sub)) {
          const who = coordinators.identify(ctx.turn);
          if (!who) return refuse(ctx);
          await ctx.deps.store.triageChannels.add(conversationKey(ctx.turn), who, ctx.deps.now());
          return { replies: [simpleReply(ctx.locale, t.triageRegistered)], outcome: 'command' };
        }
        if (/^triage\s+(stop|uit|off)$/.test(sub)) {
          if (!coordinators.identify(ctx.turn)) return refuse(ctx);
          await ctx.deps.store.triageChannels.remove(conversationKey(ctx.turn));
          return { replies: [simpleReply(ctx.locale, t.triageRemoved)], outcome: 'command' };
        }
        // `knelpunt <tekst>`: the form with the description filled in.
        return formReply(ctx, { beschrijving: args.trim() });
      },
    },
    actions: {
      [ACTION_REPORT]: async (ctx) => formReply(ctx),
      [ACTION_STATUS]: async (ctx, value) => {
        const who = coordinators.identify(ctx.turn);
        if (!who) return refuse(ctx);
        const parsed = parseStatusValue(value);
        if (parsed && canMove(parsed.from, parsed.to) && needsToelichting(parsed.to)) {
          const current = await ctx.deps.store.knelpunten.get(parsed.ref);
          const t = messages(ctx.locale).knelpunt;
          if (!current) return { replies: [simpleReply(ctx.locale, t.notFound(parsed.ref))], outcome: 'invalid' };
          if (current.status !== parsed.from) {
            return { replies: [simpleReply(ctx.locale, t.statusStale(parsed.ref, statusLabel(current.status, ctx.locale)), { private: true })], outcome: 'invalid' };
          }
          const form = toelichtingForm(ctx.locale, parsed.ref, statusValue(parsed.ref, parsed.from, parsed.to));
          return { replies: [reply(ctx.locale, form.title, [block.form(form)], { private: true })], outcome: 'form' };
        }
        return applyStatus(ctx, who, value);
      },
    },
    forms: {
      [KNELPUNT_FORM_ID]: (ctx, values) => submit(ctx, values),
      [TOELICHTING_FORM_ID]: async (ctx, values, state) => {
        const who = coordinators.identify(ctx.turn);
        if (!who) return refuse(ctx);
        const parsed = state ? parseStatusValue(state) : null;
        if (!parsed) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).unknownForm)], outcome: 'invalid' };
        const checked = validateToelichting(values, ctx.locale);
        if (!checked.ok) {
          const form = toelichtingForm(ctx.locale, parsed.ref, state ?? '', checked.errors, typeof values.toelichting === 'string' ? values.toelichting : undefined);
          return { replies: [reply(ctx.locale, form.title, [block.form(form)], { private: true })], outcome: 'invalid' };
        }
        return applyStatus(ctx, who, state ?? '', checked.value);
      },
    },
  };
}

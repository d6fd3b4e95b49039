import { messages } from '../../i18n/index.js';
import { refHash } from '../../log.js';
import type { KnelpuntRecord } from '../../store/types.js';
import { simpleReply } from '../answer.js';
import type { Feature, RouteResult, TurnContext } from '../context.js';
import { recipientLocale } from '../conversation-language.js';
import { block, replacing, reply, type Reply } from '../reply.js';
import { rememberCard } from '../tracked.js';
import { conversationKey, qualifiedUserId, type FormValues } from '../../domain/turn.js';
import { limitedResult } from '../bot.js';
import { ACTION_REPORT, ACTION_STATUS, confirmationCard, mineCard, overviewCard, statusLabel, triageCard } from './cards.js';
import type { Coordinators } from './coordinators.js';
import { KNELPUNT_FORM_ID, TOELICHTING_FORM_ID, knelpuntForm, toelichtingForm, validateKnelpunt, validateToelichting } from './form.js';
import { changeKnelpuntStatus } from './service.js';
import { canMove, isKnelpuntRef, isReopen, needsToelichting, parseStatusValue, type StatusOrigin } from '../../domain/knelpunt.js';

export interface KnelpuntOptions {
  coordinators: Coordinators;
}

type ParsedStatus = NonNullable<ReturnType<typeof parseStatusValue>>;

/**
 * Knelpunten: report with a form, triage by coordinators in a registered channel (or from
 * the overview), status updates to named reporters. A report is stored before anything is
 * sent, so a failing post never loses it; the dashboard and export read the store. Every
 * triage card shows the knelpunt as it is: the card a button was pressed on is replaced
 * in place, every other one is updated in the background.
 */
export function knelpuntFeature(opts: KnelpuntOptions): Feature {
  const { coordinators } = opts;

  const formReply = (ctx: TurnContext, initial: Parameters<typeof knelpuntForm>[2] = {}, errors?: Record<string, string>): RouteResult => {
    const t = messages(ctx.locale).knelpunt;
    const form = knelpuntForm(ctx.deps.knowledge, ctx.locale, initial, errors);
    const blocks = errors ? [block.markdown(t.errorsIntro), block.form(form)] : [block.form(form)];
    // With errors, the form takes the place of the one that was sent.
    return { replies: [reply(ctx.locale, t.formTitle, blocks, { private: true, replacesSource: errors !== undefined })], outcome: errors ? 'invalid' : 'form' };
  };

  const refuse = (ctx: TurnContext): RouteResult => ({
    replies: [simpleReply(ctx.locale, messages(ctx.locale).knelpunt.notCoordinator, { private: true })],
    outcome: 'invalid',
  });

  const unknown = (ctx: TurnContext): RouteResult => ({ replies: [simpleReply(ctx.locale, messages(ctx.locale).unknownAction)], outcome: 'invalid' });

  /**
   * Queues the post to every triage channel: the reporter's confirmation never waits for
   * it, a failing post is retried in the background (showing the knelpunt as it is then),
   * and nothing is lost either way (the knelpunt is already stored; the dashboard lists
   * it). Where a post lands is remembered, so it is updated after every status change.
   */
  async function postToTriage(ctx: TurnContext, k: KnelpuntRecord): Promise<void> {
    const { deps } = ctx;
    const channels = await deps.store.triageChannels.list();
    if (channels.length === 0) deps.log.warn({ ref: k.ref }, 'knelpunt stored, but no triage channel is registered yet');
    for (const key of channels) {
      let posted: Reply | undefined;
      deps.deliveries.deliver(
        { conversation: key },
        async () => {
          const now = await deps.store.knelpunten.get(k.ref);
          // In the triage channel's own language (remembered, or set with `taal`).
          posted = now ? triageCard(deps.knowledge, now, await recipientLocale(deps.store, { conversation: key }, deps.defaultLocale, deps.log)) : undefined;
          return posted;
        },
        { what: 'knelpunt triage post', ref: k.ref, channel: refHash(key) },
        { onSent: async ({ messageId }) => (posted ? rememberCard(deps, posted, key, messageId) : undefined) },
      );
    }
  }

  async function submit(ctx: TurnContext, values: FormValues): Promise<RouteResult> {
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
      // The form's one-time id: the same form twice is one knelpunt, on every instance.
      ctx.formOnce ? `form:${ctx.formOnce}` : `${turn.platform}:${turn.id}`,
      ctx.deps.now(),
    );
    // Never log who reported; the reference is enough to find it.
    ctx.deps.log.info({ ref: knelpunt.ref, created, anoniem: knelpunt.anoniem }, created ? 'knelpunt stored' : 'knelpunt submission repeated');
    if (created) await postToTriage(ctx, knelpunt);
    // The confirmation takes the place of the form that was sent.
    return { replies: [replacing(confirmationCard(ctx.deps.knowledge, knelpunt, ctx.locale, !created))], outcome: 'form', receipt: knelpunt.ref };
  }

  /** The card a status button was on, as it is now: the knelpunt's triage card, or the overview. */
  async function cardFor(ctx: TurnContext, k: KnelpuntRecord, origin: StatusOrigin): Promise<Reply> {
    if (origin === 'overview') return replacing(overviewCard(ctx.deps.knowledge, await ctx.deps.store.knelpunten.list(), ctx.locale));
    // The press came from this card, so ctx.locale is the card's language (src/core/card-language.ts).
    return replacing(triageCard(ctx.deps.knowledge, k, ctx.locale));
  }

  /** Someone changed it meanwhile: the card shows the truth, and the press is answered where it was made. */
  async function stale(ctx: TurnContext, k: KnelpuntRecord, origin: StatusOrigin): Promise<RouteResult> {
    const t = messages(ctx.locale).knelpunt;
    return { replies: [await cardFor(ctx, k, origin), simpleReply(ctx.locale, t.statusStale(k.ref, statusLabel(k.status, ctx.locale)))], outcome: 'invalid' };
  }

  /** Chat side of a status change: the shared service does the work; this turns its result into replies. */
  async function applyStatus(ctx: TurnContext, who: string, p: ParsedStatus, toelichting?: string): Promise<RouteResult> {
    const t = messages(ctx.locale).knelpunt;
    const res = await changeKnelpuntStatus(ctx.deps, {
      ref: p.ref, from: p.from, to: p.to, by: who, ...(ctx.turn.user.name ? { byName: ctx.turn.user.name } : {}), ...(toelichting ? { toelichting } : {}),
    });
    if (!res.ok) {
      if (res.reason === 'not_found') return { replies: [simpleReply(ctx.locale, t.notFound(p.ref))], outcome: 'invalid' };
      if (res.reason === 'stale') return stale(ctx, res.knelpunt, p.origin);
      return unknown(ctx);
    }
    // The card that was pressed (or the toelichting form) now shows the new status; the others follow in the background.
    return { replies: [await cardFor(ctx, res.knelpunt, p.origin)], outcome: 'command', receipt: p.ref };
  }

  /** A status button: a step that needs a toelichting asks for it first (in a dialog where the platform has one). */
  async function statusAction(ctx: TurnContext, value: string): Promise<RouteResult> {
    const who = coordinators.identify(ctx.turn);
    if (!who) return refuse(ctx);
    const parsed = parseStatusValue(value);
    if (!parsed) return unknown(ctx);
    const current = await ctx.deps.store.knelpunten.get(parsed.ref);
    if (!current) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).knelpunt.notFound(parsed.ref))], outcome: 'invalid' };
    if (current.status !== parsed.from) return stale(ctx, current, parsed.origin);
    if (!canMove(parsed.from, parsed.to)) return unknown(ctx);
    if (needsToelichting(parsed.to, parsed.from)) {
      const form = toelichtingForm(ctx.locale, parsed.ref, value, undefined, undefined, isReopen(parsed.from, parsed.to));
      return { replies: [reply(ctx.locale, form.title, [block.form(form)], { private: true })], outcome: 'form' };
    }
    return applyStatus(ctx, who, parsed);
  }

  async function toelichtingSubmit(ctx: TurnContext, values: FormValues, state?: string): Promise<RouteResult> {
    const who = coordinators.identify(ctx.turn);
    if (!who) return refuse(ctx);
    const parsed = state ? parseStatusValue(state) : null;
    if (!parsed) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).unknownForm)], outcome: 'invalid' };
    const checked = validateToelichting(values, ctx.locale);
    if (!checked.ok) {
      const initial = typeof values.toelichting === 'string' ? values.toelichting : undefined;
      const form = toelichtingForm(ctx.locale, parsed.ref, state ?? '', checked.errors, initial, isReopen(parsed.from, parsed.to));
      return { replies: [reply(ctx.locale, form.title, [block.form(form)], { private: true, replacesSource: true })], outcome: 'invalid' };
    }
    return applyStatus(ctx, who, parsed, checked.value);
  }

  /** The same toelichting sent again: nothing changes twice; the card shows where the knelpunt stands. */
  async function toelichtingRepeated(ctx: TurnContext, receipt: string, state?: string): Promise<RouteResult> {
    const k = await ctx.deps.store.knelpunten.get(receipt);
    const origin = (state ? parseStatusValue(state)?.origin : undefined) ?? 'card';
    if (!k) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).formAlreadySent, { private: true })], outcome: 'repeated' };
    const t = messages(ctx.locale).knelpunt;
    return { replies: [await cardFor(ctx, k, origin), simpleReply(ctx.locale, t.toelichtingRepeated(k.ref, statusLabel(k.status, ctx.locale)), { private: true })], outcome: 'repeated' };
  }

  /** `knelpunt KP-2026-0001` (coordinators): the knelpunt's triage card, here, kept up to date like the others. */
  async function showCard(ctx: TurnContext, ref: string): Promise<RouteResult> {
    const k = await ctx.deps.store.knelpunten.get(ref);
    if (!k) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).knelpunt.notFound(ref), { private: true })], outcome: 'invalid' };
    return { replies: [triageCard(ctx.deps.knowledge, k, ctx.locale)], outcome: 'command' };
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
          // Knelpunten from before there was a triage channel were never posted: say where to find them.
          const waiting = (await ctx.deps.store.knelpunten.list({ status: ['nieuw'] })).length;
          return { replies: [simpleReply(ctx.locale, waiting > 0 ? `${t.triageRegistered}\n\n${t.triageWaiting(waiting)}` : t.triageRegistered)], outcome: 'command' };
        }
        if (/^triage\s+(stop|uit|off)$/.test(sub)) {
          if (!coordinators.identify(ctx.turn)) return refuse(ctx);
          await ctx.deps.store.triageChannels.remove(conversationKey(ctx.turn));
          return { replies: [simpleReply(ctx.locale, t.triageRemoved)], outcome: 'command' };
        }
        const ref = args.trim().toUpperCase();
        if (isKnelpuntRef(ref) && coordinators.identify(ctx.turn)) return showCard(ctx, ref);
        // `knelpunt <tekst>`: the form with the description filled in.
        return formReply(ctx, { beschrijving: args.trim() });
      },
    },
    actions: {
      [ACTION_REPORT]: async (ctx) => formReply(ctx),
      [ACTION_STATUS]: statusAction,
    },
    forms: {
      [KNELPUNT_FORM_ID]: (ctx, values) => submit(ctx, values),
      [TOELICHTING_FORM_ID]: toelichtingSubmit,
    },
    repeatedForms: {
      // The same report sent again: "al ontvangen als KP-…", in the place of the form.
      [KNELPUNT_FORM_ID]: async (ctx, receipt) => {
        const k = await ctx.deps.store.knelpunten.get(receipt);
        if (!k) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).formAlreadySent, { private: true })], outcome: 'repeated' };
        return { replies: [replacing(confirmationCard(ctx.deps.knowledge, k, ctx.locale, 'repeated'))], outcome: 'repeated' };
      },
      [TOELICHTING_FORM_ID]: toelichtingRepeated,
    },
  };
}

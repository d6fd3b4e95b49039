import { messages } from '../../i18n/index.js';
import { simpleReply } from '../answer.js';
import type { Feature } from '../context.js';
import { conversationKey } from '../../domain/turn.js';
import { ACTION_KEEP, ACTION_SHARE, ACTION_START, ACTION_STEP } from './cards.js';
import { formRepeated, interceptStepText, keepPrivate, openForm, share, shareHere, startStepwise, stepAction, submitForm } from './dialogue.js';
import { REFLECTIE_FORM_ID } from './form.js';
import { parseSchedule } from '../../domain/schedule.js';
import { pause, plan, planning, resume, stop } from './subscriptions.js';

export type ReflectieCommand =
  | { kind: 'form' | 'stepwise' | 'planning' | 'resume' | 'stop' | 'share' | 'usage' }
  | { kind: 'plan'; schema: string }
  | { kind: 'pause'; until: string };

/**
 * `reflectie <args>` -> what to do. Whitespace is collapsed first, so the patterns below
 * never meet a run of spaces to backtrack over: linear in the text (issue #16).
 */
export function parseReflectieArgs(args: string): ReflectieCommand {
  const a = args.trim().replace(/\s+/g, ' ');
  const lower = a.toLowerCase();
  if (lower === '') return { kind: 'form' };
  if (/^(stap voor stap|stapsgewijs|step by step)$/.test(lower)) return { kind: 'stepwise' };
  const planned = /^plan(?:nen)?\b\s*(.*)$/i.exec(a);
  if (planned && lower !== 'planning') return { kind: 'plan', schema: planned[1] ?? '' };
  if (lower === 'planning' || lower === 'schedule') return { kind: 'planning' };
  const paused = /^pauze(?:\s+tot)?\s*(.*)$/i.exec(a);
  if (paused) return { kind: 'pause', until: paused[1] ?? '' };
  if (/^(hervat|hervatten|resume)$/.test(lower)) return { kind: 'resume' };
  if (/^(stop|stoppen|uit)$/.test(lower)) return { kind: 'stop' };
  if (/^(delen|deel|share)$/.test(lower)) return { kind: 'share' };
  // `reflectie elke vrijdag 15:00`: a schedule without "plan" still means one.
  if (parseSchedule(a).ok || /^(elke|iedere|om de|eerste|tweede|derde|vierde|laatste|every)\b/.test(lower)) return { kind: 'plan', schema: a };
  return { kind: 'usage' };
}

/**
 * Reflectie ("blijf leren", zekerheid 7): a reflection form or a step-by-step dialogue,
 * private first, then kept or shared (named or anonymous) in the channel; and
 * scheduled nudges per channel (the scheduler in src/scheduler sends them).
 */
export function reflectieFeature(): Feature {
  return {
    name: 'reflectie',
    commands: {
      reflectie: async (ctx, args) => {
        const c = parseReflectieArgs(args);
        switch (c.kind) {
          case 'form':
            return openForm(ctx, conversationKey(ctx.turn));
          case 'stepwise':
            return startStepwise(ctx);
          case 'plan':
            return plan(ctx, c.schema);
          case 'planning':
            return planning(ctx);
          case 'pause':
            return pause(ctx, c.until);
          case 'resume':
            return resume(ctx);
          case 'stop':
            return stop(ctx);
          case 'share':
            return shareHere(ctx);
          case 'usage':
            // Answered where it was typed (a channel too): the help is no secret.
            return { replies: [simpleReply(ctx.locale, messages(ctx.locale).reflectie.usage)], outcome: 'command' };
        }
      },
    },
    actions: {
      // The nudge's button: value is the channel's key. Only a key of the same platform
      // that the bot knows is accepted as where to share; otherwise the clicked conversation.
      [ACTION_START]: async (ctx, value) => {
        const here = conversationKey(ctx.turn);
        const known = value !== here && value.startsWith(`${ctx.turn.platform}:`) && (await ctx.deps.store.conversations.get(value)) !== undefined;
        return openForm(ctx, known ? value : here);
      },
      [ACTION_KEEP]: (ctx, value) => keepPrivate(ctx, value),
      [ACTION_SHARE]: (ctx, value) => share(ctx, value),
      [ACTION_STEP]: (ctx, value) => stepAction(ctx, value),
    },
    forms: {
      [REFLECTIE_FORM_ID]: (ctx, values, state) => submitForm(ctx, values, state),
    },
    repeatedForms: {
      [REFLECTIE_FORM_ID]: formRepeated,
    },
    interceptText: interceptStepText,
  };
}

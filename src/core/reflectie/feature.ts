import { messages } from '../../i18n/index.js';
import { simpleReply } from '../answer.js';
import type { Feature } from '../context.js';
import { conversationKey } from '../../domain/turn.js';
import { ACTION_KEEP, ACTION_SHARE, ACTION_START, ACTION_STEP } from './cards.js';
import { interceptStepText, keepPrivate, openForm, share, startStepwise, stepAction, submitForm } from './dialogue.js';
import { REFLECTIE_FORM_ID } from './form.js';
import { pause, plan, planning, resume, stop } from './subscriptions.js';

export type ReflectieCommand =
  | { kind: 'form' | 'stepwise' | 'planning' | 'resume' | 'stop' | 'usage' }
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
          case 'usage':
            return { replies: [simpleReply(ctx.locale, messages(ctx.locale).reflectie.usage, { private: true })], outcome: 'command' };
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
    interceptText: interceptStepText,
  };
}

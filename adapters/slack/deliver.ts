import { stampForm } from '../../src/core/forms.js';
import type { Reply } from '../../src/core/reply.js';
import { rememberCard } from '../../src/core/tracked.js';
import type { Locale } from '../../src/domain/turn.js';
import type { Logger } from '../../src/log.js';
import type { Store } from '../../src/store/types.js';
import { toSlackApiError } from './errors.js';
import type { PendingForms } from './forms.js';
import type { ReplyTarget, ViewMetadata } from './parse.js';
import { formOf, renderBlocks, withoutForm, type RenderedMessage } from './render.js';
import { postToResponseUrl, withRateLimitRetry, type RetryOptions, type WebClient } from './send.js';
import { slackTexts } from './texts.js';
import { renderModal } from './views.js';

export interface ResponderDeps {
  client: WebClient;
  log: Logger;
  /** Where tracked cards are remembered (store.cards), so they can be updated later. */
  store: Store;
  now: () => Date;
  forms: PendingForms;
  fetch: typeof fetch;
  retry: RetryOptions;
  moreUrl?: string;
}

/** Where a modal's answer goes: the same place as the turn that opened it. */
export function viewMetadata(target: ReplyTarget, formState?: string): string {
  const m: ViewMetadata = {
    ...(target.channel ? { c: target.channel } : {}),
    ...(target.threadTs ? { t: target.threadTs } : {}),
    ...(target.responseUrl ? { r: target.responseUrl } : {}),
    ...(formState !== undefined ? { s: formState } : {}),
    ...(target.ephemeral ? { e: 1 as const } : {}),
    ...(target.source ? { m: target.source.ts, ...(target.source.ephemeral ? { me: 1 as const } : {}) } : {}),
  };
  return JSON.stringify(m);
}

/**
 * Answers a turn on Slack: a form with a trigger id opens as a modal, everything
 * else is rendered as Block Kit and posted in the thread, privately or in the DM.
 */
export class Responder {
  constructor(private readonly deps: ResponderDeps) {}

  async deliver(replies: Reply[], target: ReplyTarget): Promise<void> {
    let trigger = target.triggerId;
    for (const original of replies) {
      let reply = original;
      const form = formOf(reply);
      if (form && trigger) {
        const opened = await this.openModal(form, reply.locale, { ...target, triggerId: trigger });
        trigger = undefined; // a trigger id opens one view
        if (opened) {
          reply = withoutForm(reply);
          if (reply.blocks.length === 0) continue;
        }
      }
      const msg = renderBlocks(reply, {
        ...(this.deps.moreUrl ? { moreUrl: this.deps.moreUrl } : {}),
        formButtonValue: (f) => this.deps.forms.put(f, reply.locale),
      });
      // In the place of the message whose button was pressed, when there is one; else as a new message.
      // Private content never takes the place of a message everyone in a channel sees.
      const replaceable = target.source && (!reply.private || target.source.ephemeral || target.channel?.startsWith('D'));
      if (reply.replacesSource && replaceable && (await this.replace(msg, target, reply))) continue;
      const ts = await this.post(msg, target, reply.private === true);
      if (ts && target.channel) await rememberCard(this.deps, reply, `slack:${target.channel}`, ts);
    }
  }

  /**
   * Replaces the message a button was on: `chat.update` for a message in a conversation,
   * its `response_url` with `replace_original` for an ephemeral one (the only way to reach
   * it). False when that is not possible; the caller then posts a new message.
   */
  private async replace(msg: RenderedMessage, target: ReplyTarget, reply: Reply): Promise<boolean> {
    const source = target.source!;
    const { client, retry } = this.deps;
    try {
      if (source.ephemeral) {
        if (!target.responseUrl) return false;
        await postToResponseUrl(target.responseUrl, { replace_original: true, text: msg.text, blocks: msg.blocks }, this.deps.fetch, retry);
        return true;
      }
      if (!target.channel) return false;
      await withRateLimitRetry(() => client.chat.update({ channel: target.channel!, ts: source.ts, text: msg.text, blocks: msg.blocks }), retry);
      await rememberCard(this.deps, reply, `slack:${target.channel}`, source.ts);
      return true;
    } catch (e) {
      const err = toSlackApiError(e);
      this.deps.log.warn({ kind: err.kind, code: err.code }, 'slack: could not update the message; posting a new one');
      return false;
    }
  }

  /** Opens a cached form (the "open form" button); an expired one gets a friendly note. */
  async openPendingForm(key: string, triggerId: string, clickTarget: ReplyTarget, locale: Locale): Promise<void> {
    const pending = this.deps.forms.get(key);
    if (!pending) {
      const text = slackTexts(locale).formExpired;
      await this.post({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }, clickTarget, true);
      return;
    }
    // The answer goes to whoever clicked, where they clicked. Every opening is a new form (a new one-time id):
    // a second report from the same button is a second knelpunt, not a repeat of the first.
    await this.openModal(stampForm(pending.form), pending.locale, { ...clickTarget, triggerId });
  }

  async openModal(form: NonNullable<ReturnType<typeof formOf>>, locale: Locale, target: ReplyTarget): Promise<boolean> {
    if (!target.triggerId) return false;
    try {
      const view = renderModal(form, { locale, privateMetadata: viewMetadata(target, form.state) });
      await withRateLimitRetry(() => this.deps.client.views.open({ trigger_id: target.triggerId!, view }), this.deps.retry);
      return true;
    } catch (e) {
      // expired_trigger_id when the core took longer than 3 s: the form goes out as a button instead
      const err = toSlackApiError(e);
      this.deps.log.warn({ kind: err.kind, code: err.code, formId: form.id }, 'slack: could not open modal');
      return false;
    }
  }

  /** Posts one rendered message; failures are logged here, where they are handled. Returns its `ts` when it can be updated later. */
  async post(msg: RenderedMessage, target: ReplyTarget, privateReply: boolean): Promise<string | undefined> {
    const { client, retry } = this.deps;
    const thread = target.threadTs ? { thread_ts: target.threadTs } : {};
    try {
      if (privateReply || target.ephemeral) {
        if (target.responseUrl) {
          await postToResponseUrl(target.responseUrl, { response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks }, this.deps.fetch, retry);
          return undefined;
        }
        if (target.channel && !target.channel.startsWith('D')) {
          await withRateLimitRetry(() => client.chat.postEphemeral({ channel: target.channel!, user: target.userId, text: msg.text, blocks: msg.blocks, ...thread }), retry);
          return undefined;
        }
      }
      // A DM (or App Home, where the channel is the user id) is private by nature.
      const res = await withRateLimitRetry(() => client.chat.postMessage({ channel: target.channel ?? target.userId, text: msg.text, blocks: msg.blocks, ...thread }), retry);
      return res.ts;
    } catch (e) {
      const err = toSlackApiError(e);
      this.deps.log.error({ kind: err.kind, code: err.code }, 'slack: could not post the answer');
      return undefined;
    }
  }
}

import type { Bot } from '../../src/core/bot.js';
import type { Reply } from '../../src/core/reply.js';
import type { Locale, Turn } from '../../src/domain/turn.js';
import type { Logger } from '../../src/log.js';
import { toSlackApiError } from './errors.js';
import type { RenderOptions } from './render.js';
import { withRateLimitRetry, type RetryOptions, type WebClient } from './send.js';
import { renderHome } from './views.js';

/**
 * What the App Home shows, as core commands run for the user who opened it: help,
 * their own knelpunten. Channel subscriptions (a later issue) add a line here.
 */
export const HOME_COMMANDS: readonly { command: string; args: string }[] = [
  { command: 'help', args: '' },
  { command: 'knelpunt', args: 'mijn' },
];

/** Extra App Home content that is no core command (the other extension point). */
export type HomeSection = (user: { id: string; teamId?: string }, locale: Locale) => Promise<Reply | null>;

export interface HomeDeps {
  bot: Bot;
  log: Logger;
  client: WebClient;
  retry: RetryOptions;
  defaultLocale: Locale;
  sections: HomeSection[];
  render: RenderOptions;
}

/** `app_home_opened`: runs HOME_COMMANDS through the core and publishes the result with `views.publish`. */
export async function publishHome(deps: HomeDeps, home: { turnId: string; userId: string; teamId?: string; receivedAt: Date }): Promise<void> {
  const replies: Reply[] = [];
  let locale = deps.defaultLocale;
  for (const [i, c] of HOME_COMMANDS.entries()) {
    const turn: Turn = {
      // the event id for the first, so a redelivered event is dropped by the core's dedupe
      id: i === 0 ? home.turnId : `${home.turnId}:${c.command}-${c.args}`,
      platform: 'slack',
      user: { id: home.userId },
      conversation: { id: home.userId, kind: 'personal', ...(home.teamId ? { teamId: home.teamId } : {}) },
      input: { kind: 'command', command: c.command, args: c.args },
      receivedAt: home.receivedAt,
    };
    const result = await deps.bot.handle(turn);
    if (result.outcome === 'duplicate') return;
    if (i === 0) locale = result.locale;
    // The core logged the failure; the Home shows what did work.
    if (result.outcome !== 'error') replies.push(...result.replies);
  }
  for (const section of deps.sections) {
    try {
      const r = await section({ id: home.userId, ...(home.teamId ? { teamId: home.teamId } : {}) }, locale);
      if (r) replies.push(r);
    } catch (err) {
      deps.log.error({ err }, 'slack: an App Home section failed; published without it');
    }
  }
  const view = renderHome(replies, locale, deps.render);
  try {
    await withRateLimitRetry(() => deps.client.views.publish({ user_id: home.userId, view }), deps.retry);
  } catch (e) {
    const err = toSlackApiError(e);
    deps.log.error({ kind: err.kind, code: err.code }, 'slack: could not publish App Home');
  }
}

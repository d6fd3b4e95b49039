import { writeFile } from 'node:fs/promises';
import { voterKeyOf } from '../core/qa.js';
import { conversationLanguageKey, personLanguageKey } from '../core/conversation-language.js';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { knelpuntenCsv, knelpuntenJson, parseSince } from '../core/knelpunt/export.js';
import { authorKeyOf } from '../core/reflectie/dialogue.js';
import type { Platform } from '../domain/turn.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import { StoreUnusableError, type Store } from '../store/types.js';
import { FORGOTTEN_ACTOR } from '../domain/knelpunt.js';
import { forTerminal } from './terminal.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** `out` writes to a terminal (process.stdout.isTTY): user text is made safe to show there (forTerminal). */
  terminal?: boolean;
}

/** `ibp-bot knelpunten export --format csv|json [--since DATE] [--separator ';'|','] [--out FILE]`: read-only, also while the server runs. */
export async function knelpuntenCommand(config: Config, args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') {
    io.err('Usage: ibp-bot knelpunten export --format csv|json [--since JJJJ-MM-DD] [--separator ";"|","] [--out bestand]');
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { format: { type: 'string', default: 'csv' }, since: { type: 'string' }, separator: { type: 'string', default: ';' }, out: { type: 'string' } },
  });
  const since = parseSince(values.since);
  if (values.format !== 'csv' && values.format !== 'json') return usage(io, '--format must be csv or json');
  if (!since.ok) return usage(io, '--since must be a date such as 2026-01-31');
  if (values.separator !== ';' && values.separator !== ',') return usage(io, '--separator must be ";" or ","');
  const store = await openStore(config, quiet(), { readOnly: true });
  try {
    const list = await store.knelpunten.list(since.since ? { since: since.since } : {});
    const text = values.format === 'csv' ? knelpuntenCsv(list, values.separator) : knelpuntenJson(list);
    if (values.out) {
      await writeFile(values.out, text, 'utf8');
      io.err(`${list.length} knelpunten written to ${values.out}`);
    } else {
      const shown = text.replace(/\r?\n$/, '');
      io.out(io.terminal ? forTerminal(shown) : shown);
    }
    return 0;
  } finally {
    await store.close();
  }
}

const quiet = (): ReturnType<typeof createLogger> => createLogger({ level: 'silent', pretty: false });

function usage(io: Io, msg: string): number {
  io.err(msg);
  return 2;
}

const USER = /^(slack|teams|local|aad|email):(.+)$/;

/**
 * `ibp-bot privacy export --user <platform:id>`: everything stored about one person.
 * `ibp-bot privacy delete --user <platform:id>`: removes it (knelpunten keep their
 * content but lose the identity). Delete needs the server stopped (one writer).
 * A coordinator who used the dashboard is `aad:<object id>` or `email:<address>`: for
 * them only their status and schedule changes (id and name) apply.
 */
export async function privacyCommand(config: Config, args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { user: { type: 'string' } } });
  const m = USER.exec(values.user ?? '');
  if ((sub !== 'export' && sub !== 'delete') || !m) {
    io.err('Usage: ibp-bot privacy export|delete --user <platform:id>   (platform: slack, teams or local; a dashboard coordinator: aad:<object id> or email:<address>)');
    return 2;
  }
  // The dashboard's identities are stored in lower case (Coordinators.identifyClaims).
  const chat = m[1] !== 'aad' && m[1] !== 'email';
  const platform = m[1] as Platform;
  const userId = chat ? (m[2] ?? '') : (m[2] ?? '').toLowerCase();
  let store: Store;
  try {
    store = await openStore(config, quiet(), { readOnly: sub === 'export' });
  } catch (e) {
    if (e instanceof StoreUnusableError) {
      io.err(`${e.message}\n${sub === 'delete' && !config.databaseUrl ? 'Stop the server before deleting personal data.' : ''}`.trim());
      return 1;
    }
    throw e;
  }
  try {
    const knelpunten = chat ? await store.knelpunten.list({ reporter: { platform, userId } }) : [];
    // Conversation references hold platform data (Teams keeps the user's id and name in them).
    const conversations = chat ? (await store.conversations.list()).filter(
      (c) => c.platform === platform && (c.conversationId === userId || JSON.stringify(c.data).includes(userId)),
    ) : [];
    // What this person did as a coordinator or planner: status changes (with the name kept beside the id) and schedule changes.
    const actor = `${m[1]}:${userId}`;
    const statusChanges = (await store.knelpunten.list()).flatMap((k) => k.history.filter((h) => h.by === actor).map((h) => ({ ref: k.ref, ...h })));
    const scheduleChanges = (await store.subscriptions.list()).flatMap((s) => s.history.filter((h) => h.by === actor).map((h) => ({ subscription: s.id, channel: s.channelKey, ...h })));
    // Reflections shared with their name (anonymous ones cannot be traced to anyone).
    const authorKey = chat ? authorKeyOf(platform, userId) : '';
    const reflections = chat ? await store.reflections.list({ authorKey }) : [];
    // Feedback presses carry a hash of who pressed (so a later press replaces the earlier one).
    const voter = chat ? voterKeyOf(platform, userId) : '';
    const feedback = chat ? await store.feedback.list({ voter }) : [];
    // The web chat's conversation of this session (its user id is the session).
    const webChatSession = platform === 'local' ? await store.webChatHistory.getSession(userId) : undefined;
    const webChat = webChatSession ? { ...webChatSession, messages: await store.webChatHistory.list(userId) } : undefined;
    // The language they speak: theirs, and that of their personal chats (a channel's is the channel's).
    const languageKeys = chat
      ? [personLanguageKey(platform, userId), ...conversations.filter((c) => c.kind === 'personal').map((c) => conversationLanguageKey(c.key))]
      : [];
    const languages = await store.languages.getMany(languageKeys);
    if (sub === 'export') {
      io.out(JSON.stringify({ user: actor, knelpunten, conversations, statusChanges, scheduleChanges, reflections, feedback, languages, ...(webChat ? { webChat } : {}) }, null, 2));
      return 0;
    }
    const forgotten = chat ? await store.knelpunten.forgetReporter(platform, userId) : 0;
    for (const c of conversations) await store.conversations.remove(c.key);
    const statusHistories = await store.knelpunten.forgetActor(actor);
    const scheduleHistories = await store.subscriptions.forgetActor(actor);
    const anonymised = chat ? await store.reflections.forgetAuthor(authorKey) : 0;
    const votes = chat ? await store.feedback.forgetVoter(voter) : 0;
    const webChatRemoved = webChat ? await store.webChatHistory.remove(userId) : false;
    for (const l of languages) await store.languages.remove(l.key);
    io.out(`Removed: identity from ${forgotten} knelpunt(en), ${anonymised} named reflection(s) (now anonymous) and ${votes} feedback press(es) (with their questions), ${conversations.length} conversation reference(s), ${languages.length} remembered language(s)` +
      `${webChatRemoved ? `, the web chat conversation (${webChat!.messages.length} message(s))` : ''}; ` +
      `name replaced by "${FORGOTTEN_ACTOR}" in the status history of ${statusHistories} knelpunt(en) and the history of ${scheduleHistories} schedule(s). ` +
      'Unanswered questions are stored without identity.');
    return 0;
  } finally {
    await store.close();
  }
}

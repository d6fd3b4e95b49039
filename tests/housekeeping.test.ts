import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { tempDir } from './helpers/tmp.js';

/**
 * Bounded data (issue 16): the running server removes what it must not keep, on its own
 * timer: redelivery keys after their expiry, web-chat conversation references after
 * WEB_CHAT_SESSION_RETENTION_DAYS without use, knowledge gaps after
 * KNOWLEDGE_GAP_RETENTION_DAYS. The clock is the bot's own (`now`), moved by the test.
 */
const DAY = 86_400_000;
const T0 = new Date('2026-01-05T09:00:00Z').getTime();
let clock = T0;
const running: RunningBot[] = [];
afterEach(async () => {
  for (const b of running.splice(0)) await b.close();
  clock = T0;
});

async function start(env: Record<string, string> = {}, logs = new LogCapture()): Promise<RunningBot> {
  const bot = await startBot(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test', LOG_LEVEL: 'info', RATE_LIMIT_TURNS_PER_MINUTE: '0', ...env },
    { logDestination: logs, now: () => new Date(clock), schedulerIntervalMs: 0, housekeeping: { probeIntervalMs: 0, pruneIntervalMs: 0 } },
  );
  running.push(bot);
  return bot;
}

let n = 0;
async function chat(bot: RunningBot, session: string, text = 'Wat is het IBP?'): Promise<number> {
  const res = await fetch(`${bot.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, messageId: `hk-msg-${++n}-${Date.now()}`, input: { kind: 'text', text } }),
  });
  await res.text();
  return res.status;
}
const localRefs = async (bot: RunningBot): Promise<string[]> =>
  (await bot.store.conversations.list()).filter((c) => c.platform === 'local').map((c) => c.key).sort();

describe('housekeeping in the running server', () => {
  it('web chat: one conversation reference per session, not per message', async () => {
    const bot = await start();
    for (let i = 0; i < 30; i++) expect(await chat(bot, 'sessie-een-00000001')).toBe(200);
    await chat(bot, 'sessie-twee-0000002');
    expect(await localRefs(bot)).toEqual(['local:web-sessie-een-00000001', 'local:web-sessie-twee-0000002']);
  });

  it('removes expired redelivery keys, web-chat sessions unused for 30 days and knowledge gaps older than 12 months; keeps the rest', async () => {
    const logs = new LogCapture();
    const bot = await start({}, logs);
    await chat(bot, 'sessie-oud-00000001', 'Hoeveel kost een parkeervergunning in Zwolle?');
    await chat(bot, 'sessie-actief-000001');
    await chat(bot, 'sessie-actief-000001', 'taal en');
    await chat(bot, 'sessie-triage-000001', 'knelpunt triage hier');
    const vote = { entryId: 'ibp', value: 'not_helpful', platform: 'local', voter: 'v1' } as const;
    await bot.store.feedback.add({ ...vote, at: new Date(clock).toISOString(), answerId: 'a-oud', question: 'Wat is het IBP?' });
    // nothing has expired yet
    expect(await bot.housekeeping.prune()).toEqual({ dedupeKeys: 0, webChatSessions: 0, webChatHistories: 0, webChatLanguages: 0, knowledgeGaps: 0, feedbackQuestions: 0 });
    expect((await bot.store.webChatHistory.list('sessie-oud-00000001')).length).toBeGreaterThan(0);

    clock = T0 + 20 * DAY;
    await chat(bot, 'sessie-actief-000001'); // used again: its reference is refreshed
    clock = T0 + 31 * DAY;
    await chat(bot, 'sessie-nieuw-0000001', 'Wat kost een hondenpenning in Breda?');
    await bot.store.feedback.add({ ...vote, at: new Date(clock).toISOString(), answerId: 'a-nieuw', question: 'Wat doet het IBP?' });
    const month = await bot.housekeeping.prune();
    // webChatLanguages: what the removed session that wrote Dutch on day 0 spoke (its conversation and its person)
    expect(month).toEqual({ dedupeKeys: 5, webChatSessions: 2, webChatHistories: 2, webChatLanguages: 2, knowledgeGaps: 0, feedbackQuestions: 0 });
    expect((await bot.store.languages.get('conversation:local:web-sessie-nieuw-0000001'))?.locale).toBe('nl');
    // A session in use keeps the language it chose on day 0, though it has not changed since.
    expect((await bot.store.languages.getMany(['conversation:local:web-sessie-actief-000001', 'person:local:sessie-actief-000001'])).map((r) => [r.key, r.locale, r.source]))
      .toEqual([['conversation:local:web-sessie-actief-000001', 'en', 'command'], ['person:local:sessie-actief-000001', 'en', 'command']]);
    expect(await bot.store.languages.getMany(['conversation:local:web-sessie-oud-00000001', 'person:local:sessie-oud-00000001'])).toEqual([]);
    expect(await localRefs(bot)).toEqual(['local:web-sessie-actief-000001', 'local:web-sessie-nieuw-0000001']);
    // The conversation goes with its session: history and all.
    expect(await bot.store.webChatHistory.list('sessie-oud-00000001')).toEqual([]);
    expect((await bot.store.webChatHistory.sessions()).map((x) => x.session).sort()).toEqual(['sessie-actief-000001', 'sessie-nieuw-0000001']);
    expect(logs.text).toMatch(/"dedupeKeys":5,"webChatSessions":2,"webChatHistories":2,"webChatLanguages":2,"knowledgeGaps":0,"feedbackQuestions":0,"msg":"housekeeping: expired records removed"/);

    clock = T0 + 366 * DAY;
    const year = await bot.housekeeping.prune();
    expect(year).toMatchObject({ webChatSessions: 2, webChatHistories: 2, knowledgeGaps: 1, feedbackQuestions: 1 });
    // The question of old feedback goes with the gaps; the vote stays.
    expect((await bot.store.feedback.list()).map((f) => [f.answerId, f.value, f.question ?? '-'])).toEqual([
      ['a-oud', 'not_helpful', '-'], ['a-nieuw', 'not_helpful', 'Wat doet het IBP?'],
    ]);
    expect((await bot.store.gaps.list()).map((g) => g.text)).toEqual(['Wat kost een hondenpenning in Breda?']);
  });

  it('a registered triage channel in the web chat is kept however long it is unused', async () => {
    const bot = await start({ KNELPUNT_COORDINATORS: 'local:coordinator-sessie-1' });
    await chat(bot, 'coordinator-sessie-1', 'knelpunt triage hier');
    expect(await bot.store.triageChannels.list()).toEqual(['local:web-coordinator-sessie-1']);
    clock = T0 + 100 * DAY;
    expect((await bot.housekeeping.prune()).webChatSessions).toBe(0);
    expect(await localRefs(bot)).toEqual(['local:web-coordinator-sessie-1']);
  });

  it('KNOWLEDGE_GAP_RETENTION_DAYS and WEB_CHAT_SESSION_RETENTION_DAYS set the periods', async () => {
    const bot = await start({ KNOWLEDGE_GAP_RETENTION_DAYS: '10', WEB_CHAT_SESSION_RETENTION_DAYS: '3' });
    await chat(bot, 'sessie-kort-0000001', 'Hoeveel kost een parkeervergunning in Zwolle?');
    clock = T0 + 4 * DAY;
    expect(await bot.housekeeping.prune()).toMatchObject({ webChatSessions: 1, webChatHistories: 1, knowledgeGaps: 0 });
    clock = T0 + 11 * DAY;
    expect(await bot.housekeeping.prune()).toMatchObject({ knowledgeGaps: 1 });
  });
});

describe('retention settings', () => {
  it('default to 365 and 30 days; a wrong value names the variable', () => {
    expect(loadConfig({}).retention).toEqual({ knowledgeGapDays: 365, webChatSessionDays: 30 });
    expect(() => loadConfig({ KNOWLEDGE_GAP_RETENTION_DAYS: '0' })).toThrow(/KNOWLEDGE_GAP_RETENTION_DAYS="0": must be at least 1/);
    expect(() => loadConfig({ WEB_CHAT_SESSION_RETENTION_DAYS: 'een maand' })).toThrow(ConfigError);
  });
});

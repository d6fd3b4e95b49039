import { nullOutbox } from '../core/outbox.js';
import { createInterface } from 'node:readline/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, readEnvironment, type Config } from '../config.js';
import { Bot } from '../core/bot.js';
import type { Locale, Turn, TurnInput } from '../domain/turn.js';
import { DeliveryQueue } from '../core/deliveries.js';
import { KnowledgeBase, KnowledgeInvalidError, openKnowledgeBase } from '../knowledge/base.js';
import { formatKnowledgeErrors, loadKnowledge } from '../knowledge/load.js';
import { loadReflectieQuestions, REFLECTIE_DIR } from '../knowledge/reflectie.js';
import { createLogger } from '../log.js';
import { LowdbStore } from '../store/lowdb/store.js';
import { knelpuntenCommand, privacyCommand } from './knelpunten.js';
import { nudgesCommand } from './nudges.js';
import { reloadCommand } from './reload.js';
import { migrateCommand, storeCommand } from './store.js';
import { renderText } from './render.js';
import { StoreError } from '../store/types.js';

const USAGE = `ibp-bot <command> [options]

Commands:
  chat                          chat with the bot in the terminal
  ask [--json] [--lang nl|en] ["vraag"]
                                answer one question; --json prints the ranked entries;
                                with --json and no question: one question per stdin line
  validate                      check the knowledge base; exit 1 on errors
  reload                        make the running bot (npm start, same DATA_DIR) reload the knowledge base;
                                prints the result, exit 1 when it was refused
  knelpunten export --format csv|json [--since JJJJ-MM-DD] [--separator ";"|","] [--out FILE]
                                export knelpunten (reads DATA_DIR; works while the server runs)
  privacy export --user <platform:id>
                                everything stored about one person, as JSON
  privacy delete --user <platform:id>
                                remove it (knelpunten keep their content, lose the identity);
                                stop the server first
  nudges [--json]               every reflectie subscription: platform, channel, schema, time zone,
                                next run, paused, last result (reads the store; works while the server runs)
  migrate                       apply PostgreSQL schema migrations (DATABASE_URL); start-up does this too
  store copy --to postgres://…  copy every record from the lowdb file in DATA_DIR into an empty PostgreSQL database
  store copy --to-lowdb <dir>   copy every record from DATABASE_URL into a new lowdb data file in <dir>

Configuration comes from the environment and .env (see README.md).`;

/** `terminal`: stdout is a terminal (see Io in knelpunten.ts). */
type Out = { out: (s: string) => void; err: (s: string) => void; terminal?: boolean };

export async function runCli(argv: string[], env = readEnvironment(), io: Out = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  try {
    return await dispatch(command, rest, config, io);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof StoreError) {
      io.err((e as Error).message);
      return 1;
    }
    throw e;
  }
}

async function dispatch(command: string | undefined, rest: string[], config: Config, io: Out): Promise<number> {
  switch (command) {
    case 'validate':
      return validate(config, io);
    case 'reload':
      return reloadCommand(config, io);
    case 'ask':
      return ask(config, rest, io);
    case 'chat':
      return chat(config, io);
    case 'knelpunten':
      return knelpuntenCommand(config, rest, io);
    case 'privacy':
      return privacyCommand(config, rest, io);
    case 'nudges':
      return nudgesCommand(config, rest, io);
    case 'migrate':
      return migrateCommand(config, rest, io);
    case 'store':
      return storeCommand(config, rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

const defaultIo: Out = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  terminal: process.stdout.isTTY === true,
};

async function validate(config: Config, io: Out): Promise<number> {
  const { entries, errors } = await loadKnowledge(config.knowledgeDir);
  const questions = await loadReflectieQuestions(path.join(config.knowledgeDir, REFLECTIE_DIR));
  const all = [...errors, ...questions.errors];
  if (all.length > 0) {
    io.err(`The knowledge base in ${config.knowledgeDir} has ${all.length} error(s):\n${formatKnowledgeErrors(all)}`);
    return 1;
  }
  io.out(`OK: ${entries.length} knowledge entries and ${questions.questions.length} reflection questions in ${config.knowledgeDir}, no errors.`);
  return 0;
}

async function openKb(config: Config, io: Out): Promise<KnowledgeBase | null> {
  try {
    return await openKnowledgeBase(config.knowledgeDir);
  } catch (e) {
    if (e instanceof KnowledgeInvalidError) {
      io.err(e.message);
      return null;
    }
    throw e;
  }
}

/** A core on an in-memory store: the CLI never writes DATA_DIR, so it can run beside the server. */
function cliBot(config: Config, knowledge: KnowledgeBase, locale: Locale): Bot {
  const log = createLogger({ level: 'silent', pretty: false });
  const outbox = nullOutbox('no platforms in the CLI');
  const deliveries = new DeliveryQueue(outbox, log);
  return new Bot({ knowledge, store: LowdbStore.openInMemory(), log, defaultLocale: locale ?? config.defaultLocale, now: () => new Date(), outbox, deliveries });
}

let turnCounter = 0;
function cliTurn(input: TurnInput, locale?: Locale): Turn {
  turnCounter += 1;
  return {
    id: `cli-${process.pid}-${Date.now()}-${turnCounter}`,
    platform: 'cli',
    user: { id: 'cli-user', ...(locale ? { locale } : {}) },
    conversation: { id: 'cli', kind: 'personal' },
    input,
    receivedAt: new Date(),
  };
}

/** The JSON answer line: the ranked entries when the bot would answer, else an empty list. */
export function askJson(knowledge: KnowledgeBase, q: string): string {
  const result = knowledge.search(q);
  const answers =
    result.confidence === 'answer'
      ? result.hits.map((h) => ({ id: h.entry.id, title: h.entry.title, score: Math.round(h.score * 1000) / 1000 }))
      : [];
  return JSON.stringify({ q, answers });
}

async function ask(config: Config, args: string[], io: Out): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, lang: { type: 'string' } } });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const lang = parsed.values.lang;
  if (lang !== undefined && lang !== 'nl' && lang !== 'en') {
    io.err('--lang must be nl or en');
    return 2;
  }
  const knowledge = await openKb(config, io);
  if (!knowledge) return 1;
  const question = parsed.positionals.join(' ').trim();
  if (parsed.values.json) {
    if (question) {
      io.out(askJson(knowledge, question));
      return 0;
    }
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    for await (const line of rl) {
      if (line.trim() !== '') io.out(askJson(knowledge, line.trim()));
    }
    return 0;
  }
  if (!question) {
    io.err('Give a question: ibp-bot ask "Wat is het IBP?"');
    return 2;
  }
  const bot = cliBot(config, knowledge, (lang as Locale | undefined) ?? config.defaultLocale);
  const result = await bot.handle(cliTurn({ kind: 'text', text: question }, lang as Locale | undefined));
  io.out(renderText(result.replies).text);
  return 0;
}

async function chat(config: Config, io: Out): Promise<number> {
  const knowledge = await openKb(config, io);
  if (!knowledge) return 1;
  const bot = cliBot(config, knowledge, config.defaultLocale);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  io.out('IBP-bot in de terminal. Typ je vraag, een nummer om op een knop te drukken, of "stop" om te stoppen.');
  let buttons: ReturnType<typeof renderText>['buttons'] = [];
  for (;;) {
    let line: string;
    try {
      line = (await rl.question('> ')).trim();
    } catch {
      break; // stdin closed
    }
    if (/^(stop|exit|quit)$/i.test(line)) break;
    const n = /^\d+$/.test(line) ? Number(line) : NaN;
    const btn = buttons[n - 1];
    const input: TurnInput = btn ? { kind: 'action', action: btn.action, value: btn.value } : { kind: 'text', text: line };
    const result = await bot.handle(cliTurn(input));
    const rendered = renderText(result.replies);
    buttons = rendered.buttons;
    io.out(rendered.text);
  }
  rl.close();
  return 0;
}

const invokedDirectly = process.argv[1] && /cli[/\\]main\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2));
}

/**
 * Commands are recognised with or without a leading `/`, case-insensitively,
 * whether they arrive as a Slack slash command, a Teams command-list item or
 * typed text. Aliases map to one canonical name.
 */
export const COMMAND_ALIASES: Record<string, string> = {
  help: 'help',
  hulp: 'help',
  '?': 'help',
  knelpunt: 'knelpunt',
  knelpunten: 'knelpunt',
  reflectie: 'reflectie',
  reflecteer: 'reflectie',
  ibp: 'ibp',
  taal: 'taal',
  language: 'taal',
};

export interface ParsedCommand {
  command: string;
  args: string;
}

/** `"/Knelpunt  mijn"` -> `{ command: 'knelpunt', args: 'mijn' }`; null when the text is no command. */
export function parseCommand(text: string): ParsedCommand | null {
  const m = /^\/?([\p{L}?]+)(?:\s+([\s\S]*))?$/u.exec(text.trim());
  if (!m) return null;
  const name = COMMAND_ALIASES[(m[1] ?? '').toLowerCase()];
  if (!name) return null;
  return { command: name, args: (m[2] ?? '').trim() };
}

const GREETING = /^(hoi|hallo|hey|hi|hello|hee|goedemorgen|goedemiddag|goedenavond|goeiemorgen|dag|good (morning|afternoon|evening))( (bot|ibp-?bot|allemaal|daar|there))?[\s!.,]*$/i;
// `(?:[\s!.,]*bot)?[\s!.,]*` reads what `[\s!.,]*(bot)?[\s!.,]*` read, but two adjacent
// `[\s!.,]*` split a long run of punctuation in every possible way before failing (quadratic).
const THANKS = /^(bedankt|dank( je| u)?( wel)?|dankjewel|dankuwel|thanks|thank you|thx|top|super|prima|helder|ok(é|e)? dank)(?:[\s!.,]*bot)?[\s!.,]*$/i;

/**
 * Questions about the bot itself (*wie ben jij?*, *what can you do?*): answered with the help,
 * as a greeting gets the welcome. Made of words the search drops, they are no knowledge
 * question. Each alternative is a fixed sequence of words: linear on any input.
 */
const ABOUT_BOT = [
  /^(wie|wat) (ben|bent|is) (jij|je|u)( nou| eigenlijk| precies)*$/,
  /^wat (kan|kun|kunt|doe|doet) (jij|je|u)( nou| eigenlijk| precies| allemaal| zoal| voor (me|mij|ons))*( doen)?$/,
  /^(waarmee|hoe) (kan|kun|kunt) (jij|je|u) (me|mij|ons) helpen$/,
  /^(who|what) are (you|u)( exactly)?$/,
  /^what (can|do) (you|u) do( for (me|us))?$/,
  /^how can (you|u) help( me| us)?$/,
];

export function isAboutBot(text: string): boolean {
  const short = text.trim();
  if (short.length > 60) return false; // checked first: the trailing-punctuation pattern below is quadratic on long input
  const words = short.toLowerCase().replace(/[\s?!.,]+$/, '').replace(/\s+/g, ' ');
  return ABOUT_BOT.some((re) => re.test(words));
}

export function isGreeting(text: string): boolean {
  return GREETING.test(text.trim());
}

export function isThanks(text: string): boolean {
  return THANKS.test(text.trim());
}

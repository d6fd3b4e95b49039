/**
 * Words that carry no meaning for finding a knowledge entry: Dutch and English
 * function words, question words, auxiliary verbs and the filler of a chat
 * question ("kun je me vertellen", "can you explain"). Checked on the folded,
 * unstemmed word (lowercase, no diacritics).
 *
 * Deliberately NOT here, because official names or the domain need them:
 * "samen", "werken", "eigen", "ken", "altijd", "staat", "centraal", "tijd",
 * "waarmee" (one of the four start questions of the aanpak), "help".
 * "een" is handled by the number rules: an article here, the number 1 after
 * a numbered noun ("zekerheid een").
 */
const DUTCH = `
aan achter af al alle allemaal alleen als alsjeblieft alstublieft ander andere
au aub bedankt ben bent bij binnen daar daarbij daarom dan dank dat de deze die dit doe doen doet door
dus echt een eens eigenlijk elk elke en enige enkele er erg even ga gaan gaat geen ging gingen gewoon graag had hadden hallo
hé hebben heb hebt heeft hem hen het hey hier hij hoe hoeveel hoi hun ieder iedere iemand iets ik in
is ja je jij jou jouw jullie kan kun kunnen kunt laat laten leg maar me meer men met mij mijn mag
misschien moet moeten mogen na naar naast natuurlijk nee net niet niets nog nou nu of om omdat ons
onze ook op over per precies sinds svp te tegen toch toe tot tussen u uit uw van veel via voor
vooral waar waarom wanneer wat we weer wel welk welke werd werden weet weten wie wij wil willen wilt
word wordt worden zal ze zeg zeggen zelf zich zij zijn zo zoals zou zouden zullen
betekent betekenen betekenis houdt info informatie uitleg uitleggen vertel vertellen
eigenlijk ergens iets ongeveer beetje soms vaak geef geven noem toon overzicht lijst hetzelfde dezelfde zelfde
`;

/**
 * Pronominal adverbs: "daarover", "waarvan", "hiermee", "erbij". "waarmee" stays:
 * it is one of the four start questions of the aanpak.
 */
const PRONOMINAL = /^(?:daar|waar|hier|er)(?:aan|achter|bij|binnen|boven|buiten|door|in|langs|mee|na|naar|naast|om|onder|op|over|tegen|toe|tussen|uit|van|voor|zonder)$/;
const KEEP = new Set(['waarmee']);

const ENGLISH = `
a about above after again all also am an and any are as at be been being but by can could
did do does doing explain for from get give had has have he her here list overview him his how i if in info
information into is it its just let like me mean means meaning more most my no not now of on
one or our please same she should so some tell than thank thanks that the their them then there these they
this those to up us was we were what when where which who whom whose why will with would you your
across after against along among around before behind below beneath beside between beyond during each
either else every instead other others over rather several such through under until upon very via within without
need needs exist exists
`;

/** Web address noise left over after punctuation became spaces. */
const WEB = 'http https www nl com org html';

function wordSet(...lists: string[]): ReadonlySet<string> {
  return new Set(
    lists
      .join(' ')
      .split(/\s+/)
      .filter((w) => w !== ''),
  );
}

export const STOP_WORDS: ReadonlySet<string> = wordSet(DUTCH, ENGLISH, WEB);

export function isStopWord(word: string): boolean {
  if (STOP_WORDS.has(word)) return true;
  return word.length > 4 && PRONOMINAL.test(word) && !KEEP.has(word);
}

/**
 * Words that are not stop words but say little about which entry a question is
 * about, because every question about anything in the Netherlands may use them.
 * The knowledge base itself uses them rarely ("Nederland en migrant voorbereid",
 * "Resultaten na een jaar"), so their rarity alone would make them count as much
 * as "woondeal"; the search caps their weight (lexical.ts) but keeps them, so an
 * official name that holds one still matches in full.
 */
const WEAK = `
nederland nederlandse nederlands netherlands dutch holland
jaar jaren year years maand maanden month months week weken dag dagen day days
vandaag morgen gisteren today tomorrow yesterday
goed goede good
`;

export const WEAK_WORDS: ReadonlySet<string> = wordSet(WEAK);

/**
 * The Dutch and English word lists the spelling retry checks before it "corrects" a word
 * (spelling.ts): a word either language has is never a typo, and a typo closer to another
 * real word than to any word of the knowledge base is left alone.
 *
 * The lists are cspell's (@cspell/dict-nl-nl, built from OpenTaal's Hunspell dictionary,
 * BSD/CC-BY; @cspell/dict-en_us), read with cspell-trie-lib: every inflection and Dutch
 * compound is already expanded into one compact trie, which loads in about 0.35 s and keeps
 * about 4 MB (a Hunspell engine such as nspell expands the affixes itself: 0.6 s, ~90 MB,
 * and no compounds). Loaded once per process, on first use; `warmUpLexicon` does that at start-up.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeTrie, type ITrie } from 'cspell-trie-lib';

/** What the spelling retry asks of a language's words. */
export interface Lexicon {
  /** Whether `word` (lower case) is a word of the language, ignoring case and accents ("financiele", "haarlem"). */
  isWord(word: string): boolean;
  /** A word of the language one typing error from `word` (lower case) that `skip` does not rule out, if any. */
  neighbour(word: string, skip: (candidate: string) => boolean): string | undefined;
}

const require = createRequire(import.meta.url);
/** Letters tried for an inserted or changed letter. */
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzéëèïöüç'];

function loadTrie(pkg: string, file: string): ITrie {
  const dir = path.dirname(require.resolve(`${pkg}/cspell-ext.json`));
  return decodeTrie(gunzipSync(readFileSync(path.join(dir, file))).toString('utf8'));
}

/** Every string one edit from `word`: a letter left out, two neighbours swapped, a letter added or changed. */
export function* oneEditAway(word: string): Generator<string> {
  for (let i = 0; i <= word.length; i += 1) yield* editsAt(word, i);
}

/** The one-edit spellings of `word` that change it at position `i`. */
export function* editsAt(word: string, i: number): Generator<string> {
  const head = word.slice(0, i);
  if (i < word.length) yield head + word.slice(i + 1);
  if (i < word.length - 1) yield head + word[i + 1] + word[i] + word.slice(i + 2);
  for (const c of LETTERS) {
    yield head + c + word.slice(i);
    if (i < word.length && c !== word[i]) yield head + c + word.slice(i + 1);
  }
}

class TrieLexicon implements Lexicon {
  constructor(private readonly tries: readonly ITrie[]) {}

  isWord(word: string): boolean {
    return this.tries.some((t) => t.hasWord(word, false));
  }

  neighbour(word: string, skip: (candidate: string) => boolean): string | undefined {
    // Case-sensitive lookups here (about 2 µs each against 7 µs): a typo of a name ("Groningfen") is found through its
    // lower-case spelling in the knowledge base, not here.
    for (const candidate of oneEditAway(word)) {
      if (candidate !== word && !skip(candidate) && this.tries.some((t) => t.has(candidate))) return candidate;
    }
    return undefined;
  }
}

let shared: Lexicon | undefined;

/** The Dutch and English word lists, loaded on first use. */
export function languageLexicon(): Lexicon {
  shared ??= new TrieLexicon([loadTrie('@cspell/dict-nl-nl', 'Dutch.trie.gz'), loadTrie('@cspell/dict-en_us', 'en_US.trie.gz')]);
  return shared;
}

/** Loads the word lists now (at start-up), so no user's question waits for them. */
export function warmUpLexicon(): void {
  languageLexicon();
}

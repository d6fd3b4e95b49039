import { formatKnowledgeErrors, loadKnowledge } from './load.js';
import { KnowledgeIndex, type SearchResult } from './search.js';
import type { KnowledgeEntry, KnowledgeError } from './types.js';

/** One loaded knowledge base: its entries and their search index (the learned ranker trained). Immutable. */
interface KnowledgeState {
  readonly entries: readonly KnowledgeEntry[];
  readonly byId: Map<string, KnowledgeEntry>;
  readonly index: KnowledgeIndex;
}

/**
 * The loaded, validated knowledge base with its search index. A reload swaps another
 * base's content in with `replaceWith` (one assignment: atomic); whoever must not see a
 * swap half-way (a turn) works on `pinned()`, which keeps the content of that moment.
 */
export class KnowledgeBase {
  private state: KnowledgeState;

  /** `index`: these entries' search index, built already (`build`). */
  constructor(entries: readonly KnowledgeEntry[], index?: KnowledgeIndex) {
    // Builds the index and trains the learned ranker before anyone can search it.
    this.state = { entries, byId: new Map(entries.map((e) => [e.id, e])), index: index ?? new KnowledgeIndex([...entries]) };
  }

  /** The same base, its index built with pauses (a reload: the bot keeps answering meanwhile). */
  static async build(entries: readonly KnowledgeEntry[], pause: () => Promise<void>): Promise<KnowledgeBase> {
    return new KnowledgeBase(entries, await KnowledgeIndex.build([...entries], pause));
  }

  get entries(): readonly KnowledgeEntry[] {
    return this.state.entries;
  }

  get size(): number {
    return this.state.entries.length;
  }

  get(id: string): KnowledgeEntry | undefined {
    return this.state.byId.get(id);
  }

  search(query: string, limit = 5): SearchResult {
    return this.state.index.search(query, { limit });
  }

  ofType(type: KnowledgeEntry['type']): KnowledgeEntry[] {
    return this.state.entries.filter((e) => e.type === type);
  }

  /** This content as it is now, unchanged by a later `replaceWith` (costs one small object). */
  pinned(): KnowledgeBase {
    const copy = Object.create(KnowledgeBase.prototype) as KnowledgeBase;
    copy.state = this.state;
    return copy;
  }

  /** Takes the content of `next` (built and trained already): from now on every search uses it. */
  replaceWith(next: KnowledgeBase): void {
    this.state = next.state;
  }
}

export class KnowledgeInvalidError extends Error {
  constructor(readonly errors: KnowledgeError[], dir: string) {
    super(`The knowledge base in ${dir} has ${errors.length} error(s):\n${formatKnowledgeErrors(errors)}`);
    this.name = 'KnowledgeInvalidError';
  }
}

/** Loads and validates; throws KnowledgeInvalidError listing every error. */
export async function openKnowledgeBase(dir: string): Promise<KnowledgeBase> {
  const { entries, errors } = await loadKnowledge(dir);
  if (errors.length > 0) throw new KnowledgeInvalidError(errors, dir);
  return new KnowledgeBase(entries);
}

import { formatKnowledgeErrors, loadKnowledge } from './load.js';
import { KnowledgeIndex, type SearchResult } from './search.js';
import type { KnowledgeEntry, KnowledgeError } from './types.js';

/** The loaded, validated knowledge base with its search index. Immutable after load. */
export class KnowledgeBase {
  private readonly byId: Map<string, KnowledgeEntry>;
  private readonly index: KnowledgeIndex;

  constructor(readonly entries: readonly KnowledgeEntry[]) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    this.index = new KnowledgeIndex([...entries]);
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): KnowledgeEntry | undefined {
    return this.byId.get(id);
  }

  search(query: string, limit = 5): SearchResult {
    return this.index.search(query, { limit });
  }

  ofType(type: KnowledgeEntry['type']): KnowledgeEntry[] {
    return this.entries.filter((e) => e.type === type);
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

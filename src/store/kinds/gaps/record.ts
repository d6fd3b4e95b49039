import type { KnowledgeGapRecord, NewKnowledgeGap } from './index.js';

/** The record `add` stores: the defaults filled in, `offered` without repeats and left out when empty. */
export function newGapRecord(rec: NewKnowledgeGap, id: string): KnowledgeGapRecord {
  const { id: _given, outcome, offered, ...rest } = rec;
  return { id, ...rest, outcome: outcome ?? 'unknown', ...(offered && offered.length > 0 ? { offered: [...new Set(offered)] } : {}) };
}

import type { ReflectionAnswers } from '../../../domain/reflection.js';
import type { Locale, Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { lowdbReflections, REFLECTIONS_TABLE } from './lowdb.js';
import { REFLECTIONS_SQL } from './postgres.js';

/** A reflection shared in a channel. Private reflections are never stored as one. */
export interface ReflectionRecord extends ReflectionAnswers {
  id: string;
  /** Where it was shared (conversation reference key). */
  channelKey: string;
  platform: Platform;
  anonymous: boolean;
  /** Only when shared with the author's name: no user id, and nothing at all when anonymous. */
  authorName?: string;
  /**
   * Only with a name: a hash of the author's platform id (`authorKeyOf`), so a privacy
   * request can find their named reflections. Never set when anonymous.
   */
  authorKey?: string;
  locale: Locale;
  createdAt: string;
}

export interface ReflectionRepo {
  add(rec: Omit<ReflectionRecord, 'id'>): Promise<ReflectionRecord>;
  /** Oldest first; `since` inclusive, `until` exclusive (ISO timestamps). */
  list(filter?: { channelKey?: string; since?: string; until?: string; authorKey?: string }): Promise<ReflectionRecord[]>;
  count(): Promise<number>;
  /**
   * Privacy: the author's named reflections become anonymous (name and key removed, the
   * text stays, as with knelpunten). Returns how many changed.
   */
  forgetAuthor(authorKey: string): Promise<number>;
  /** The overview's figures; `bounds` as in KnelpuntRepo.stats. */
  stats(bounds: readonly string[]): Promise<ReflectionStats>;
}

export interface ReflectionStats {
  total: number;
  anonymous: number;
  /** Per opgave id ('' = none chosen). */
  byOpgave: Map<string, number>;
  /** Shared per bucket, as KnelpuntStats.perWeek. */
  perWeek: number[];
}

/** Reflections shared in a channel (private ones are never stored as one). */
export const reflectionsKind = defineKind({
  name: 'reflections',
  lowdb: { tables: [REFLECTIONS_TABLE], repo: lowdbReflections },
  postgres: REFLECTIONS_SQL,
});

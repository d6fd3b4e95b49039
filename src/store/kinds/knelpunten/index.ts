import type { KnelpuntStatus, Overheid, Urgentie } from '../../../domain/knelpunt.js';
import type { Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { KNELPUNT_TABLES, lowdbKnelpunten } from './lowdb.js';
import { KNELPUNTEN_SQL } from './postgres.js';

export interface KnelpuntReporter {
  platform: Platform;
  userId: string;
  name?: string;
  /** Entra ID object id, when known (Teams), for privacy requests by `aad:`. */
  aadObjectId?: string;
  /** Where the report was made, so a status update can find the reporter. */
  conversationKey?: string;
}


export interface KnelpuntHistoryItem {
  at: string;
  /** Who changed it: platform-qualified coordinator id (`slack:U1`, `aad:…`). */
  by: string;
  /**
   * Their display name as the platform gave it, for the cards (the id stays for the IBP
   * team's own systems). Removed with the id by `forgetActor`.
   */
  byName?: string;
  from: KnelpuntStatus;
  to: KnelpuntStatus;
  toelichting?: string;
}

export interface KnelpuntRecord {
  /** `KP-2026-0007`: unique and gapless per year. */
  ref: string;
  year: number;
  seq: number;
  /** An opgave id from the knowledge base, or `anders`. */
  opgave: string;
  beschrijving: string;
  overheden: Overheid[];
  urgentie: Urgentie;
  anoniem: boolean;
  /** Absent for an anonymous report: no user id, name, conversation or thread is stored. */
  reporter?: KnelpuntReporter;
  platform: Platform;
  status: KnelpuntStatus;
  history: KnelpuntHistoryItem[];
  createdAt: string;
  updatedAt: string;
}

export type NewKnelpunt = Pick<KnelpuntRecord, 'opgave' | 'beschrijving' | 'overheden' | 'urgentie' | 'anoniem' | 'reporter' | 'platform'>;

export interface KnelpuntFilter {
  since?: string;
  status?: KnelpuntStatus[];
  opgave?: string[];
  reporter?: { platform: Platform; userId: string };
}

export interface KnelpuntRepo {
  /**
   * Stores a new knelpunt with the next reference of its year, in one atomic step
   * (counter and record together). `submissionKey` makes it idempotent: the same
   * submission delivered twice returns the first knelpunt with `created: false`.
   */
  create(input: NewKnelpunt, submissionKey: string, now: Date): Promise<{ knelpunt: KnelpuntRecord; created: boolean }>;
  get(ref: string): Promise<KnelpuntRecord | undefined>;
  list(filter?: KnelpuntFilter): Promise<KnelpuntRecord[]>;
  /**
   * Changes the status if it is still `expectedFrom` (so two coordinators clicking
   * at once cannot both apply a change); returns the updated record, or the current
   * one with `changed: false`.
   */
  changeStatus(ref: string, change: KnelpuntHistoryItem): Promise<{ knelpunt: KnelpuntRecord | undefined; changed: boolean }>;
  /** Privacy: removes the reporter's identity from all their knelpunten; returns how many. */
  forgetReporter(platform: Platform, userId: string): Promise<number>;
  /**
   * Privacy: where this person (`slack:U1`, `aad:…`) changed a status, the history says
   * FORGOTTEN_ACTOR instead and their name is removed; the change itself stays. Returns
   * how many knelpunten changed.
   */
  forgetActor(by: string): Promise<number>;
  count(): Promise<number>;
  /**
   * The dashboard overview's figures over every knelpunt, computed where the data is
   * (SQL aggregates on PostgreSQL). `bounds`: ascending ISO instants; bucket `i` counts
   * creation times in [bounds[i], bounds[i + 1]). `oldest`: how many open knelpunten to return.
   */
  stats(bounds: readonly string[], oldest: number): Promise<KnelpuntStats>;
}

export type StatusCounts = Record<KnelpuntStatus, number>;

/**
 * Figures for the dashboard overview. Every backend must return exactly what the pure
 * reference functions in src/store/stats.ts compute over `list()` (the contract tests
 * check this).
 */
export interface KnelpuntStats {
  total: number;
  /** Not yet opgelost or niet opgepakt. */
  open: number;
  /** Per opgave id: counts per status. */
  byOpgave: Map<string, StatusCounts>;
  byStatus: StatusCounts;
  /** Created per bucket (`bounds.length - 1` of them); outside the bounds is not counted. */
  perWeek: number[];
  /** The oldest open knelpunten, oldest first (ties in the order they were stored). */
  oldestOpen: KnelpuntRecord[];
  /** Median days from creation to the first triage (the first change away from `nieuw`); null when none was triaged yet. */
  medianTriageDays: number | null;
  /** How many were triaged: the median's basis. */
  triaged: number;
}

/** Knelpunten with their gapless references (`KP-2026-0007`) and the submissions already seen. */
export const knelpuntenKind = defineKind({
  name: 'knelpunten',
  lowdb: { tables: KNELPUNT_TABLES, repo: lowdbKnelpunten },
  postgres: KNELPUNTEN_SQL,
});

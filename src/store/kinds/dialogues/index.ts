import type { ReflectionAnswers } from '../../../domain/reflection.js';
import type { Locale } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { DIALOGUES_TABLE, lowdbDialogues } from './lowdb.js';
import { DIALOGUES_SQL } from './postgres.js';

/**
 * A reflection in progress: a step-by-step dialogue, or a filled-in form waiting for
 * "keep / share". Keys and owner are hashes, never platform ids; expires after 24 h.
 */
export interface DialogueRecord {
  key: string;
  kind: 'stepwise' | 'draft';
  /** Hash of the platform-qualified user id: only the author may continue or share. */
  owner: string;
  /** Step-by-step: index of the question being asked. */
  step: number;
  answers: ReflectionAnswers;
  /** Where a share goes (conversation reference key), fixed when the reflection started. */
  shareKey?: string;
  locale: Locale;
  updatedAt: string;
  expiresAt: string;
}

export interface DialogueRepo {
  /** Undefined when absent or expired. */
  get(key: string, now: Date): Promise<DialogueRecord | undefined>;
  put(rec: DialogueRecord): Promise<void>;
  /** Atomic get-and-remove: of two concurrent takes only one gets the record. */
  take(key: string, now: Date): Promise<DialogueRecord | undefined>;
  remove(key: string): Promise<boolean>;
  /** Removes expired dialogues; returns how many. */
  prune(now: Date): Promise<number>;
}

/** Reflections in progress (step by step, or a draft waiting for "keep / share"). */
export const dialoguesKind = defineKind({
  name: 'dialogues',
  lowdb: { tables: [DIALOGUES_TABLE], repo: lowdbDialogues },
  postgres: DIALOGUES_SQL,
});

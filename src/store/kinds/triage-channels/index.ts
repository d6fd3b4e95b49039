import { defineKind } from '../../kind.js';
import { lowdbTriageChannels, TRIAGE_CHANNELS_TABLE } from './lowdb.js';
import { TRIAGE_CHANNELS_SQL } from './postgres.js';

/** Channels where new knelpunten are posted for triage (conversation reference keys). */
export interface TriageChannelRepo {
  add(conversationKey: string, by: string, now: Date): Promise<void>;
  remove(conversationKey: string): Promise<void>;
  list(): Promise<string[]>;
}

export interface TriageChannelRecord {
  key: string;
  /** Who registered it (platform-qualified id). */
  by: string;
  at: string;
}

export const triageChannelsKind = defineKind({
  name: 'triageChannels',
  lowdb: { tables: [TRIAGE_CHANNELS_TABLE], repo: lowdbTriageChannels },
  postgres: TRIAGE_CHANNELS_SQL,
});

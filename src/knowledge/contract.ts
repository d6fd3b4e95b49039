/**
 * Topic ids the knowledge base must answer (the contract in shared/knowledge-topics.md).
 * An id never changes once published: evaluation sets refer to answers by these ids.
 */
export const CONTRACT_IDS = [
  'ibp',
  'ibp-team',
  'overheidvannu',
  'voortgang',
  'resultaten',
  'aanpak',
  'cross-overs',
  'zekerheden',
  'zekerheid-1',
  'zekerheid-2',
  'zekerheid-3',
  'zekerheid-4',
  'zekerheid-5',
  'zekerheid-6',
  'zekerheid-7',
  'opgaven',
  'opgave-klimaat',
  'opgave-wonen',
  'opgave-regionale-economie',
  'opgave-vitaal-platteland',
  'opgave-sociaal-domein',
  'opgave-schulden',
  'opgave-migratie',
  'opgave-openbaar-bestuur',
  'opgave-financiele-verhoudingen',
  'opgave-overkoepelend',
  'help',
] as const;

export type ContractId = (typeof CONTRACT_IDS)[number];

/** The ten IBP-opgaven (for the knelpunt form's select, among others). */
export const OPGAVE_IDS = CONTRACT_IDS.filter((id) => id.startsWith('opgave-'));

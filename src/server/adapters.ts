import { setupSlack } from '../../adapters/slack/index.js';
import { setupTeams } from '../../adapters/teams/index.js';
import type { AdapterDeps, AdapterSetup } from '../platform/contract.js';

export type { AdapterDeps };

/** Sets up every platform adapter; each one says in its note whether it runs and why (not). */
export async function setupAdapters(deps: AdapterDeps): Promise<AdapterSetup[]> {
  return [await setupTeams(deps), await setupSlack(deps)];
}

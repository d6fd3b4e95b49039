import { setupSlack } from '../../adapters/slack/index.js';
import { setupTeams } from '../../adapters/teams/index.js';
import type { Config } from '../config.js';
import type { Bot } from '../core/bot.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { AdapterSetup } from './platform.js';

/** What every platform adapter gets: configuration, the core, the store and the logger. */
export interface AdapterDeps {
  config: Config;
  bot: Bot;
  store: Store;
  log: Logger;
  now: () => Date;
  /** Tests only: where botbuilder fetches the OpenID metadata (and keys) for incoming Teams tokens, instead of Microsoft's. */
  teamsOpenIdMetadataUrl?: string;
}

/** Sets up every platform adapter; each one says in its note whether it runs and why (not). */
export async function setupAdapters(deps: AdapterDeps): Promise<AdapterSetup[]> {
  return [await setupTeams(deps), await setupSlack(deps)];
}

import path from 'node:path';
import { startBot, type RunningBot, type StartOptions } from '../../src/server/start.js';
import { CookieClient, formAction } from './http-client.js';
import { freePort, startProvider, type TestAccount, type TestProvider } from './oidc.js';
import { tempDir } from './tmp.js';

/** Accounts of the test provider: two coordinators (by Entra object id and by verified e-mail) and outsiders. */
export const ACCOUNTS: Record<string, TestAccount> = {
  coordinator: { name: 'Cora Coördinator', email: 'cora@ibp.example.nl', email_verified: true, oid: '11111111-2222-3333-4444-555555555555' },
  mailcoordinator: { name: 'Mees Mail', email: 'mees@ibp.example.nl', email_verified: true },
  unverified: { name: 'Olle Onbevestigd', email: 'olle@ibp.example.nl', email_verified: false },
  outsider: { name: 'Bert Buitenstaander', email: 'bert@gemeente.example.nl', email_verified: true, oid: '99999999-0000-0000-0000-000000000000' },
};
export const COORDINATORS = 'aad:11111111-2222-3333-4444-555555555555,email:mees@ibp.example.nl,email:olle@ibp.example.nl';

export interface DashboardBot {
  bot: RunningBot;
  provider: TestProvider;
  /** PUBLIC_URL of the bot (http://localhost:<port>). */
  url: string;
  close(): Promise<void>;
}

/** A real bot with the dashboard, signing in at a real oidc-provider on localhost. */
export async function startDashboardBot(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<DashboardBot> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const provider = await startProvider({ redirectUri: `${url}/admin/callback`, accounts: ACCOUNTS });
  try {
    const bot = await startBot({
      PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, DATA_DIR: tempDir('ibp-dash-'), KNOWLEDGE_DIR: path.resolve('knowledge'), NODE_ENV: 'test',
      OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret,
      KNELPUNT_COORDINATORS: COORDINATORS,
      ...env,
    }, opts);
    return {
      bot, provider, url,
      close: async () => {
        await bot.close();
        await provider.close();
      },
    };
  } catch (e) {
    await provider.close();
    throw e;
  }
}

/**
 * Signs in through the provider's own login and consent pages, as a browser would,
 * and returns the last response (the dashboard page, or the 403 page).
 */
export async function signIn(client: CookieClient, base: string, login: string, returnTo?: string): Promise<{ res: Response; url: string; chain: string[]; body: string }> {
  let step = await client.follow(`${base}/admin/login/start${returnTo ? `?terug=${encodeURIComponent(returnTo)}` : ''}`);
  for (let i = 0; i < 4 && /\/interaction\//.test(step.url); i++) {
    const page = await step.res.text();
    const action = formAction(page, step.url);
    step = /name="login"/.test(page)
      ? await client.post(action, { prompt: 'login', login, password: 'anything' })
      : await client.post(action, { prompt: 'consent' });
  }
  return { ...step, body: await step.res.text() };
}

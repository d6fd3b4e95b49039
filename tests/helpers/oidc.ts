import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (oidc-provider) on localhost for the dashboard tests. Its
 * development login form accepts any login name; `accounts` gives the claims per name
 * (others sign in with only a `sub`). Scope claims go into the ID token
 * (`conformIdTokenClaims: false`), and `oid` comes with `profile`, as in Entra ID.
 */
export interface TestAccount {
  name?: string;
  email?: string;
  email_verified?: boolean;
  oid?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/** A port that was free a moment ago (the provider's client must know the redirect URI up front). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startProvider(opts: { redirectUri: string; accounts: Record<string, TestAccount> }): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const clientId = 'ibp-dashboard-test';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri],
      response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_post',
    }],
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, ...(opts.accounts[id] ?? {}) }),
    }),
    claims: { openid: ['sub'], profile: ['name', 'oid'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-cookie-key-for-the-dashboard-tests'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer, clientId, clientSecret,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

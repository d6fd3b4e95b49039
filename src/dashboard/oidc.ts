import * as client from 'openid-client';
import type { OidcConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { LoginChecks } from './session.js';

/**
 * OpenID Connect sign-in: authorization code flow with PKCE (S256), `state` and
 * `nonce`, through openid-client. Only standard parameters and the scopes
 * `openid profile email`. The provider's metadata is discovered on first use (and
 * again after a failure), so the bot starts even when the provider is unreachable.
 */
export const SCOPES = 'openid profile email';

/** Who signed in: the ID token's claims (plus userinfo for e-mail when the ID token has none). */
export interface SignInClaims {
  issuer: string;
  sub: string;
  name?: string;
  email?: string;
  emailVerified?: boolean;
  /** Entra ID object id. */
  oid?: string;
}

export class SignInError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
  }
}

/** The provider cannot be reached or its metadata is wrong: nobody can sign in right now. */
export class ProviderUnavailableError extends SignInError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

export interface OidcClient {
  /** Fresh state, nonce and PKCE verifier, and the provider URL to send the browser to. */
  begin(returnTo: string): Promise<{ url: URL; checks: LoginChecks }>;
  /** Checks the callback against the stored checks and redeems the code; throws SignInError. */
  complete(callbackUrl: URL, checks: LoginChecks): Promise<SignInClaims>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function openIdClient(cfg: OidcConfig, log: Logger): OidcClient {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(new URL(cfg.issuer), cfg.clientId, cfg.clientSecret, undefined, {
        // Plain http only for a provider on localhost outside production (see config.ts).
        ...(cfg.allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((err: unknown) => {
        discovered = null; // try again on the next sign-in
        throw new ProviderUnavailableError(`OpenID provider discovery failed: ${(err as Error).message}`, { cause: err });
      });
    return discovered;
  };

  return {
    async begin(returnTo) {
      const config = await configuration();
      const checks: LoginChecks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), returnTo };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: cfg.redirectUri,
        scope: SCOPES,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },

    async complete(callbackUrl, checks) {
      const config = await configuration();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: true,
        });
      } catch (err) {
        throw new SignInError(`sign-in callback refused: ${(err as Error).message}`, { cause: err });
      }
      const idToken = tokens.claims();
      if (!idToken) throw new SignInError('sign-in callback refused: no ID token');
      const claims: SignInClaims = {
        issuer: idToken.iss,
        sub: idToken.sub,
        ...(str(idToken.name) ? { name: str(idToken.name)! } : {}),
        ...(str(idToken.email) ? { email: str(idToken.email)! } : {}),
        ...(typeof idToken.email_verified === 'boolean' ? { emailVerified: idToken.email_verified } : {}),
        ...(str(idToken.oid) ? { oid: str(idToken.oid)! } : {}),
      };
      // Providers that keep the ID token small give name and e-mail at userinfo (same subject, checked).
      if ((!claims.email || !claims.name) && config.serverMetadata().userinfo_endpoint) {
        try {
          const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
          if (!claims.name && str(info.name)) claims.name = str(info.name)!;
          if (!claims.email && str(info.email)) {
            claims.email = str(info.email)!;
            if (typeof info.email_verified === 'boolean') claims.emailVerified = info.email_verified;
          }
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'dashboard: userinfo failed; signing in with the ID token claims only');
        }
      }
      return claims;
    },
  };
}

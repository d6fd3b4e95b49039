import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The issuer of tokens the Bot Framework channels (Teams) send to a bot. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

type Json = Record<string, unknown>;
const b64 = (o: Json): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * The Bot Framework's token keys, on localhost: an OpenID metadata document and its
 * key set (JWKS) with one RSA key, as login.botframework.com publishes them. The bot
 * under test is pointed here (startBot's `teamsOpenIdMetadataUrl`), so either Teams SDK
 * verifies real signatures without the network. `sign` makes tokens with that key
 * (or another one, to forge).
 */
export class FakeBotFrameworkKeys {
  readonly kid = 'ibp-test-key-1';
  private readonly pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: Server | null = null;
  /** Requests for the metadata document and the key set. */
  fetches = 0;
  metadataUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.fetches += 1;
      const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
      const body = req.url === '/keys'
        ? { keys: [{ ...(this.pair.publicKey.export({ format: 'jwk' }) as Json), kid: this.kid, use: 'sig', endorsements: ['msteams'] }] }
        : { issuer: CHANNEL_ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.metadataUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/openidconfiguration`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s) await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** An RS256 JWT; by default signed with the published key under its key id. */
  sign(claims: Json, opts: { key?: KeyObject; kid?: string } = {}): string {
    const head = b64({ alg: 'RS256', typ: 'JWT', kid: opts.kid ?? this.kid });
    const body = b64(claims);
    const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(opts.key ?? this.pair.privateKey, 'base64url');
    return `${head}.${body}.${signature}`;
  }
}

/** A private key nobody published: what a forger signs with. */
export function strangerKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** A token with `alg: none` and no signature. */
export function unsignedToken(claims: Json): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

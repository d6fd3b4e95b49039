import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { DEFAULT_LOCK_LEASE_MS } from '../src/store/lowdb/lock-record.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3978, nodeEnv: 'development', defaultLocale: 'nl', logLevel: 'info' });
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.knowledgeDir).toBe(path.resolve('knowledge'));
  });

  it('names every wrong variable and what is allowed', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', DEFAULT_LOCALE: 'fr', NODE_ENV: 'prod', LOG_LEVEL: 'loud', PUBLIC_URL: 'ibp.example.nl' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toHaveLength(5);
    expect(err!.message).toMatch(/PORT="abc": must be a whole number/);
    expect(err!.message).toMatch(/DEFAULT_LOCALE="fr": must be one of: nl, en/);
    expect(err!.message).toMatch(/NODE_ENV="prod": must be one of: development, production, test/);
    expect(err!.message).toMatch(/LOG_LEVEL="loud"/);
    expect(err!.message).toMatch(/PUBLIC_URL="ibp.example.nl": must be a full URL/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/between 0 and 65535/);
  });

  it('DATA_LOCK_LEASE_MS: the lowdb lock lease, a minute by default, at least 5 s', () => {
    expect(loadConfig({}).dataLockLeaseMs).toBe(DEFAULT_LOCK_LEASE_MS);
    expect(loadConfig({ DATA_LOCK_LEASE_MS: '15000' }).dataLockLeaseMs).toBe(15_000);
    expect(loadConfig({ DATA_LOCK_LEASE_MS: '' }).dataLockLeaseMs).toBe(60_000);
    expect(() => loadConfig({ DATA_LOCK_LEASE_MS: '1000' })).toThrow(/DATA_LOCK_LEASE_MS="1000": must be at least 5000/);
    expect(() => loadConfig({ DATA_LOCK_LEASE_MS: '1m' })).toThrow(/DATA_LOCK_LEASE_MS="1m": must be a whole number of milliseconds/);
  });

  it('metrics: a token wins over a port; neither is off; a short token is refused without echoing it', () => {
    expect(loadConfig({}).metrics).toEqual({ mode: 'off' });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ mode: 'port', port: 9464 });
    const token = 'a-metrics-token-of-enough-length';
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: token }).metrics).toEqual({ mode: 'token', token });
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN=\(value hidden\): must be at least 24/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT="x": must be a whole number/);
  });

  it('treats an empty PUBLIC_URL as unset and strips a trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: '' }).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://ibp-bot.example.nl/' }).publicUrl).toBe('https://ibp-bot.example.nl');
  });

  it('logs nothing in tests unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('dashboard sign-in: OIDC_ISSUER needs a client id, a secret and PUBLIC_URL; the secret is never echoed', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    const full = { OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-1/v2.0', OIDC_CLIENT_ID: 'client-1', OIDC_CLIENT_SECRET: 'very-secret-value-123', PUBLIC_URL: 'https://ibp-bot.example.nl/' };
    expect(loadConfig(full).oidc).toEqual({
      issuer: 'https://login.microsoftonline.com/tenant-1/v2.0', clientId: 'client-1', clientSecret: 'very-secret-value-123',
      redirectUri: 'https://ibp-bot.example.nl/admin/callback', allowInsecureRequests: false,
    });
    let err: ConfigError | undefined;
    try {
      loadConfig({ OIDC_ISSUER: full.OIDC_ISSUER });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.problems.map((p) => p.split('=')[0])).toEqual(['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'PUBLIC_URL']);
    // a wrong issuer is named; the secret stays hidden
    expect(() => loadConfig({ ...full, OIDC_ISSUER: 'http://idp.example.nl', OIDC_CLIENT_SECRET: 'x' })).toThrow(/OIDC_ISSUER="http:\/\/idp.example.nl": must start with https:\/\//);
    try {
      loadConfig({ ...full, OIDC_ISSUER: 'no url', OIDC_CLIENT_SECRET: 'very-secret-value-123' });
    } catch (e) {
      expect((e as Error).message).not.toContain('very-secret-value-123');
    }
    // http:// only for a provider on localhost, and never in production
    expect(loadConfig({ ...full, OIDC_ISSUER: 'http://localhost:4000' }).oidc?.allowInsecureRequests).toBe(true);
    expect(() => loadConfig({ ...full, OIDC_ISSUER: 'http://localhost:4000', NODE_ENV: 'production' })).toThrow(/OIDC_ISSUER.*https:\/\/ in production/);
  });

  it('listens on this machine only in development and tests, on every interface in production; HOST wins', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.1.2.3' }).host).toBe('10.1.2.3');
    expect(loadConfig({ HOST: '' }).host).toBe('127.0.0.1');
  });

  it('TEAMS_ANONYMOUS: off by default, true on purpose, refused in production and next to an app id', () => {
    expect(loadConfig({}).teams.anonymous).toBe(false);
    expect(loadConfig({ TEAMS_ANONYMOUS: 'true', HOST: '0.0.0.0' }).teams.anonymous).toBe(true);
    expect(loadConfig({ TEAMS_ANONYMOUS: 'false' }).teams.anonymous).toBe(false);
    expect(() => loadConfig({ TEAMS_ANONYMOUS: 'yes' })).toThrow(/TEAMS_ANONYMOUS="yes": must be one of: true, false/);
    const refused = (env: Record<string, string>): ConfigError => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    const prod = refused({ TEAMS_ANONYMOUS: 'true', NODE_ENV: 'production' });
    expect(prod).toBeInstanceOf(ConfigError);
    expect(prod.problems).toEqual([expect.stringMatching(/^TEAMS_ANONYMOUS="true": not allowed with NODE_ENV=production/)]);
    expect(refused({ TEAMS_ANONYMOUS: 'true', MICROSOFT_APP_ID: 'app-1', MICROSOFT_APP_PASSWORD: 'secret-value-1' }).message).toMatch(/TEAMS_ANONYMOUS="true": cannot be combined with MICROSOFT_APP_ID/);
  });

  it('WEB_CHAT: open in development, signin or off in production, and signin needs the OpenID sign-in', () => {
    const oidc = { OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-1/v2.0', OIDC_CLIENT_ID: 'client-1', OIDC_CLIENT_SECRET: 'very-secret-value-123', PUBLIC_URL: 'https://ibp-bot.example.nl' };
    expect(loadConfig({}).webChat).toBe('open');
    expect(loadConfig({ NODE_ENV: 'test' }).webChat).toBe('open');
    expect(loadConfig({ ...oidc }).webChat).toBe('open');
    expect(loadConfig({ NODE_ENV: 'production' }).webChat).toBe('off');
    expect(loadConfig({ NODE_ENV: 'production', ...oidc }).webChat).toBe('signin');
    expect(loadConfig({ NODE_ENV: 'production', WEB_CHAT: 'open' }).webChat).toBe('open');
    expect(loadConfig({ NODE_ENV: 'production', WEB_CHAT: 'off', ...oidc }).webChat).toBe('off');
    expect(loadConfig({ WEB_CHAT: 'signin', ...oidc }).webChat).toBe('signin');
    expect(() => loadConfig({ WEB_CHAT: 'signin' })).toThrow(/WEB_CHAT="signin": needs the OpenID Connect sign-in/);
    expect(() => loadConfig({ WEB_CHAT: 'closed' })).toThrow(/WEB_CHAT="closed": must be one of: open, signin, off/);
  });

  it('per-address limits of the open web chat are on by default; 0 switches one off', () => {
    expect(loadConfig({}).rateLimits).toEqual({ turnsPerMinute: 20, knelpuntenPerHour: 5, webSessionsPerHour: 20, webKnelpuntenPerHour: 10 });
    expect(loadConfig({ RATE_LIMIT_WEB_SESSIONS_PER_HOUR: '0', RATE_LIMIT_WEB_KNELPUNTEN_PER_HOUR: '3' }).rateLimits).toMatchObject({ webSessionsPerHour: 0, webKnelpuntenPerHour: 3 });
    expect(() => loadConfig({ RATE_LIMIT_WEB_SESSIONS_PER_HOUR: '-1' })).toThrow(/RATE_LIMIT_WEB_SESSIONS_PER_HOUR="-1": must be 0 or more/);
    expect(() => loadConfig({ RATE_LIMIT_WEB_KNELPUNTEN_PER_HOUR: 'veel' })).toThrow(/RATE_LIMIT_WEB_KNELPUNTEN_PER_HOUR="veel": must be a whole number/);
  });
});

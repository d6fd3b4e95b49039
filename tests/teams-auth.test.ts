import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { personalMessage } from './helpers/teams-activities.js';
import { tempDir } from './helpers/tmp.js';

const baseEnv = { PORT: '0', HOST: '127.0.0.1', KNOWLEDGE_DIR: path.resolve('knowledge'), LOG_LEVEL: 'info' };
const APP_ID = '00000000-0000-4000-8000-000000000abc';

describe('Teams endpoint with credentials', () => {
  let bot: RunningBot;
  let connector: FakeConnector;
  const logs = new LogCapture();

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await startBot(
      { ...baseEnv, DATA_DIR: tempDir(), NODE_ENV: 'test', MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'fake-password-not-real' },
      { logDestination: logs },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await connector?.close();
  });

  const post = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(personalMessage(connector.url, 'Wat is de zevende zekerheid?')),
    });

  it('mounts with the app id and says so', () => {
    expect(logs.text).toContain(`Teams: listening on POST /api/messages (MultiTenant, app id ${APP_ID})`);
  });

  it('a request without a token gets 401 and nothing is processed', async () => {
    const turnsBefore = (logs.text.match(/"msg":"turn"/g) ?? []).length;
    const res = await post({});
    expect(res.status).toBe(401);
    expect(connector.calls).toHaveLength(0);
    expect((logs.text.match(/"msg":"turn"/g) ?? []).length).toBe(turnsBefore);
    expect(await bot.store.conversations.list()).toHaveLength(0);
  });

  it('a request with a garbage or unsigned Bearer token gets 401, fast and without network', async () => {
    const started = Date.now();
    expect((await post({ authorization: 'Bearer not-a-jwt' })).status).toBe(401);
    // A well-formed but unsigned token with a foreign issuer: refused before any key is fetched.
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'https://evil.example', aud: APP_ID, serviceurl: connector.url })}.`;
    expect((await post({ authorization: `Bearer ${unsigned}` })).status).toBe(401);
    expect((await post({ authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logs.text).toMatch(/teams: request refused/);
    expect(logs.text).not.toContain('not-a-jwt'); // tokens never reach the log
    expect(connector.calls).toHaveLength(0);
    expect(await bot.store.conversations.list()).toHaveLength(0);
  });
});

describe('Teams endpoint in production without credentials', () => {
  let bot: RunningBot;
  const logs = new LogCapture();

  beforeAll(async () => {
    bot = await startBot({ ...baseEnv, DATA_DIR: tempDir(), NODE_ENV: 'production' }, { logDestination: logs });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('is not mounted (404) and the start-up log says why', async () => {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(logs.text).toMatch(/Teams: not mounted: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are not set.*NODE_ENV=production/);
  });
});

describe('Teams credentials that do not fit together stop the start', () => {
  it.each([
    [{ MICROSOFT_APP_PASSWORD: 'x-secret-value' }, /MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not/],
    [{ MICROSOFT_APP_ID: APP_ID }, /MICROSOFT_APP_PASSWORD: required/],
    [{ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'x-secret-value', MICROSOFT_APP_TYPE: 'SingleTenant' }, /MICROSOFT_APP_TENANT_ID: required/],
  ])('%o', async (extra, message) => {
    const err = await startBot({ ...baseEnv, DATA_DIR: tempDir(), NODE_ENV: 'test', ...extra }, { logDestination: new LogCapture() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(message);
    expect(String((err as Error).message)).not.toContain('x-secret-value');
  });
});

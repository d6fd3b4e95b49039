import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/config.js';
import { startBot, type RunningBot } from '../src/server/start.js';
import { LogCapture } from './helpers/core.js';
import { FakeConnector } from './helpers/fake-connector.js';
import { personalMessage, typing } from './helpers/teams-activities.js';
import { CHANNEL_ISSUER, FakeBotFrameworkKeys, strangerKey, unsignedToken } from './helpers/teams-tokens.js';
import { tempDir } from './helpers/tmp.js';
import { TEAMS_TRANSPORTS } from './helpers/teams-transports.js';

const baseEnv = { PORT: '0', HOST: '127.0.0.1', KNOWLEDGE_DIR: path.resolve('knowledge'), LOG_LEVEL: 'info' };
const APP_ID = '00000000-0000-4000-8000-000000000abc';

describe.each(TEAMS_TRANSPORTS)('Teams authentication over %s', (sdk) => {
  describe('Teams endpoint with credentials', () => {
    let bot: RunningBot;
    let connector: FakeConnector;
    let keys: FakeBotFrameworkKeys;
    const logs = new LogCapture();
    // botbuilder prints to the console on its own (a bad signature prints the public keys); kept quiet here, and checked.
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    beforeAll(async () => {
      connector = await new FakeConnector().start();
      keys = await new FakeBotFrameworkKeys().start();
      bot = await startBot(
        { ...baseEnv, TEAMS_SDK: sdk, DATA_DIR: tempDir(), NODE_ENV: 'test', MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'fake-password-not-real' },
        // The SDK (either) fetches the keys that sign Teams tokens from this local key set, never from Microsoft.
        { logDestination: logs, teamsOpenIdMetadataUrl: keys.metadataUrl },
      );
    });
    afterAll(async () => {
      consoleError.mockRestore();
      await bot?.close();
      await connector?.close();
      await keys?.close();
    });

    const activity = (): Record<string, unknown> => personalMessage(connector.url, 'Wat is de zevende zekerheid?');
    const post = (headers: Record<string, string>, body: Record<string, unknown> = activity()): Promise<Response> =>
      fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const now = (): number => Math.floor(Date.now() / 1000);
    /** What Teams' tokens carry: the channel issuer, this bot as audience, the activity's service URL. */
    const claims = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
      iss: CHANNEL_ISSUER, aud: APP_ID, serviceurl: connector.url, nbf: now() - 60, exp: now() + 3600, ...over,
    });
    const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
    const turns = (): number => (logs.text.match(/"msg":"turn"/g) ?? []).length;

    it('mounts with the app id and says so', () => {
      expect(logs.text).toContain(`Teams: listening on POST /api/messages (MultiTenant, app id ${APP_ID})`);
    });

    it('a token signed with the Bot Framework key is accepted (the refusals below are not for every token)', async () => {
      const res = await post(bearer(keys.sign(claims())), typing(connector.url));
      expect(res.status, logs.lines.filter((l) => l.includes("refused")).join("\n")).toBe(200);
      expect(keys.fetches).toBeGreaterThan(0); // the local key set, not login.botframework.com
    });

    it('forged, malformed and unverifiable tokens get 401: nothing processed, nothing sent, no stack trace', async () => {
      const turnsBefore = turns();
      const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
      const [forger, otherForger] = [strangerKey(), strangerKey()];
      const cases: Array<[string, Record<string, string>]> = [
        ['no header', {}],
        ['Bearer garbage', bearer('not-a-jwt')],
        ['Basic credentials', { authorization: 'Basic dXNlcjpwYXNz' }],
        ['alg none, unsigned', bearer(unsignedToken(claims()))],
        ['alg none with the published key id', bearer(`${b64({ alg: 'none', kid: keys.kid })}.${b64(claims())}.`)],
        ['HS256 (a key confusion attempt)', bearer(`${b64({ alg: 'HS256', kid: keys.kid })}.${b64(claims())}.c2lnbmF0dXJl`)],
        ['signed by an unknown key, under an unknown key id', bearer(keys.sign(claims(), { key: forger, kid: 'stranger-key' }))],
        ['signed by an unknown key, under the published key id', bearer(keys.sign(claims(), { key: otherForger }))],
        ['wrong audience', bearer(keys.sign(claims({ aud: '00000000-0000-4000-8000-00000000bad0' })))],
        ['wrong issuer', bearer(keys.sign(claims({ iss: 'https://evil.example' })))],
        ['expired', bearer(keys.sign(claims({ nbf: now() - 7200, exp: now() - 3600 })))],
        ['not valid yet', bearer(keys.sign(claims({ nbf: now() + 3600, exp: now() + 7200 })))],
        ['another serviceUrl than the activity', bearer(keys.sign(claims({ serviceurl: 'https://evil.example/' })))],
        // A token of any app in a trusted tenant names no service URL: it must not send the bot's replies elsewhere.
        ['no serviceurl claim', bearer(keys.sign(claims({ serviceurl: undefined })))],
        ['a token body that is not JSON', bearer(`${b64({ alg: 'RS256', kid: keys.kid })}.bm90IGpzb24.c2ln`)],
      ];
      const started = Date.now();
      for (const [name, headers] of cases) {
        const res = await post(headers);
        expect(res.status, name).toBe(401);
        expect(await res.json(), name).toEqual({ error: 'unauthorized' });
      }
      expect(Date.now() - started).toBeLessThan(5000);
      expect(turns()).toBe(turnsBefore);
      expect(connector.calls).toHaveLength(0);
      expect(await bot.store.conversations.list()).toHaveLength(0);
      const refusals = logs.lines.filter((l) => l.includes('teams: request refused'));
      expect(refusals.length).toBe(cases.length);
      for (const l of refusals) expect(JSON.parse(l)).toMatchObject({ level: 40, status: 401 }); // a warning, no err/stack
      expect(logs.lines.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
      expect(logs.text).not.toContain('not-a-jwt'); // tokens never reach the log
      expect(logs.text).not.toContain(keys.sign(claims()).split('.')[2]);
      // botbuilder itself prints the stack of an expired token to stderr; those never reach it.
      expect(consoleError.mock.calls.flat().filter((a) => a instanceof Error)).toEqual([]);
    });
  });

  /** POST an activity with raw headers (fetch does not let a test set Host). */
  function rawPost(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  describe('Teams without credentials on a loopback address: anonymous for programs on this machine only', () => {
    let bot: RunningBot;
    let connector: FakeConnector;
    const logs = new LogCapture();

    beforeAll(async () => {
      connector = await new FakeConnector().start();
      bot = await startBot({ ...baseEnv, TEAMS_SDK: sdk, DATA_DIR: tempDir(), NODE_ENV: 'test' }, { logDestination: logs });
    });
    afterAll(async () => {
      await bot?.close();
      await connector?.close();
    });
    beforeEach(() => connector.reset());

    it('says so at start-up, and answers the Agents Playground (a local program, a local connector)', async () => {
      expect(logs.text).toMatch(/Teams: anonymous mode on POST \/api\/messages \(no MICROSOFT_APP_ID\), for programs on this machine only/);
      expect(await rawPost(`${bot.url}/api/messages`, personalMessage(connector.url, 'Wat is de zevende zekerheid?'))).toBe(200);
      expect(connector.sent).toHaveLength(1);
    });

    it('refuses what came through a tunnel or proxy, a foreign Host (DNS rebinding) and a foreign serviceUrl: 401, nothing sent', async () => {
      const url = `${bot.url}/api/messages`;
      const message = (serviceUrl = connector.url): Record<string, unknown> => personalMessage(serviceUrl, 'Wat is de zevende zekerheid?');
      expect(await rawPost(url, message(), { 'x-forwarded-for': '203.0.113.9' })).toBe(401);
      expect(await rawPost(url, message(), { forwarded: 'for=203.0.113.9;proto=https' })).toBe(401);
      expect(await rawPost(url, message(), { host: `rebind.evil.example:${bot.port}` })).toBe(401);
      expect(await rawPost(url, message('https://smba.trafficmanager.net/emea/'))).toBe(401);
      expect(await rawPost(url, message('http://evil.example/'))).toBe(401);
      expect(connector.calls).toHaveLength(0);
      expect((await bot.store.conversations.list()).filter((c) => /evil|trafficmanager/.test(JSON.stringify(c.data)))).toEqual([]);
      expect(logs.text).toMatch(/"reason":"forwarded by a proxy or tunnel \(x-forwarded-for header\)"/);
      expect(logs.text).toMatch(/"reason":"the serviceUrl is not on this machine"/);
    });
  });

  describe('Teams without credentials on an address other machines reach', () => {
    let connector: FakeConnector;
    beforeAll(async () => {
      connector = await new FakeConnector().start();
    });
    afterAll(async () => {
      await connector?.close();
    });

    it('answers every request 401 and sends nothing', async () => {
      const logs = new LogCapture();
      const bot = await startBot({ ...baseEnv, TEAMS_SDK: sdk, HOST: '0.0.0.0', DATA_DIR: tempDir(), NODE_ENV: 'test' }, { logDestination: logs, schedulerIntervalMs: 0 });
      try {
        expect(logs.text).toMatch(/Teams: every request to POST \/api\/messages gets 401: MICROSOFT_APP_ID is not set and HOST=0.0.0.0/);
        const warning = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith('HOST=0.0.0.0'));
        expect(warning).toMatchObject({ level: 40, msg: expect.stringMatching(/other machines can reach this test server\. Open without sign-in: the web chat \(WEB_CHAT=open/) });
        expect(warning?.msg).not.toMatch(/Teams/);
        expect(await rawPost(`http://127.0.0.1:${bot.port}/api/messages`, personalMessage(connector.url, 'Wat is de zevende zekerheid?'))).toBe(401);
        expect(await rawPost(`http://127.0.0.1:${bot.port}/api/messages`, { type: 'message' }, { authorization: 'Bearer anything' })).toBe(401);
        expect(connector.calls).toHaveLength(0);
        expect(await bot.store.conversations.list()).toHaveLength(0);
      } finally {
        await bot.close();
      }
    });

    it('with TEAMS_ANONYMOUS=true, on purpose, accepts activities from anywhere', async () => {
      const logs = new LogCapture();
      // The explicit opt-in under test: anonymous Teams on an address other machines reach.
      const bot = await startBot({ ...baseEnv, TEAMS_SDK: sdk, HOST: '0.0.0.0', DATA_DIR: tempDir(), NODE_ENV: 'test', TEAMS_ANONYMOUS: 'true' }, { logDestination: logs, schedulerIntervalMs: 0 });
      try {
        expect(logs.text).toMatch(/Teams: anonymous mode on POST \/api\/messages from anywhere \(TEAMS_ANONYMOUS=true\)/);
        expect(logs.text).toMatch(/"level":40,.*"msg":"HOST=0.0.0.0: .*Open without sign-in: the web chat .*; Teams, anonymously \(TEAMS_ANONYMOUS=true/);
        const status = await rawPost(`http://127.0.0.1:${bot.port}/api/messages`, personalMessage(connector.url, 'Wat is de zevende zekerheid?'), { 'x-forwarded-for': '203.0.113.9' });
        expect(status).toBe(200);
        expect(connector.sent).toHaveLength(1);
      } finally {
        await bot.close();
      }
    });
  });

  describe('Teams endpoint in production without credentials', () => {
    let bot: RunningBot;
    const logs = new LogCapture();

    beforeAll(async () => {
      bot = await startBot({ ...baseEnv, TEAMS_SDK: sdk, DATA_DIR: tempDir(), NODE_ENV: 'production' }, { logDestination: logs });
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
      const err = await startBot({ ...baseEnv, TEAMS_SDK: sdk, DATA_DIR: tempDir(), NODE_ENV: 'test', ...extra }, { logDestination: new LogCapture() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).toMatch(message);
      expect(String((err as Error).message)).not.toContain('x-secret-value');
    });
  });
});

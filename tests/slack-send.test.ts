import { describe, expect, it } from 'vitest';
import { SlackApiError, toSlackApiError } from '../adapters/slack/errors.js';
import { postProactive, postToResponseUrl, withRateLimitRetry, type RetryOptions, type WebClient } from '../adapters/slack/send.js';
import { block, reply } from '../src/core/reply.js';
import { createLogger } from '../src/log.js';
import { FakeSlack } from './helpers/fake-slack.js';
import { LogCapture } from './helpers/core.js';

const platformError = (error: string): unknown => ({ code: 'slack_webapi_platform_error', data: { ok: false, error } });
const rateLimited = (retryAfter: number): unknown => ({ code: 'slack_webapi_rate_limited_error', retryAfter });

function retry(): RetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return { waits, maxAttempts: 3, maxWaitSeconds: 30, sleep: async (ms) => void waits.push(ms) };
}

describe('Slack failures map onto the shared error family', () => {
  it('maps platform, rate-limit, HTTP and network errors', () => {
    expect(toSlackApiError(platformError('channel_not_found'))).toMatchObject({ kind: 'gone', code: 'channel_not_found' });
    expect(toSlackApiError(platformError('invalid_auth'))).toMatchObject({ kind: 'authentication' });
    expect(toSlackApiError(platformError('missing_scope'))).toMatchObject({ kind: 'permission' });
    expect(toSlackApiError(platformError('invalid_blocks'))).toMatchObject({ kind: 'validation' });
    expect(toSlackApiError(rateLimited(7))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 7 });
    expect(toSlackApiError({ code: 'slack_webapi_http_error', statusCode: 503 })).toMatchObject({ kind: 'network', code: 'http_503' });
    expect(toSlackApiError(new Error('ECONNRESET'))).toMatchObject({ kind: 'network', code: 'network' });
  });
});

describe('withRateLimitRetry', () => {
  it('waits Retry-After seconds and tries again, up to the attempt limit', async () => {
    const r = retry();
    let calls = 0;
    const out = await withRateLimitRetry(async () => {
      calls += 1;
      if (calls < 3) throw rateLimited(2);
      return 'ok';
    }, r);
    expect(out).toBe('ok');
    expect(r.waits).toEqual([2000, 2000]);
    await expect(withRateLimitRetry(async () => Promise.reject(rateLimited(1)), r)).rejects.toMatchObject({ kind: 'rate_limit' });
  });

  it('gives up at once on a wait longer than allowed, and on any other error', async () => {
    const r = retry();
    await expect(withRateLimitRetry(async () => Promise.reject(rateLimited(120)), r)).rejects.toBeInstanceOf(SlackApiError);
    await expect(withRateLimitRetry(async () => Promise.reject(platformError('is_archived')), r)).rejects.toMatchObject({ kind: 'gone' });
    expect(r.waits).toEqual([]);
  });
});

describe('postProactive', () => {
  const log = createLogger({ level: 'silent', pretty: false, destination: new LogCapture() });
  const msg = reply('nl', 'Hallo', [block.plain('Hallo')]);
  const client = (fail: unknown): WebClient => ({ chat: { postMessage: async () => Promise.reject(fail) } }) as unknown as WebClient;

  for (const code of ['channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive']) {
    it(`${code}: marks the reference gone, never throws`, async () => {
      const marked: string[] = [];
      const res = await postProactive({ client: client(platformError(code)), log, retry: retry(), markGone: async (r) => void marked.push(r) }, { channel: 'C1', key: 'slack:C1' }, msg);
      expect(res).toEqual({ ok: false, gone: true, reason: code });
      expect(marked).toEqual([code]);
    });
  }

  it('other failures are reported, not marked; a store failure while marking is reported too', async () => {
    const marked: string[] = [];
    const markGone = async (r: string): Promise<void> => void marked.push(r);
    expect(await postProactive({ client: client(platformError('invalid_blocks')), log, retry: retry(), markGone }, { channel: 'C1', key: 'k' }, msg)).toEqual({ ok: false, gone: false, reason: 'invalid_blocks' });
    expect(marked).toEqual([]);
    const broken = async (): Promise<void> => Promise.reject(new Error('disk full'));
    expect(await postProactive({ client: client(platformError('is_archived')), log, retry: retry(), markGone: broken }, { channel: 'C1', key: 'k' }, msg)).toMatchObject({ ok: false, gone: false });
  });
});

describe('postToResponseUrl', () => {
  it('posts JSON, retries a 429, and reports Slack errors', async () => {
    const fake = await FakeSlack.start();
    try {
      fake.rateLimitNext('response_url', 1);
      const r = retry();
      await postToResponseUrl(fake.responseUrl('ru-1'), { response_type: 'ephemeral', text: 'hoi' }, fetch, r);
      expect(r.waits).toEqual([1000]);
      expect(fake.calls.filter((c) => c.responseUrlId === 'ru-1').map((c) => c.body)).toEqual([
        { response_type: 'ephemeral', text: 'hoi' },
        { response_type: 'ephemeral', text: 'hoi' },
      ]);
      fake.failNext('response_url', 'expired_url');
      await expect(postToResponseUrl(fake.responseUrl('ru-2'), { text: 'x' }, fetch, r)).rejects.toMatchObject({ code: 'expired_url' });
    } finally {
      await fake.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { exposureWarning, openDoors } from '../src/server/exposure.js';
import { addressKey, isLoopbackAddress, isLoopbackHost, isLoopbackUrl, whyNotLocal } from '../src/platform/network.js';

const request = (remoteAddress: string | undefined, headers: Record<string, string> = {}): Parameters<typeof whyNotLocal>[0] =>
  ({ socket: { remoteAddress }, headers }) as unknown as Parameters<typeof whyNotLocal>[0];

describe('network: what counts as this machine', () => {
  it('loopback addresses and hosts', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.10', '::ffff:10.0.0.1', 'fe80::1', 'localhost', '', undefined]) expect(isLoopbackAddress(a), String(a)).toBe(false);
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', 'ibp-bot.example.nl', 'localhost.evil.example', '192.168.1.10']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('a request is local only from a loopback socket, not forwarded, with a local Host header', () => {
    expect(whyNotLocal(request('127.0.0.1', { host: 'localhost:3978' }))).toBeUndefined();
    expect(whyNotLocal(request('::1', { host: '[::1]:3978' }))).toBeUndefined();
    expect(whyNotLocal(request('::ffff:127.0.0.1', { host: '127.0.0.1:3978' }))).toBeUndefined();
    expect(whyNotLocal(request('10.0.0.7', { host: 'localhost:3978' }))).toMatch(/does not come from this machine/);
    expect(whyNotLocal(request(undefined, { host: 'localhost:3978' }))).toMatch(/does not come from this machine/);
    // a tunnel or reverse proxy on this machine forwards requests from elsewhere
    expect(whyNotLocal(request('127.0.0.1', { host: 'localhost:3978', 'x-forwarded-for': '203.0.113.9' }))).toMatch(/x-forwarded-for/);
    expect(whyNotLocal(request('127.0.0.1', { host: 'localhost:3978', forwarded: 'for=203.0.113.9' }))).toMatch(/forwarded/);
    // DNS rebinding: a page on another site that resolves its own name to 127.0.0.1
    expect(whyNotLocal(request('127.0.0.1', { host: 'rebind.evil.example:3978' }))).toMatch(/Host header/);
    expect(whyNotLocal(request('127.0.0.1', {}))).toMatch(/Host header/);
  });

  it('loopback URLs', () => {
    expect(isLoopbackUrl('http://localhost:56150/')).toBe(true);
    expect(isLoopbackUrl('http://127.0.0.1:4000/connector')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:4000/')).toBe(true);
    for (const u of ['https://smba.trafficmanager.net/emea/', 'http://localhost.evil.example/', 'file:///etc/passwd', 'not a url', undefined, 42]) expect(isLoopbackUrl(u), String(u)).toBe(false);
  });

  it('addresses as rate-limit keys: IPv4 as is, IPv6 by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::99')).toBe(addressKey('2001:0db8:0001:0002:ffff::1'));
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('garbage')).toBe('unknown');
  });
});

describe('the start-up warning about what is open', () => {
  const base = { nodeEnv: 'development' as const, host: '127.0.0.1', webChat: 'open' as const, teams: { appType: 'MultiTenant' as const, anonymous: false, sdk: 'botbuilder' as const }, metrics: { mode: 'off' as const } };

  it('says nothing while only this machine can connect', () => {
    expect(exposureWarning(base)).toBeUndefined();
    expect(exposureWarning({ ...base, host: 'localhost', teams: { ...base.teams, anonymous: true } })).toBeUndefined();
  });

  it('in development on another address: names every open door, or says there is none', () => {
    expect(exposureWarning({ ...base, host: '0.0.0.0' })).toMatch(/^HOST=0\.0\.0\.0: other machines can reach this development server\. Open without sign-in: the web chat \(WEB_CHAT=open/);
    const all = exposureWarning({ ...base, host: '0.0.0.0', teams: { ...base.teams, anonymous: true }, metrics: { mode: 'port', port: 9464 } });
    expect(all).toMatch(/the web chat .*; Teams, anonymously .*; metrics without a token on port 9464/);
    expect(exposureWarning({ ...base, host: '192.168.1.10', webChat: 'signin' })).toMatch(/Nothing is open without sign-in/);
    // credentials win over TEAMS_ANONYMOUS (config refuses the pair anyway)
    expect(openDoors({ ...base, webChat: 'off', teams: { ...base.teams, appId: 'app', anonymous: true } })).toEqual([]);
  });

  it('in production: only when something is open without sign-in', () => {
    const prod = { ...base, nodeEnv: 'production' as const, host: '0.0.0.0' };
    expect(exposureWarning({ ...prod, webChat: 'signin' })).toBeUndefined();
    expect(exposureWarning({ ...prod, webChat: 'off' })).toBeUndefined();
    expect(exposureWarning(prod)).toMatch(/^Open without sign-in to anyone who reaches 0\.0\.0\.0: the web chat/);
  });
});

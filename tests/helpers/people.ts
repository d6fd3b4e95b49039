import { createHash } from 'node:crypto';

/**
 * A client address per person, sent as `X-Forwarded-For`: the server trusts it from
 * loopback (a reverse proxy on the same machine, as deployed), so load tests look like
 * many people behind the organisation's proxy and the per-address limits stay at their
 * defaults. (One address for everyone would hit the open web chat's per-address limits,
 * as it should.)
 */
export function forwardedFor(person: string): Record<string, string> {
  const h = createHash('sha256').update(person).digest();
  return { 'x-forwarded-for': `10.${h[0]}.${h[1]}.${h[2]! % 250 + 1}` };
}

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which addresses count as "this machine only", and how a client address becomes a
 * rate-limit key. Pure functions: the start-up warnings, the Teams loopback rule and
 * the web chat's per-address limits all use them.
 */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IP address of this machine's loopback interface (127.0.0.0/8, ::1, and ::ffff:127.x.x.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/%.*$/, ''); // an IPv6 zone id says nothing about the address
  const family = isIP(a);
  return family !== 0 && LOOPBACK.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

/** A HOST value or Host header name that only this machine can reach: `localhost`, a loopback address, `[::1]`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || isLoopbackAddress(h);
}

/** Headers a reverse proxy or tunnel adds: a request that carries one came from elsewhere, whatever its socket says. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'x-original-forwarded-for', 'cf-connecting-ip', 'via'];

/**
 * Why a request did not come from a program on this machine, or undefined when it did:
 * the socket's peer is a loopback address, no proxy or tunnel forwarded it, and its Host
 * header names this machine (a page on another site that rebinds its DNS name to
 * 127.0.0.1 still sends its own name).
 */
export function whyNotLocal(req: Pick<IncomingMessage, 'headers' | 'socket'>): string | undefined {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return 'the connection does not come from this machine';
  const forwarded = FORWARDING_HEADERS.find((h) => req.headers[h] !== undefined);
  if (forwarded) return `forwarded by a proxy or tunnel (${forwarded} header)`;
  const host = hostName(req.headers.host);
  if (host === undefined || !isLoopbackHost(host)) return 'the Host header does not name this machine';
  return undefined;
}

/** `localhost:3978` -> `localhost`, `[::1]:3978` -> `::1`; undefined for a missing or odd header. */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/** True when a URL points at this machine (http or https to a loopback host). */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}

/**
 * A client address as a rate-limit key: IPv4 as it is (also when written IPv4-mapped),
 * IPv6 by its /64 network, because one IPv6 host usually has a whole /64 to pick from.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const a = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (isIP(a) === 4) return a;
  const groups = ipv6Groups(a);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros; undefined when it is not one. */
function ipv6Groups(a: string): string[] | undefined {
  if (isIP(a) !== 6) return undefined;
  // An embedded IPv4 tail (::1.2.3.4) becomes two groups.
  const withoutV4 = a.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, b1: string, b2: string, b3: string, b4: string) =>
    `${((Number(b1) << 8) | Number(b2)).toString(16)}:${((Number(b3) << 8) | Number(b4)).toString(16)}`);
  const [head = '', tail] = withoutV4.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}

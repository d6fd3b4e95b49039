import { needsStorable, storable } from '../domain/text.js';

/**
 * Whatever one store backend accepts, every backend accepts: each string that goes into
 * a repository (values, object keys, nested records) is made `storable` first — NUL
 * removed, lone surrogates replaced by U+FFFD — on lowdb and PostgreSQL alike, so both
 * return the same text. User text was already cleaned at the core's boundary
 * (`cleanTurn`); this guard is for everything else (platform payloads kept as reference
 * data, old data files, ids) and costs one scan of the arguments.
 */
export function storableDeep<T>(value: T): T {
  return clean(value, 0) as T;
}

/** Records are shallow; the bound only stops a cyclic or absurd value from recursing forever. */
const MAX_DEPTH = 32;

function clean(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return needsStorable(v) ? storable(v) : v;
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = clean(v[i], depth + 1);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v; // Date, Map, Buffer: nothing to clean
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const ck = needsStorable(k) ? storable(k) : k;
    const cx = clean(x, depth + 1);
    if (ck !== k || cx !== x) {
      out ??= copyOf(v as Record<string, unknown>, proto);
      if (ck !== k) delete out[k];
      out[ck] = cx;
    }
  }
  return out ?? v;
}

function copyOf(v: Record<string, unknown>, proto: unknown): Record<string, unknown> {
  const out = (proto === null ? Object.create(null) : {}) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[k] = x;
  return out;
}

/**
 * The same repository, with every argument of every method made storable. Both backends
 * wrap each repository they build with it, so the contract tests hold them to the same
 * behaviour for hostile text.
 */
export function guardRepo<T extends object>(repo: T): T {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(repo)) {
    out[name] = typeof fn === 'function'
      ? (...args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown).apply(repo, args.map((a) => clean(a, 0)))
      : fn;
  }
  return out as T;
}

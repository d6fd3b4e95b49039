import type { z } from 'zod';

/** A table's `check` from a zod schema: the first problem as `path: message`, or null. */
export function checkWith(schema: z.ZodType): (record: unknown) => string | null {
  return (record) => {
    const res = schema.safeParse(record);
    if (res.success) return null;
    const first = res.error.issues[0];
    return first ? `${first.path.join('.') || '(record)'}: ${first.message}` : 'unknown problem';
  };
}

/** The values of a version-1 map (`{ key: record }`), or the entries of a version-1 list. */
export function v1List(v1: Record<string, unknown>, name: string): unknown[] {
  const v = v1[name];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : Object.values(v as object);
}

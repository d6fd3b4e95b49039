import { z } from 'zod';

/** Building blocks of the lowdb tables' record schemas (each kind's lowdb.ts has its own schema). */
export const platform = z.enum(['local', 'slack', 'teams', 'cli']);
export const locale = z.enum(['nl', 'en']);

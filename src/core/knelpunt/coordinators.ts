import type { Turn } from '../../domain/turn.js';

/**
 * Who may triage knelpunten: KNELPUNT_COORDINATORS, platform-qualified
 * (`slack:U123`, `teams:29:abc`, `local:<session>` for development), or by Entra ID
 * object id (`aad:<oid>`, matches a Teams user's aadObjectId) or e-mail
 * (`email:<address>`, for the dashboard sign-in).
 */
export class Coordinators {
  private readonly ids: Set<string>;

  constructor(ids: readonly string[]) {
    this.ids = new Set(ids);
  }

  get size(): number {
    return this.ids.size;
  }

  /** The identity a coordinator acts under in the history, or null for someone else. */
  identify(turn: Pick<Turn, 'platform' | 'user'>): string | null {
    const direct = `${turn.platform}:${turn.user.id}`;
    if (this.ids.has(direct)) return direct;
    const aad = turn.user.aadObjectId ? `aad:${turn.user.aadObjectId.toLowerCase()}` : null;
    if (aad && this.ids.has(aad)) return aad;
    return null;
  }

  /** For the dashboard: an OpenID sign-in by `oid` claim or verified e-mail. */
  identifyClaims(claims: { oid?: string; email?: string; emailVerified?: boolean }): string | null {
    const aad = claims.oid ? `aad:${claims.oid.toLowerCase()}` : null;
    if (aad && this.ids.has(aad)) return aad;
    const email = claims.email && claims.emailVerified ? `email:${claims.email.toLowerCase()}` : null;
    if (email && this.ids.has(email)) return email;
    return null;
  }
}

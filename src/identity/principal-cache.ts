/**
 * @module identity/principal-cache
 * Remembers a verified bearer token for at most one second (never past the token's own expiry),
 * so that a burst of requests with one token costs one database lookup, not one each; concurrent
 * requests for a token not yet cached share one lookup. Signing out, revoking or disabling drops
 * the entry in this process at once; another Ward process notices within the TTL, the same bound
 * DESIGN.md sets for ending a revoked person's access.
 */
import type { Token } from '../db/index.js';

/** The person (or service account) behind a request, once their bearer token checked out. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  operator: boolean;
  service: boolean;
  tokenId: string;
  tokenKind: Token['kind'];
  /** What the token may be used for (`*` for a sign-in session); see policy/scopes.ts. */
  scopes: string[];
  mfa: boolean;
  mfaRequired: boolean;
  /** For sign-in sessions: minutes without activity before the session ends. */
  idleMinutes: number | null;
  expiresAt: Date;
}

export const PRINCIPAL_TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Promise<Principal>;
  /** Set once the lookup succeeded; until then the entry is an in-flight lookup. */
  until?: number;
  tokenId?: string;
  userId?: string;
}

export function createPrincipalCache(ttlMs = PRINCIPAL_TTL_MS) {
  const entries = new Map<string, Entry>();

  return {
    /**
     * The principal for `key`, from the cache or from `load`, which returns it with its token's
     * expiry. A failed lookup is not cached: the next request asks the database again.
     */
    get(key: string, load: () => Promise<{ principal: Principal; expires: Date }>): Promise<Principal> {
      const hit = entries.get(key);
      if (hit && (hit.until === undefined || hit.until > Date.now())) return hit.principal;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      const entry: Entry = {
        principal: load().then(
          ({ principal, expires }) => {
            if (entries.get(key) === entry) {
              entry.until = Math.min(Date.now() + ttlMs, expires.getTime());
              entry.tokenId = principal.tokenId;
              entry.userId = principal.userId;
            }
            return principal;
          },
          (err) => {
            if (entries.get(key) === entry) entries.delete(key);
            throw err;
          },
        ),
      };
      entries.set(key, entry);
      return entry.principal;
    },
    dropToken(tokenId: string): void {
      for (const [k, e] of entries) if (e.tokenId === tokenId || e.until === undefined) entries.delete(k);
    },
    dropUser(userId: string): void {
      for (const [k, e] of entries) if (e.userId === userId || e.until === undefined) entries.delete(k);
    },
  };
}

export type PrincipalCache = ReturnType<typeof createPrincipalCache>;

import { LRUCache } from "lru-cache";

/** How many recently verified tokens are remembered, and for how long at most. */
export const RECENT_TOKENS = { max: 10_000, ttlMs: 60_000 };

/**
 * HS256 tokens verified a moment ago, so a client's repeated requests skip the HMAC: the least
 * recently used entry makes room in constant time, however many distinct tokens arrive. Only for
 * the shared secret, which cannot rotate under a running process (JWKS keys can); an entry never
 * outlives the token's `exp` plus `toleranceMs`.
 *
 * @example
 * const recent = createRecentTokens({ toleranceMs: 60_000 });
 * recent.add(token, user);
 * recent.get(token); // user
 */
export const createRecentTokens = <User extends { expiresAt: Date }>({
  toleranceMs,
  max = RECENT_TOKENS.max,
}: {
  toleranceMs: number;
  max?: number;
}) => {
  const entries = new LRUCache<string, User>({ max, ttl: RECENT_TOKENS.ttlMs });
  return {
    get: (token: string) => entries.get(token),
    add(token: string, user: User) {
      const untilExpiry = user.expiresAt.getTime() + toleranceMs - Date.now();
      // A ttl of 0 would mean "forever" to lru-cache.
      if (untilExpiry > 0) entries.set(token, user, { ttl: Math.min(RECENT_TOKENS.ttlMs, untilExpiry) });
    },
  };
};

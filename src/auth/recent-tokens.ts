/** How many recently verified tokens are remembered, and for how long at most. */
export const RECENT_TOKENS = { max: 10_000, ttlMs: 60_000 };

interface Entry<User> {
  user: User;
  until: number;
}

/**
 * HS256 tokens verified a moment ago, so a client's repeated requests skip the HMAC; kept in two
 * generations so making room costs the same under any load (docs/architecture.md,
 * "Authentication"). An entry never outlives the token's `exp` plus `toleranceMs`.
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
  const generation = Math.max(1, Math.floor(max / 2));
  let newer = new Map<string, Entry<User>>();
  let older = new Map<string, Entry<User>>();
  const put = (token: string, entry: Entry<User>) => {
    if (newer.size >= generation) {
      older = newer;
      newer = new Map();
    }
    newer.set(token, entry);
  };
  return {
    get(token: string): User | undefined {
      let entry = newer.get(token);
      if (!entry) {
        entry = older.get(token);
        if (!entry) return undefined;
        older.delete(token);
        put(token, entry);
      }
      return entry.until > Date.now() ? entry.user : undefined;
    },
    add(token: string, user: User) {
      const now = Date.now();
      const until = Math.min(now + RECENT_TOKENS.ttlMs, user.expiresAt.getTime() + toleranceMs);
      if (until > now) put(token, { user, until });
    },
  };
};

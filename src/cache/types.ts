export type CacheBackend = "memory" | "redis" | "upstash";

/**
 * The one cache contract every backend meets; test/cache/contract.test.ts holds them to it.
 * Every call is one round trip at most (a health probe is a `set` with a short TTL and a
 * `get`, and needs no cleanup), and values are strings of any size and any Unicode.
 */
export interface Cache {
  readonly backend: CacheBackend;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. Concurrent adds: one wins. */
  add(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Increments a counter whose window starts at its first increment; returns the count and the ms left. */
  increment(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  close(): Promise<void>;
}

/** Tuning for Redis over TCP; openCache derives the two timeouts from CACHE_TIMEOUT_MS. */
export interface RedisCacheOptions {
  /** How long one dial (TCP connect plus the HELLO handshake) may take. */
  connectTimeoutMs?: number;
  /** A command unanswered this long drops the connection, so the next call dials again. */
  commandTimeoutMs?: number;
  /** After a failed dial, calls fail at once for this long instead of each dialling again. */
  redialDelayMs?: number;
}

/** The cache did not answer within CACHE_TIMEOUT_MS or is unreachable; callers degrade, never fail. */
export class CacheUnavailableError extends Error {
  /** `ETIMEDOUT` when the call ran out of time, for the network classifier (src/errors/network.ts). */
  readonly code?: string;

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.name = "CacheUnavailableError";
    this.code = options?.code;
  }
}

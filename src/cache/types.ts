export type CacheBackend = "memory" | "redis" | "upstash";

/** The one cache contract every backend meets; the contract suite in cache.test.ts holds them to it. */
export interface Cache {
  readonly backend: CacheBackend;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. */
  add(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Increments a counter whose window starts at its first increment; returns the count and the ms left. */
  increment(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  close(): Promise<void>;
}

/** The cache did not answer within CACHE_TIMEOUT_MS or is unreachable; callers degrade, never fail. */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheUnavailableError";
  }
}

import type { Config } from "../config";
import { boundedCache } from "./bounded";
import { memoryCache } from "./memory";
import type { Cache, RedisCacheOptions } from "./types";
import { upstashCache } from "./upstash";

/** Redis over TCP is runtime-specific; each runtime passes the client it has, or none. */
export type RedisFactory = (url: string, options: RedisCacheOptions) => Cache;

/** The configured backend; calls to a remote one are bounded by CACHE_TIMEOUT_MS. */
export const openCache = ({ cache }: Config, { redis }: { redis?: RedisFactory } = {}): Cache => {
  // A dial gets a little longer than one call: a call gives up at timeoutMs, but a dial that
  // completes just after still serves the calls behind it.
  const connectTimeoutMs = Math.max(cache.timeoutMs, 500);
  // The memory backend answers in microseconds and cannot hang; a timer per call would cost more
  // than the call (rate limiting makes one on every request).
  if (!cache.upstash && !cache.redisUrl) return memoryCache();
  const backend = cache.upstash
    ? upstashCache({ ...cache.upstash, requestTimeoutMs: cache.timeoutMs })
    : redis
      ? redis(cache.redisUrl as string, { connectTimeoutMs, commandTimeoutMs: cache.timeoutMs })
      : unsupported();
  return boundedCache(backend, cache.timeoutMs);
};

const unsupported = (): never => {
  throw new Error("REDIS_URL needs Bun's built-in Redis client; on this runtime use UPSTASH_REDIS_REST_URL instead");
};

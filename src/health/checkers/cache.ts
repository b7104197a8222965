import type { CheckerFactory } from "../types";

const KEY_TTL_MS = 10_000;

/**
 * `cache` (not critical): a put and a get of a unique key against the configured backend. The
 * memory backend passes locally but warns in production, where each instance would hold its own
 * rate limits and idempotency keys.
 */
export const cacheChecker: CheckerFactory = ({ cache, config }) => ({
  name: "cache",
  critical: false,
  component: { type: "datastore", measurement: "responseTime" },
  async check() {
    const started = performance.now();
    const key = `health:${crypto.randomUUID()}`;
    await cache.set(key, key, KEY_TTL_MS);
    const echoed = await cache.get(key);
    const latencyMs = performance.now() - started;
    if (echoed !== key)
      throw new Error(`${cache.backend}: wrote a key but read back ${echoed === null ? "nothing" : "another value"}`);
    if (cache.backend === "memory" && config.mode === "production") {
      return {
        status: "warn",
        latencyMs,
        message: "memory: not shared between instances; set REDIS_URL or UPSTASH_REDIS_REST_URL",
      };
    }
    return { status: "pass", latencyMs, message: `${cache.backend}: Connected` };
  },
});

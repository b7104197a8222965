import { describe, expect, test } from "bun:test";
import { loadConfig } from "../config";
import { memoryCache } from "./memory";
import { openCache } from "./open";
import type { RedisCacheOptions } from "./types";

const config = (env: Record<string, string>) => loadConfig({ APP_MODE: "test", ...env });

describe("openCache", () => {
  test("memory when nothing is configured", async () => {
    const cache = openCache(config({}));
    expect(cache.backend).toBe("memory");
    await cache.close();
  });

  test("Redis through the runtime's factory, with timeouts derived from CACHE_TIMEOUT_MS", async () => {
    const seen: { url: string; options: RedisCacheOptions }[] = [];
    const cache = openCache(config({ REDIS_URL: "redis://cache.internal:6380", CACHE_TIMEOUT_MS: "200" }), {
      redis: (url, options) => {
        seen.push({ url, options });
        return { ...memoryCache(), backend: "redis" };
      },
    });
    expect(cache.backend).toBe("redis");
    expect(seen).toEqual([
      { url: "redis://cache.internal:6380", options: { connectTimeoutMs: 500, commandTimeoutMs: 200 } },
    ]);
    await cache.close();
  });

  test("REDIS_URL on a runtime without a Redis client is refused with what to use instead", () => {
    expect(() => openCache(config({ REDIS_URL: "redis://127.0.0.1:6379" }))).toThrow(/UPSTASH_REDIS_REST_URL/);
  });

  test("Upstash wins over REDIS_URL when both are set", async () => {
    const cache = openCache(
      config({
        REDIS_URL: "redis://127.0.0.1:6379",
        UPSTASH_REDIS_REST_URL: "https://example.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "token",
      }),
    );
    expect(cache.backend).toBe("upstash");
    await cache.close();
  });
});

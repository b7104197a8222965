import { describe, expect, test } from "bun:test";
import { boundedCache } from "./bounded";
import { type Cache, CacheUnavailableError } from "./types";

/** A backend standing in for a hung or broken server: every call never settles, or fails. */
const backend = (behaviour: "hang" | "fail"): Cache & { closes: number } => {
  const call = () =>
    behaviour === "hang" ? new Promise<never>(() => {}) : Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379"));
  return {
    backend: "redis",
    closes: 0,
    get: call,
    set: call,
    add: call,
    delete: call,
    increment: call,
    async close() {
      this.closes += 1;
    },
  };
};

const everyCall = (cache: Cache) => [
  cache.get("k"),
  cache.set("k", "v", 1000),
  cache.add("k", "v", 1000),
  cache.delete("k"),
  cache.increment("k", 1000),
];

describe("boundedCache", () => {
  test("a call that never settles fails with CacheUnavailableError at the timeout", async () => {
    const cache = boundedCache(backend("hang"), 100);
    const started = performance.now();
    const outcomes = await Promise.allSettled(everyCall(cache));
    expect(performance.now() - started).toBeLessThan(1000);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CacheUnavailableError);
      expect(String((outcome as PromiseRejectedResult).reason.message)).toContain("timed out after 100 ms");
    }
  });

  test("any backend error becomes CacheUnavailableError, keeping the cause", async () => {
    const outcomes = await Promise.allSettled(everyCall(boundedCache(backend("fail"), 100)));
    for (const outcome of outcomes) {
      const reason = (outcome as PromiseRejectedResult).reason as CacheUnavailableError;
      expect(reason).toBeInstanceOf(CacheUnavailableError);
      expect((reason.cause as Error).message).toContain("ECONNREFUSED");
    }
  });

  test("close reaches the backend once; later calls fail without reaching it", async () => {
    const inner = backend("hang");
    const cache = boundedCache(inner, 60_000);
    await Promise.all([cache.close(), cache.close()]);
    expect(inner.closes).toBe(1);
    const started = performance.now();
    const outcomes = await Promise.allSettled(everyCall(cache));
    expect(performance.now() - started).toBeLessThan(1000);
    for (const outcome of outcomes)
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CacheUnavailableError);
  });
});

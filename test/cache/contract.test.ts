import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Cache, CacheUnavailableError } from "../../src/cache/types";
import { cacheBackends } from "./backends";

// Generous: these cases are about semantics, not speed; outage.test.ts holds the tight bound.
const env = { CACHE_TIMEOUT_MS: "5000" };

for (const backend of cacheBackends()) {
  describe(`cache contract on ${backend.name}`, () => {
    // One namespace per run and backend, so parallel runs against one Redis never collide.
    const prefix = `berth-test:${crypto.randomUUID()}:`;
    const key = (name: string) => `${prefix}${name}`;
    let cache: Cache;
    beforeAll(async () => {
      cache = await backend.open(env);
    });
    afterAll(async () => {
      await cache.close();
      await backend.stop();
    });

    test("get of a missing key is null; set then get returns the value; set overwrites", async () => {
      expect(await cache.get(key("missing"))).toBeNull();
      await cache.set(key("k"), "one", 60_000);
      expect(await cache.get(key("k"))).toBe("one");
      await cache.set(key("k"), "two", 60_000);
      expect(await cache.get(key("k"))).toBe("two");
      await cache.set(key("empty"), "", 60_000);
      expect(await cache.get(key("empty"))).toBe("");
    });

    test("a value expires after its TTL; a longer TTL outlives it", async () => {
      await cache.set(key("short"), "v", 300);
      await cache.set(key("long"), "v", 60_000);
      expect(await cache.get(key("short"))).toBe("v");
      await Bun.sleep(700);
      expect(await cache.get(key("short"))).toBeNull();
      expect(await cache.get(key("long"))).toBe("v");
    });

    test("add sets only an absent key, keeps the present value, and sets again after expiry or delete", async () => {
      expect(await cache.add(key("once"), "first", 300)).toBe(true);
      expect(await cache.add(key("once"), "second", 300)).toBe(false);
      expect(await cache.get(key("once"))).toBe("first");
      await Bun.sleep(700);
      expect(await cache.add(key("once"), "third", 60_000)).toBe(true);
      expect(await cache.get(key("once"))).toBe("third");
      await cache.delete(key("once"));
      expect(await cache.add(key("once"), "fourth", 60_000)).toBe(true);
      expect(await cache.get(key("once"))).toBe("fourth");
    });

    test("of many concurrent adds of one key exactly one wins, and its value is stored", async () => {
      const contenders = Array.from({ length: 25 }, (_, i) => `contender-${i}`);
      const won = await Promise.all(contenders.map((value) => cache.add(key("race"), value, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await cache.get(key("race"))).toBe(contenders[won.indexOf(true)] as string);
    });

    test("delete removes a key; deleting a missing key is fine", async () => {
      await cache.set(key("gone"), "v", 60_000);
      await cache.delete(key("gone"));
      expect(await cache.get(key("gone"))).toBeNull();
      await cache.delete(key("never-set"));
    });

    test("increment counts within a window that starts at the first hit and never extends", async () => {
      const first = await cache.increment(key("hits"), 60_000);
      expect(first.count).toBe(1);
      expect(first.resetMs).toBeGreaterThan(50_000);
      expect(first.resetMs).toBeLessThanOrEqual(60_000);
      await Bun.sleep(30);
      const second = await cache.increment(key("hits"), 60_000);
      expect(second.count).toBe(2);
      expect(second.resetMs).toBeGreaterThan(0);
      expect(second.resetMs).toBeLessThan(first.resetMs);
    });

    test("concurrent increments each get a distinct count", async () => {
      const results = await Promise.all(Array.from({ length: 25 }, () => cache.increment(key("burst"), 60_000)));
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    test("after its window expires a counter restarts at 1 with a full window", async () => {
      await cache.increment(key("window"), 300);
      expect((await cache.increment(key("window"), 300)).count).toBe(2);
      await Bun.sleep(700);
      const restarted = await cache.increment(key("window"), 5000);
      expect(restarted.count).toBe(1);
      expect(restarted.resetMs).toBeGreaterThan(4000);
      expect(restarted.resetMs).toBeLessThanOrEqual(5000);
    });

    test("values and keys keep any Unicode, NUL, quotes and newlines exactly", async () => {
      const value = 'naïve café — 日本語 — 🚀 "quoted" \\ back\nslash\r\n\t\u0000 end';
      const odd = key("ключ 🔑 with spaces:and:colons");
      await cache.set(odd, value, 60_000);
      expect(await cache.get(odd)).toBe(value);
      expect(await cache.get(key("ключ 🔑 with spaces"))).toBeNull();
    });

    test("large values round-trip intact", async () => {
      const ascii = "0123456789abcdef".repeat(65_536); // 1 MiB
      const wide = "é日🚀".repeat(100_000); // 900 kB of multi-byte UTF-8
      await cache.set(key("ascii"), ascii, 60_000);
      await cache.set(key("wide"), wide, 60_000);
      expect(await cache.get(key("ascii"))).toBe(ascii);
      expect(await cache.get(key("wide"))).toBe(wide);
    });

    test("keys are isolated: near-identical names and other prefixes are other keys", async () => {
      await cache.set(key("a"), "a", 60_000);
      await cache.set(key("A"), "A", 60_000);
      await cache.set(key("a:b"), "a:b", 60_000);
      expect(await cache.get(key("a"))).toBe("a");
      expect(await cache.get(key("A"))).toBe("A");
      expect(await cache.get(key("a:b"))).toBe("a:b");
      expect(await cache.get(`other-${key("a")}`)).toBeNull();
      await cache.delete(key("a"));
      expect(await cache.get(key("a:b"))).toBe("a:b");
    });

    test(
      backend.shared
        ? "a second instance shares the store (rate limits hold across instances)"
        : "a second instance has its own store",
      async () => {
        const other = await backend.open(env);
        try {
          await cache.set(key("shared"), "from the first", 60_000);
          await cache.increment(key("shared-count"), 60_000);
          expect(await other.get(key("shared"))).toBe(backend.shared ? "from the first" : null);
          expect((await other.increment(key("shared-count"), 60_000)).count).toBe(backend.shared ? 2 : 1);
        } finally {
          await other.close();
        }
      },
    );

    test("after close every call fails with CacheUnavailableError; close twice is fine", async () => {
      const closing = await backend.open(env);
      await closing.set(key("closing"), "v", 60_000);
      await closing.close();
      await closing.close();
      const outcomes = await Promise.allSettled([
        closing.get(key("closing")),
        closing.set(key("closing"), "v", 1000),
        closing.add(key("closing"), "v", 1000),
        closing.delete(key("closing")),
        closing.increment(key("closing-count"), 1000),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe("rejected");
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CacheUnavailableError);
      }
      if (backend.shared) expect(await cache.get(key("closing"))).toBe("v");
    });
  });
}

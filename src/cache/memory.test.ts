import { describe, expect, test } from "bun:test";
import { memoryCache } from "./memory";
import { CacheUnavailableError } from "./types";

/** A clock the test moves by hand, so expiry is exact and instant. */
const manualClock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const present = async (cache: ReturnType<typeof memoryCache>, keys: string[]) => {
  const found: string[] = [];
  for (const key of keys) if ((await cache.get(key)) !== null) found.push(key);
  return found;
};

describe("memory cache", () => {
  test("holds at most maxEntries, evicting the least recently written first", async () => {
    const cache = memoryCache({ maxEntries: 3 });
    for (const key of ["a", "b", "c", "d"]) await cache.set(key, key, 60_000);
    expect(await present(cache, ["a", "b", "c", "d"])).toEqual(["b", "c", "d"]);
    await cache.set("e", "e", 60_000);
    expect(await present(cache, ["b", "c", "d", "e"])).toEqual(["c", "d", "e"]);
  });

  test("a read makes a key the most recently used, so it outlives older untouched keys", async () => {
    const cache = memoryCache({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await cache.set(key, key, 60_000);
    await cache.get("a");
    await cache.set("d", "d", 60_000);
    expect(await present(cache, ["a", "b", "c", "d"])).toEqual(["a", "c", "d"]);
  });

  test("overwriting, adding over and incrementing a key all count as use", async () => {
    const cache = memoryCache({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await cache.set(key, "1", 60_000);
    await cache.set("a", "2", 60_000);
    expect(await cache.add("b", "x", 60_000)).toBe(false);
    await cache.increment("c", 60_000);
    // Order of use is now a, b, c: the next two writes evict exactly a, then b.
    await cache.set("d", "d", 60_000);
    expect(await cache.get("a")).toBeNull();
    await cache.set("e", "e", 60_000);
    expect(await present(cache, ["b", "c", "d", "e"])).toEqual(["c", "d", "e"]);
  });

  test("a failed add over a live key keeps its value and TTL", async () => {
    const clock = manualClock();
    const cache = memoryCache({ now: clock.now });
    await cache.add("k", "first", 1000);
    clock.advance(600);
    expect(await cache.add("k", "second", 60_000)).toBe(false);
    clock.advance(600);
    expect(await cache.get("k")).toBeNull();
  });

  test("an expired key reads as absent and is dropped; deleting frees its slot", async () => {
    const clock = manualClock();
    const cache = memoryCache({ maxEntries: 2, now: clock.now });
    await cache.set("short", "v", 100);
    await cache.set("long", "v", 10_000);
    clock.advance(100);
    expect(await cache.get("short")).toBeNull();
    expect(await cache.add("short", "again", 100)).toBe(true);
    await cache.delete("short");
    await cache.set("other", "v", 10_000);
    expect(await present(cache, ["long", "other"])).toEqual(["long", "other"]);
  });

  test("increment reports the exact ms left in its window and restarts after it", async () => {
    const clock = manualClock();
    const cache = memoryCache({ now: clock.now });
    expect(await cache.increment("hits", 1000)).toEqual({ count: 1, resetMs: 1000 });
    clock.advance(400);
    expect(await cache.increment("hits", 1000)).toEqual({ count: 2, resetMs: 600 });
    clock.advance(600);
    expect(await cache.increment("hits", 1000)).toEqual({ count: 1, resetMs: 1000 });
  });

  test("close empties it; later calls fail as unavailable, like a remote backend's", async () => {
    const cache = memoryCache();
    await cache.set("k", "v", 60_000);
    await cache.close();
    await expect(cache.get("k")).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import { redisCache } from "../../src/cache/redis";
import type { Cache } from "../../src/cache/types";
import { type Env, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/types";
import { cacheChecker } from "../../src/health/checkers/cache";
import { databaseChecker } from "../../src/health/checkers/database";
import { memoryChecker } from "../../src/health/checkers/memory";
import type { HealthDeps } from "../../src/health/types";
import { databaseBackends, freshPglite } from "../fixtures/databases";
import { serviceUrl } from "../support/services";

const PRODUCTION = {
  APP_MODE: "production",
  DATABASE_URL: "postgres://db.internal:5432/berth",
  AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-bytes",
};

const deps = (o: Partial<HealthDeps> & { env?: Env }): HealthDeps => ({
  config: loadConfig({ APP_MODE: "test", ...o.env }),
  db: o.db as Database,
  cache: o.cache ?? boundedCache(memoryCache(), 250),
  readRssBytes: o.readRssBytes,
});

const signal = () => new AbortController().signal;

for (const backend of databaseBackends()) {
  describe(`database checker on ${backend.name}`, () => {
    let db: Database;
    // The first PGlite of a process initialises its template: seconds on a loaded machine.
    beforeAll(async () => {
      db = await backend.open();
    }, 60_000);
    afterAll(() => db?.close());

    test("passes with a SELECT 1 round trip and its latency; it is critical", async () => {
      const checker = databaseChecker(deps({ db }));
      expect(checker).toMatchObject({ name: "database", critical: true });
      const result = await checker.check(signal());
      expect(result).toMatchObject({ status: "pass", message: "Connected" });
      expect(result.latencyMs).toBeGreaterThan(0);
    });
  });
}

describe("database checker on a closed database", () => {
  test("throws, naming why", async () => {
    const db = await freshPglite();
    await db.close();
    await expect(databaseChecker(deps({ db })).check(signal())).rejects.toThrow();
  });
});

describe("cache checker", () => {
  test("passes on the memory backend outside production, naming the backend; not critical", async () => {
    const checker = cacheChecker(deps({}));
    expect(checker.critical).toBe(false);
    const result = await checker.check(signal());
    expect(result).toMatchObject({ status: "pass", message: "memory: Connected" });
  });

  test("warns when production runs the memory backend (not shared between instances)", async () => {
    const result = await cacheChecker(deps({ env: PRODUCTION })).check(signal());
    expect(result.status).toBe("warn");
    expect(result.message).toContain("not shared between instances");
  });

  test("fails when the value read back is not the one written", async () => {
    const forgetful: Cache = { ...memoryCache(), get: async () => null };
    await expect(cacheChecker(deps({ cache: forgetful })).check(signal())).rejects.toThrow(/read back nothing/);
  });

  const redisUrl = serviceUrl("TEST_REDIS_URL");
  if (redisUrl) {
    test("passes against the real Redis with a put + get round trip", async () => {
      const cache = boundedCache(redisCache(redisUrl), 1000);
      try {
        const result = await cacheChecker(deps({ cache, env: PRODUCTION })).check(signal());
        expect(result).toMatchObject({ status: "pass", message: "redis: Connected" });
        expect(result.latencyMs).toBeGreaterThan(0);
      } finally {
        await cache.close();
      }
    });
  }
});

describe("memory checker", () => {
  const MiB = 1024 * 1024;

  test("reports RSS in MiB and passes under the limit", async () => {
    const result = await memoryChecker(deps({ readRssBytes: () => 84.14 * MiB })).check(signal());
    expect(result).toEqual({ status: "pass", observedValue: 84.1, observedUnit: "MiB", message: "84.1 MiB" });
  });

  test("warns above HEALTH_MEMORY_LIMIT_MB, using this process's real RSS", async () => {
    const checker = memoryChecker(
      deps({ env: { HEALTH_MEMORY_LIMIT_MB: "1" }, readRssBytes: () => process.memoryUsage.rss() }),
    );
    expect(checker.critical).toBe(false);
    const result = await checker.check(signal());
    expect(result.status).toBe("warn");
    expect(result.observedValue).toBeGreaterThan(1);
    expect(result.message).toContain("above the 1 MiB limit");
  });

  test("passes without a value on runtimes that cannot measure RSS", async () => {
    expect(await memoryChecker(deps({})).check(signal())).toEqual({
      status: "pass",
      message: "not measured on this runtime",
    });
  });
});

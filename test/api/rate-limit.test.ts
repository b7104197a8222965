import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import { redisCache } from "../../src/cache/redis";
import type { Cache } from "../../src/cache/types";
import type { Database } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { freshPglite } from "../fixtures/databases";
import { freePort } from "../support/ports";
import { apiClient, authHeaders, bearer, buildTestApp } from "./app";

describe("rate limiting in one instance", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
  }, 30_000);
  afterAll(() => db.close());

  const build = (env: Record<string, string>, cache: Cache = boundedCache(memoryCache(), 250), lines?: string[]) =>
    buildTestApp({
      db,
      cache,
      env: { RATE_LIMIT_PER_MINUTE: "3", ...env },
      logger: lines ? createLogger({ level: "warn", format: "json", write: (l) => lines.push(l) }) : undefined,
    });

  test("per user: the fourth request in a minute is a 429 with Retry-After and RateLimit-* headers", async () => {
    const { app } = build({});
    const limited = apiClient(app, await bearer("limited"));
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await limited.v1.me.$get();
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("3");
      expect(res.headers.get("ratelimit-policy")).toBe("3;w=60");
      remaining.push(res.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const fourth = await limited.v1.notes.$get({ query: {} });
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get("content-type")).toBe("application/problem+json");
    const retryAfter = Number(fourth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(fourth.headers.get("ratelimit-remaining")).toBe("0");
    expect(fourth.headers.get("ratelimit-reset")).toBe(String(retryAfter));
    expect(((await fourth.json()) as { status: number }).status).toBe(429);
    // Another user has a budget of their own.
    expect((await apiClient(app, await bearer("other")).v1.me.$get()).status).toBe(200);
  });

  test("every limited answer carries the RateLimit-* headers: success, not-modified, errors and docs", async () => {
    const { app } = build({ RATE_LIMIT_PER_MINUTE: "100" });
    const headers = await authHeaders("everywhere");
    const client = apiClient(app, await bearer("everywhere"));
    const created = await client.v1.notes.$post({ header: {}, json: { title: "t" } });
    const param = { id: ((await created.json()) as { id: string }).id };
    const etag = (await client.v1.notes[":id"].$get({ param })).headers.get("etag") ?? "";
    const answers = [
      created,
      await client.v1.notes[":id"].$get({ param }, { headers: { "If-None-Match": etag } }),
      await client.v1.notes[":id"].$get({ param: { id: "00000000-0000-4000-8000-000000000000" } }),
      // Raw where AppType has no such request: a wrong method, broken JSON, an unknown path and
      // the documents.
      await app.request("/v1/notes", { method: "PUT", headers }),
      await app.request("/v1/notes", { method: "POST", headers, body: "{" }),
      await apiClient(app).v1.me.$get(),
      await app.request("/nowhere"),
      await app.request("/openapi.json"),
      await app.request("/docs"),
    ];
    expect(answers.map((res) => res.status)).toEqual([201, 304, 404, 405, 400, 401, 404, 200, 200]);
    for (const res of answers) expect(res.headers.get("ratelimit-limit")).toBe("100");
  });

  test("probes are never limited", async () => {
    const { app } = build({ RATE_LIMIT_PER_MINUTE: "1" });
    const probes = apiClient(app);
    for (let i = 0; i < 5; i++) {
      for (const res of [
        await probes.livez.$get(),
        await probes.readyz.$get(),
        await probes.startupz.$get(),
        await probes.health.$get(),
      ]) {
        expect(res.status).not.toBe(429);
        expect(res.headers.get("ratelimit-limit")).toBeNull();
      }
    }
  });

  // This test and the next count anonymous clients on /openapi.json, served outside AppType, so
  // they send raw requests.
  test("TRUST_PROXY decides which address an anonymous client is counted under", async () => {
    const anonymous = (app: ReturnType<typeof build>["app"], headers: Record<string, string>) =>
      Promise.resolve(app.request("/openapi.json", { headers })).then((r) => r.status);

    const firstHop = build({ TRUST_PROXY: "first-hop", RATE_LIMIT_PER_MINUTE: "2" }).app;
    // The last X-Forwarded-For entry is what our one trusted proxy saw; earlier ones are client claims.
    expect(await anonymous(firstHop, { "X-Forwarded-For": "6.6.6.6, 10.0.0.1" })).toBe(200);
    expect(await anonymous(firstHop, { "X-Forwarded-For": "7.7.7.7, 10.0.0.1" })).toBe(200);
    expect(await anonymous(firstHop, { "X-Forwarded-For": "8.8.8.8, 10.0.0.1" })).toBe(429);
    expect(await anonymous(firstHop, { "X-Forwarded-For": "10.0.0.2" })).toBe(200);

    const fly = build({ TRUST_PROXY: "fly", RATE_LIMIT_PER_MINUTE: "1" }).app;
    expect(await anonymous(fly, { "Fly-Client-IP": "203.0.113.1", "X-Forwarded-For": "1.1.1.1" })).toBe(200);
    expect(await anonymous(fly, { "Fly-Client-IP": "203.0.113.1", "X-Forwarded-For": "2.2.2.2" })).toBe(429);
    expect(await anonymous(fly, { "Fly-Client-IP": "203.0.113.2" })).toBe(200);

    // With no trusted proxy, forwarding headers are the client's own words and change nothing.
    const none = build({ TRUST_PROXY: "none", RATE_LIMIT_PER_MINUTE: "1" }).app;
    expect(await anonymous(none, { "X-Forwarded-For": "1.1.1.1", "Fly-Client-IP": "1.1.1.1" })).toBe(200);
    expect(await anonymous(none, { "X-Forwarded-For": "2.2.2.2", "Fly-Client-IP": "2.2.2.2" })).toBe(429);
  });

  test("without a proxy the TCP peer address is the key (served by Bun.serve)", async () => {
    const cache = boundedCache(memoryCache(), 250);
    const { app } = build({ TRUST_PROXY: "none", RATE_LIMIT_PER_MINUTE: "5" }, cache);
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/openapi.json`, {
        headers: { "X-Forwarded-For": "9.9.9.9" },
      });
      expect(res.status).toBe(200);
      expect(await cache.get("ratelimit:v1:addr:127.0.0.1")).toBe("1");
      expect(await cache.get("ratelimit:v1:addr:9.9.9.9")).toBeNull();
    } finally {
      server.stop(true);
    }
  });

  test("a cache outage fails open and is logged once", async () => {
    const lines: string[] = [];
    const deadRedis = boundedCache(
      redisCache(`redis://127.0.0.1:${await freePort()}`, { connectTimeoutMs: 200, redialDelayMs: 100 }),
      250,
    );
    try {
      const { app } = build({ RATE_LIMIT_PER_MINUTE: "1" }, deadRedis, lines);
      const outage = apiClient(app, await bearer("outage"));
      for (let i = 0; i < 4; i++) {
        const res = await outage.v1.me.$get();
        expect(res.status).toBe(200);
        expect(res.headers.get("ratelimit-limit")).toBeNull();
      }
      // One line for the outage, not one per request, and no stack.
      const warnings = lines.map((l) => JSON.parse(l) as { level: string; msg: string; error: unknown });
      expect(warnings.filter((w) => w.msg.includes("rate limiting skipped"))).toHaveLength(1);
      expect(typeof warnings[0]?.error).toBe("string");
    } finally {
      await deadRedis.close();
    }
  });

  test("RATE_LIMIT_PER_MINUTE=0 turns rate limiting off", async () => {
    const { app } = build({ RATE_LIMIT_PER_MINUTE: "0" });
    const unlimited = apiClient(app, await bearer("unlimited"));
    for (let i = 0; i < 10; i++) {
      const res = await unlimited.v1.me.$get();
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});

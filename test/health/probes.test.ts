import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOpsApp } from "../../src/app";
import type { Database } from "../../src/db/types";
import { createLifecycle } from "../../src/lifecycle/state";
import { createLogger } from "../../src/logger";
import { buildTestApp } from "../api/app";
import { databaseBackends, freshPglite } from "../fixtures/databases";

const OPS_TOKEN = "ops-token-for-tests-0123456789abcdef";
const PRODUCTION = {
  APP_MODE: "production",
  DATABASE_URL: "postgres://db.internal:5432/berth",
  AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-bytes",
  OPS_TOKEN,
};

// The test runner holds several databases in memory; the limit must not depend on that.
const ROOMY = { HEALTH_MEMORY_LIMIT_MB: "1048576" };

type Json = Record<string, unknown> & { checks: Record<string, Record<string, unknown>> };
const body = async (res: Response) => (await res.json()) as Json;
const json = async (res: Response): Promise<unknown> => res.json();

for (const backend of databaseBackends()) {
  describe(`probes on ${backend.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(() => db.close());

    test("/livez, /startupz, /readyz and /health pass, none cacheable", async () => {
      const { app } = buildTestApp({ db, env: ROOMY });
      for (const path of ["/livez", "/startupz", "/readyz", "/health"]) {
        const res = await app.request(path);
        expect(res.status).toBe(200);
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("content-type")).toBe("application/json");
      }
      expect(await json(await app.request("/readyz"))).toEqual({
        status: "pass",
        checks: { database: "pass", cache: "pass", memory: "pass" },
      });
      const health = await body(await app.request("/health"));
      expect(health).toMatchObject({ healthy: true, status: "pass", version: "1.0.0-test", environment: "test" });
      expect(health.checks.database).toMatchObject({
        healthy: true,
        status: "pass",
        critical: true,
        message: "Connected",
      });
      expect(health.checks.cache).toMatchObject({ status: "pass", critical: false, message: "memory: Connected" });
      expect(health.checks.memory).toMatchObject({ status: "pass", critical: false, observedUnit: "MiB" });
    });

    test("Accept: application/health+json answers in the IETF draft format", async () => {
      const { app } = buildTestApp({ db, env: ROOMY });
      const res = await app.request("/health", { headers: { Accept: "application/health+json" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/health+json");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const ietf = await body(res);
      expect(ietf).toMatchObject({ status: "pass", version: "1.0.0-test", releaseId: "1.0.0-test" });
      expect(Object.keys(ietf.checks)).toEqual(["database:responseTime", "cache:responseTime", "memory:utilization"]);
      expect((ietf.checks["database:responseTime"] as unknown as Record<string, unknown>[])[0]).toMatchObject({
        componentType: "datastore",
        observedUnit: "ms",
        status: "pass",
      });
    });

    test("draining: /readyz and /health 503 at once, /livez still 200", async () => {
      const lifecycle = createLifecycle({ started: true });
      const { app } = buildTestApp({ db, lifecycle, env: ROOMY });
      expect((await app.request("/readyz")).status).toBe(200);
      lifecycle.beginDraining();
      const ready = await app.request("/readyz");
      expect(ready.status).toBe(503);
      expect(await json(ready)).toEqual({ status: "fail", reason: "draining" });
      const health = await app.request("/health");
      expect(health.status).toBe(503);
      expect(await body(health)).toMatchObject({ healthy: false, status: "fail", draining: true });
      expect((await app.request("/livez")).status).toBe(200);
    });

    test("before startup is done: /startupz and /readyz 503, /livez 200", async () => {
      const lifecycle = createLifecycle();
      const { app } = buildTestApp({ db, lifecycle, env: ROOMY });
      expect((await app.request("/startupz")).status).toBe(503);
      expect(await json(await app.request("/readyz"))).toEqual({ status: "fail", reason: "starting" });
      expect((await app.request("/livez")).status).toBe(200);
      lifecycle.markStarted();
      expect((await app.request("/startupz")).status).toBe(200);
      expect((await app.request("/readyz")).status).toBe(200);
    });

    test("a memory limit below the real RSS warns: /health 200 with status warn, /readyz 200", async () => {
      const { app } = buildTestApp({ db, env: { HEALTH_MEMORY_LIMIT_MB: "1" } });
      const res = await app.request("/health");
      expect(res.status).toBe(200);
      const health = await body(res);
      expect(health).toMatchObject({ healthy: true, status: "warn" });
      expect(health.checks.memory).toMatchObject({ status: "warn", healthy: false });
      expect(await body(await app.request("/readyz"))).toMatchObject({ status: "warn" });
    });
  });
}

describe("probes with the database gone", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
    await db.close();
  });

  test("/health and /readyz 503 with database failing; /livez 200", async () => {
    const { app } = buildTestApp({ db, env: ROOMY });
    const health = await app.request("/health");
    expect(health.status).toBe(503);
    const report = await body(health);
    expect(report).toMatchObject({ healthy: false, status: "fail" });
    expect(report.checks.database).toMatchObject({ healthy: false, status: "fail", critical: true });
    expect(report.checks.database?.message).not.toBe("unavailable");
    expect(await body(await app.request("/readyz"))).toMatchObject({ status: "fail", reason: "failing: database" });
    expect((await app.request("/livez")).status).toBe(200);
  });

  test("in production, failure messages read 'unavailable' unless the caller has the ops token", async () => {
    const { app } = buildTestApp({ db, env: PRODUCTION });
    const anonymous = await body(await app.request("/health"));
    expect(anonymous.checks.database).toMatchObject({ status: "fail", message: "unavailable" });
    expect(typeof anonymous.checks.database?.latencyMs).toBe("number");
    const ietf = await body(await app.request("/health", { headers: { Accept: "application/health+json" } }));
    expect(JSON.stringify(ietf)).toContain('"output":"unavailable"');

    const wrong = await body(await app.request("/health", { headers: { Authorization: "Bearer not-the-token" } }));
    expect(wrong.checks.database?.message).toBe("unavailable");
    const operator = await body(await app.request("/health", { headers: { Authorization: `Bearer ${OPS_TOKEN}` } }));
    expect(operator.checks.database?.status).toBe("fail");
    expect(operator.checks.database?.message).not.toBe("unavailable");
  });
});

describe("ops app", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(() => db.close());
  const logger = createLogger({ level: "silent", format: "json" });

  test("/livez is open; /health needs the ops token when one is set, and then shows everything", async () => {
    const { config, health, lifecycle } = buildTestApp({ db, env: { ...PRODUCTION, HEALTH_MEMORY_LIMIT_MB: "1" } });
    const ops = createOpsApp({ config, health, lifecycle, logger });
    expect((await ops.request("/livez")).status).toBe(200);
    const denied = await ops.request("/health");
    expect(denied.status).toBe(401);
    expect(denied.headers.get("content-type")).toBe("application/problem+json");
    expect(denied.headers.get("www-authenticate")).toBe("Bearer");
    expect((await ops.request("/health", { headers: { Authorization: "Bearer nope" } })).status).toBe(401);
    const allowed = await ops.request("/health", { headers: { Authorization: `Bearer ${OPS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("cache-control")).toBe("no-store");
    const report = await body(allowed);
    expect(report.checks.memory).toMatchObject({ status: "warn" });
    expect(report.checks.memory?.message).toContain("above the 1 MiB limit");
    expect((await ops.request("/nope", { headers: { Authorization: `Bearer ${OPS_TOKEN}` } })).status).toBe(404);
  });

  test("without OPS_TOKEN the ops server's /health is open (it is never published)", async () => {
    const { config, health, lifecycle } = buildTestApp({ db, env: ROOMY });
    const ops = createOpsApp({ config, health, lifecycle, logger });
    expect((await ops.request("/health")).status).toBe(200);
  });

  test("shares the API's health runner: one run serves both servers", async () => {
    const { app, config, health, lifecycle } = buildTestApp({ db, env: { ...ROOMY, HEALTH_CACHE_TTL_MS: "60000" } });
    const ops = createOpsApp({ config, health, lifecycle, logger });
    const fromApi = await body(await app.request("/health"));
    const fromOps = await body(await ops.request("/health"));
    expect(fromOps.checks).toEqual(fromApi.checks);
  });
});

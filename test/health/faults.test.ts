import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { pgRoundTrips } from "../support/pg-wire";
import { startService } from "../support/process";
import { serviceUrl } from "../support/services";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import {
  call,
  eventually,
  JWT_SECRET,
  OPERATOR,
  OPS_TOKEN,
  percentile,
  targetOf,
  through,
  userHeaders,
} from "./service";

// The real service process against the real Postgres and Redis, each behind a proxy the test
// breaks on purpose. Needs TEST_DATABASE_URL and TEST_REDIS_URL (CI=true fails without them).
const pgUrl = serviceUrl("TEST_DATABASE_URL");
const redisUrl = serviceUrl("TEST_REDIS_URL");

const HEALTH_CHECK_TIMEOUT_MS = 1000;
const DATABASE_TIMEOUT_MS = 1500;
const SLOW = { timeout: 60_000 };

type Report = { healthy: boolean; status: string; checks: Record<string, Record<string, unknown>> };
type Problem = { status: number; title: string; detail: string };

if (pgUrl && redisUrl) {
  describe("health of the running service through network faults", () => {
    let database: TestDatabase;
    let pg: TcpProxy;
    let redis: TcpProxy;
    const roundTrips = pgRoundTrips();

    beforeAll(async () => {
      database = (await createTestDatabase("berth_health")) as TestDatabase;
      pg = await startTcpProxy({ target: targetOf(pgUrl), tap: roundTrips.tap });
      redis = await startTcpProxy({ target: targetOf(redisUrl) });
    });
    afterAll(async () => {
      await pg.close();
      await redis.close();
      await database.drop();
    });

    // Production mode, so failure details are hidden from callers without the ops token.
    const serviceEnv = (extra: Record<string, string> = {}) => ({
      APP_MODE: "production",
      DATABASE_URL: through(database.url, pg.address),
      DATABASE_SSL: "disable",
      DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS),
      REDIS_URL: through(redisUrl, redis.address),
      AUTH_JWT_SECRET: JWT_SECRET,
      OPS_TOKEN,
      HEALTH_CHECK_TIMEOUT_MS: String(HEALTH_CHECK_TIMEOUT_MS),
      HEALTH_CACHE_TTL_MS: "100",
      HEALTH_MEMORY_LIMIT_MB: "4096",
      RATE_LIMIT_PER_MINUTE: "0",
      SHUTDOWN_DELAY_MS: "0",
      ...extra,
    });
    const start = async (extra: Record<string, string> = {}) => {
      await pg.setMode("forward");
      await redis.setMode("forward");
      return startService(serviceEnv(extra), { args: ["--apply-migrations"] });
    };
    // Past the health TTL, so the next /health runs the checkers again.
    const pastTtl = () => Bun.sleep(150);

    test(
      "database refused (proxy closed): /health and /readyz 503, /livez 200, the API 503 at once, then recovery",
      async () => {
        const svc = await start();
        const alice = await userHeaders("alice");
        expect((await call(svc, "/readyz")).res.status).toBe(200);

        await pg.setMode("closed");
        await pastTtl();
        const operator = await call(svc, "/health", { headers: OPERATOR });
        expect(operator.res.status).toBe(503);
        const detailed = operator.body as Report;
        expect(detailed).toMatchObject({ healthy: false, status: "fail" });
        expect(detailed.checks.database).toMatchObject({ status: "fail", critical: true });
        expect(String(detailed.checks.database?.message)).toMatch(/ECONNREFUSED|ECONNRESET/);
        const anonymous = (await call(svc, "/health")).body as Report;
        expect(anonymous.checks.database).toMatchObject({ status: "fail", message: "unavailable" });
        expect(typeof anonymous.checks.database?.latencyMs).toBe("number");
        expect((await call(svc, "/readyz")).res.status).toBe(503);
        expect((await call(svc, "/livez")).res.status).toBe(200);

        for (const request of [
          call(svc, "/v1/notes", { headers: alice }),
          call(svc, "/v1/notes", { method: "POST", headers: alice, body: JSON.stringify({ title: "t" }) }),
        ]) {
          const { res, body, ms } = await request;
          expect(res.status).toBe(503);
          expect(res.headers.get("content-type")).toBe("application/problem+json");
          expect(res.headers.get("retry-after")).toBeTruthy();
          expect((body as Problem).status).toBe(503);
          expect(ms).toBeLessThan(DATABASE_TIMEOUT_MS + 1000);
          console.log(`[report] database refused: API ${res.status} in ${ms.toFixed(0)} ms`);
        }

        await pg.setMode("forward");
        await eventually("/readyz back to 200", async () => (await call(svc, "/readyz")).res.status === 200);
        const created = await call(svc, "/v1/notes", {
          method: "POST",
          headers: alice,
          body: JSON.stringify({ title: "after the outage" }),
        });
        expect(created.res.status).toBe(201);
        const id = (created.body as { id: string }).id;
        expect((await call(svc, `/v1/notes/${id}`, { headers: alice })).res.status).toBe(200);
        expect(svc.proc.exitCode).toBeNull();
      },
      SLOW,
    );

    test(
      "database blackholed: /health answers within the check timeout, the API 503s within its deadline, then recovery",
      async () => {
        const svc = await start();
        const alice = await userHeaders("alice");
        const note = await call(svc, "/v1/notes", { method: "POST", headers: alice, body: '{"title":"kept"}' });
        expect(note.res.status).toBe(201);

        await pg.setMode("blackhole");
        await pastTtl();
        const operator = await call(svc, "/health", { headers: OPERATOR });
        console.log(`[report] database blackholed: /health ${operator.res.status} in ${operator.ms.toFixed(0)} ms`);
        expect(operator.res.status).toBe(503);
        expect(operator.ms).toBeLessThan(HEALTH_CHECK_TIMEOUT_MS + 250);
        expect((operator.body as Report).checks.database).toMatchObject({
          status: "fail",
          message: `timed out after ${HEALTH_CHECK_TIMEOUT_MS} ms`,
        });
        await pastTtl();
        const anonymous = await call(svc, "/health");
        expect(anonymous.ms).toBeLessThan(HEALTH_CHECK_TIMEOUT_MS + 250);
        expect((anonymous.body as Report).checks.database?.message).toBe("unavailable");
        expect((await call(svc, "/livez")).res.status).toBe(200);

        // Many requests at once: none may hang on a dead connection or wait behind one.
        const requests = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2
              ? call(svc, "/v1/notes", { headers: alice })
              : call(svc, "/v1/notes", { method: "POST", headers: alice, body: '{"title":"lost"}' }),
          ),
        );
        const slowest = Math.max(...requests.map((r) => r.ms));
        console.log(
          `[report] database blackholed: 20 API requests, all ${[...new Set(requests.map((r) => r.res.status))]}, slowest ${slowest.toFixed(0)} ms`,
        );
        for (const { res } of requests) {
          expect(res.status).toBe(503);
          expect(res.headers.get("retry-after")).toBeTruthy();
        }
        expect(slowest).toBeLessThan(DATABASE_TIMEOUT_MS + 1000);

        // Connections that lived through the blackhole are out of step; the pool must replace them.
        await pg.setMode("forward");
        await eventually("/readyz back to 200", async () => (await call(svc, "/readyz")).res.status === 200);
        await eventually("the API serves again", async () => {
          const burst = await Promise.all(
            Array.from({ length: 20 }, () => call(svc, `/v1/notes?limit=5`, { headers: alice })),
          );
          return burst.every((r) => r.res.status === 200);
        });
        expect(svc.proc.exitCode).toBeNull();
      },
      SLOW,
    );

    test(
      "Redis unreachable: /health 200 with status warn, notes still created and read",
      async () => {
        const svc = await start();
        const alice = await userHeaders("alice");
        await redis.setMode("closed");
        await pastTtl();
        const health = await call(svc, "/health", { headers: OPERATOR });
        expect(health.res.status).toBe(200);
        const report = health.body as Report;
        expect(report).toMatchObject({ healthy: true, status: "warn" });
        expect(report.checks.cache).toMatchObject({ status: "warn", critical: false });
        expect(report.checks.database).toMatchObject({ status: "pass" });
        expect((await call(svc, "/health")).body).toMatchObject({ checks: { cache: { message: "unavailable" } } });
        expect((await call(svc, "/readyz")).res.status).toBe(200);

        const created = await call(svc, "/v1/notes", { method: "POST", headers: alice, body: '{"title":"no cache"}' });
        expect(created.res.status).toBe(201);
        const id = (created.body as { id: string }).id;
        const read = await call(svc, `/v1/notes/${id}`, { headers: alice });
        expect(read.res.status).toBe(200);
        expect((read.body as { title: string }).title).toBe("no cache");
        expect((await call(svc, "/v1/notes", { headers: alice })).res.status).toBe(200);

        await redis.setMode("forward");
        await eventually(
          "the cache check passes again",
          async () => ((await call(svc, "/health")).body as Report).status === "pass",
        );
      },
      SLOW,
    );

    test(
      "a memory limit below the current RSS: memory warns, the service stays healthy",
      async () => {
        const svc = await start({ HEALTH_MEMORY_LIMIT_MB: "1" });
        const { res, body } = await call(svc, "/health", { headers: OPERATOR });
        expect(res.status).toBe(200);
        const report = body as Report;
        expect(report).toMatchObject({ healthy: true, status: "warn" });
        expect(report.checks.memory).toMatchObject({ status: "warn", observedUnit: "MiB" });
        expect(Number(report.checks.memory?.observedValue)).toBeGreaterThan(1);
        expect(String(report.checks.memory?.message)).toContain("above the 1 MiB limit");
      },
      SLOW,
    );

    test(
      "200 concurrent /health calls make one database round trip per TTL window",
      async () => {
        const svc = await start({ HEALTH_CACHE_TTL_MS: "10000" });
        const burst = () => Promise.all(Array.from({ length: 200 }, () => call(svc, "/health")));
        const before = roundTrips.count;
        const first = await burst();
        expect(first.every((r) => r.res.status === 200)).toBe(true);
        const afterFirst = roundTrips.count;
        const second = await burst();
        expect(second.every((r) => r.res.status === 200)).toBe(true);
        console.log(
          `[report] 2 × 200 concurrent /health within one TTL window: ${roundTrips.count - before} database round trip(s)`,
        );
        expect(afterFirst - before).toBe(1);
        expect(roundTrips.count).toBe(afterFirst);
      },
      SLOW,
    );

    test(
      "sustained /health load: round trips never exceed one per TTL window",
      async () => {
        const ttlMs = 300;
        const svc = await start({ HEALTH_CACHE_TTL_MS: String(ttlMs) });
        const before = roundTrips.count;
        const started = performance.now();
        let calls = 0;
        while (performance.now() - started < 2000) {
          const burst = await Promise.all(Array.from({ length: 200 }, () => call(svc, "/health")));
          calls += burst.length;
          expect(burst.every((r) => r.res.status === 200)).toBe(true);
        }
        const elapsed = performance.now() - started;
        const trips = roundTrips.count - before;
        console.log(
          `[report] ${calls} /health calls over ${elapsed.toFixed(0)} ms (TTL ${ttlMs} ms): ${trips} database round trips`,
        );
        expect(trips).toBeGreaterThanOrEqual(1);
        expect(trips).toBeLessThanOrEqual(Math.floor(elapsed / ttlMs) + 1);
      },
      SLOW,
    );

    test(
      "latency of /health at 100 concurrent callers with real Postgres and Redis",
      async () => {
        const svc = await start({ HEALTH_CACHE_TTL_MS: "1000" });
        const samples: number[] = [];
        const deadline = performance.now() + 3000;
        const caller = async () => {
          while (performance.now() < deadline) {
            const { res, ms } = await call(svc, "/health");
            expect(res.status).toBe(200);
            samples.push(ms);
          }
        };
        await Promise.all(Array.from({ length: 100 }, caller));
        console.log(
          `[report] /health, 100 concurrent callers for 3 s: ${samples.length} calls, p50 ${percentile(samples, 50).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms`,
        );
        expect(samples.length).toBeGreaterThan(100);
      },
      SLOW,
    );
  });
}

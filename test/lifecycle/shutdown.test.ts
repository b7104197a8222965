import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { call, JWT_SECRET, OPS_TOKEN, targetOf, through, userHeaders } from "../health/service";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { pgRoundTrips } from "../support/pg-wire";
import { type RunningService, startService } from "../support/process";
import { serviceUrl } from "../support/services";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

// Graceful shutdown (SPEC §9) of the real service process, with real Postgres behind a proxy
// that slows every request down so that there is something in flight to drain.
const pgUrl = serviceUrl("TEST_DATABASE_URL");
const redisUrl = serviceUrl("TEST_REDIS_URL");

const IN_FLIGHT = 50;
// Each way, so one round trip takes twice this.
const PROXY_DELAY_MS = 1250;
const SHUTDOWN_DELAY_MS = 1000;
const SLOW = { timeout: 60_000 };

/** Resolves true when a new TCP connection to `port` is refused, false when it is accepted. */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

/** The `msg` of every JSON log line the service printed, in order. */
const logMessages = (svc: RunningService) =>
  svc
    .output()
    .split("\n")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg: string; [k: string]: unknown }];
      } catch {
        return [];
      }
    });

if (pgUrl && redisUrl) {
  describe("graceful shutdown of the running service", () => {
    let database: TestDatabase;
    let pg: TcpProxy;
    const roundTrips = pgRoundTrips();

    beforeAll(async () => {
      database = (await createTestDatabase("berth_shutdown")) as TestDatabase;
      pg = await startTcpProxy({ target: targetOf(pgUrl), tap: roundTrips.tap });
    });
    afterAll(async () => {
      await pg.close();
      await database.drop();
    });

    const start = (extra: Record<string, string> = {}) => {
      pg.setDelay(0);
      return startService(
        {
          APP_MODE: "production",
          DATABASE_URL: through(database.url, pg.address),
          DATABASE_SSL: "disable",
          DATABASE_TIMEOUT_MS: "15000",
          // One connection per slow request, so none queues behind another.
          DATABASE_POOL_MAX: String(IN_FLIGHT + 10),
          REDIS_URL: redisUrl,
          AUTH_JWT_SECRET: JWT_SECRET,
          OPS_TOKEN,
          RATE_LIMIT_PER_MINUTE: "0",
          SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
          SHUTDOWN_TIMEOUT_MS: "20000",
          // The first /readyz runs the checks; later probes answer from that run instead of
          // joining the slowed-down requests in flight.
          HEALTH_CACHE_TTL_MS: "60000",
          ...extra,
        },
        { args: ["--apply-migrations"] },
      );
    };

    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      test(
        `${signal} with ${IN_FLIGHT} slow requests in flight: readiness fails at once, every request completes, exit 0`,
        async () => {
          const svc = await start();
          const alice = await userHeaders("alice");
          expect((await call(svc, "/readyz")).res.status).toBe(200);
          const create = (title: string) =>
            call(svc, "/v1/notes", { method: "POST", headers: alice, body: JSON.stringify({ title }) });
          // Warm the pool: one connection per request, each with the insert already prepared.
          const warm = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => create(`warm ${i}`)));
          expect(warm.every((r) => r.res.status === 201)).toBe(true);

          // Every database round trip now takes 2 × PROXY_DELAY_MS.
          pg.setDelay(PROXY_DELAY_MS);
          const sent = roundTrips.count;
          let completed = 0;
          const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
            create(`in flight ${i}`).then(
              (r) => {
                completed++;
                return r.res.status;
              },
              (error: Error) => error.message,
            ),
          );
          // Until the statements sit in the proxy (each ends with a Sync), or a bounded wait.
          const reached = performance.now() + 1500;
          while (roundTrips.count - sent < IN_FLIGHT && performance.now() < reached) await Bun.sleep(10);

          const signalled = performance.now();
          svc.proc.kill(signal);
          await Bun.sleep(100);
          const ready = await call(svc, "/readyz");
          expect(ready.res.status).toBe(503);
          expect(ready.body).toEqual({ status: "fail", reason: "draining" });
          const health = await call(svc, "/health");
          expect(health.res.status).toBe(503);
          expect(health.body).toMatchObject({ healthy: false, draining: true });
          // Liveness holds for the whole delay.
          while (performance.now() - signalled < SHUTDOWN_DELAY_MS - 250) {
            expect((await call(svc, "/livez")).res.status).toBe(200);
            await Bun.sleep(100);
          }
          expect(completed).toBe(0);

          // After the delay the listener is gone while the slow requests are still running.
          const closedBy = performance.now() + 3000;
          while (!(await refused(svc.port)) && performance.now() < closedBy) await Bun.sleep(25);
          expect(await refused(svc.port)).toBe(true);
          expect(await refused(svc.opsPort)).toBe(true);
          const completedWhenClosed = completed;
          expect(completedWhenClosed).toBeLessThan(IN_FLIGHT);

          const statuses = await Promise.all(inFlight);
          const code = await svc.proc.exited;
          const failed = statuses.filter((s) => s !== 201).length;
          const logs = logMessages(svc);
          const stopped = logs.find((l) => l.msg === "shutdown: stopped accepting connections");
          console.log(
            `[report] ${signal} drain: ${stopped?.inFlight} in flight when the listener closed, ` +
              `${statuses.length - failed} completed with 201, ${failed} failed; exit ${code}`,
          );
          expect(statuses).toEqual(Array(IN_FLIGHT).fill(201));
          expect(stopped?.inFlight).toBe(IN_FLIGHT);
          expect(code).toBe(0);

          const sequence = logs.map((l) => l.msg).filter((m) => m.startsWith("shutdown: "));
          const steps = sequence.filter((m) => !["shutdown: signal received"].includes(m));
          // Monitoring's flush, when configured, comes first; the database closes last.
          expect(steps.filter((m) => m !== "shutdown: flush monitoring")).toEqual([
            "shutdown: readiness failing",
            "shutdown: stopped accepting connections",
            "shutdown: drained",
            "shutdown: close cache",
            "shutdown: close database",
            "shutdown: complete",
          ]);
          const flush = steps.indexOf("shutdown: flush monitoring");
          if (flush !== -1) expect(flush).toBe(steps.indexOf("shutdown: drained") + 1);
          expect(logs.find((l) => l.msg === "shutdown: signal received")?.signal).toBe(signal);
        },
        SLOW,
      );
    }

    test(
      "past SHUTDOWN_TIMEOUT_MS the drain is forced: the slow requests are cut and the process still exits 0",
      async () => {
        const svc = await start({ SHUTDOWN_DELAY_MS: "0", SHUTDOWN_TIMEOUT_MS: "300" });
        const alice = await userHeaders("alice");
        expect((await call(svc, "/v1/notes", { headers: alice })).res.status).toBe(200);
        pg.setDelay(PROXY_DELAY_MS);
        const slow = Array.from({ length: 5 }, () =>
          call(svc, "/v1/notes", { headers: alice }).then(
            (r) => r.res.status,
            () => "cut",
          ),
        );
        await Bun.sleep(200);
        svc.proc.kill("SIGTERM");
        expect(await svc.proc.exited).toBe(0);
        expect(await Promise.all(slow)).toEqual(Array(5).fill("cut"));
        const logs = logMessages(svc).map((l) => l.msg);
        expect(logs).toContain("shutdown: drain deadline passed; closing remaining connections");
        expect(logs.indexOf("shutdown: close database")).toBeGreaterThan(
          logs.indexOf("shutdown: drain deadline passed; closing remaining connections"),
        );
      },
      SLOW,
    );

    test(
      "a second signal exits at once, without waiting for the delay or the drain",
      async () => {
        const svc = await start({ SHUTDOWN_DELAY_MS: "20000" });
        svc.proc.kill("SIGTERM");
        await Bun.sleep(200);
        expect((await call(svc, "/readyz")).res.status).toBe(503);
        const second = performance.now();
        svc.proc.kill("SIGINT");
        const code = await svc.proc.exited;
        const ms = performance.now() - second;
        expect(code).toBe(1);
        expect(ms).toBeLessThan(2000);
        expect(svc.output()).toContain("shutdown: second signal; exiting now");
        expect(svc.output()).not.toContain("shutdown: complete");
      },
      SLOW,
    );

    test(
      "an idle service stops at once on SIGTERM when there is no delay",
      async () => {
        const svc = await start({ SHUTDOWN_DELAY_MS: "0" });
        const signalled = performance.now();
        svc.proc.kill("SIGTERM");
        expect(await svc.proc.exited).toBe(0);
        expect(performance.now() - signalled).toBeLessThan(5000);
        expect(svc.output()).toContain("shutdown: close database");
      },
      SLOW,
    );
  });
}

import { afterAll, describe, expect, test } from "bun:test";
import { buildBundle } from "../../src/runtime/bundle";
import { call, JWT_SECRET, OPS_TOKEN, targetOf, through, userHeaders } from "../health/service";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { pgRoundTrips } from "../support/pg-wire";
import { startService } from "../support/process";
import { serviceUrl } from "../support/services";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * SPEC §9 under Node: the real `node` process running the Node bundle, real Postgres behind a
 * proxy that slows every round trip so requests are in flight when SIGTERM arrives. The Bun
 * adapter's own cases are in test/lifecycle; both run the one shutdown sequence.
 */
const pgUrl = serviceUrl("TEST_DATABASE_URL");

const IN_FLIGHT = 20;
// Each way, so a round trip takes twice this.
const PROXY_DELAY_MS = 1000;
const SHUTDOWN_DELAY_MS = 800;
const SLOW = { timeout: 60_000 };
const NODE = Bun.which("node") ?? "node";

/** The `msg` of each shutdown line the service logged, in order. */
const shutdownLines = (output: string) =>
  output
    .split("\n")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg: string; inFlight?: number }];
      } catch {
        return [];
      }
    })
    .filter((line) => line.msg.startsWith("shutdown: "));

if (pgUrl) {
  describe("Node: graceful shutdown", async () => {
    const { file } = await buildBundle("node");
    const database = (await createTestDatabase("berth_node_drain")) as TestDatabase;
    const roundTrips = pgRoundTrips();
    const pg = await startTcpProxy({ target: targetOf(pgUrl), tap: roundTrips.tap });
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
          DATABASE_POOL_MAX: String(IN_FLIGHT + 5),
          AUTH_JWT_SECRET: JWT_SECRET,
          OPS_TOKEN,
          RATE_LIMIT_PER_MINUTE: "0",
          SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
          SHUTDOWN_TIMEOUT_MS: "20000",
          HEALTH_CACHE_TTL_MS: "60000",
          ...extra,
        },
        { command: [NODE, file], args: ["--apply-migrations"] },
      );
    };

    test(
      `SIGTERM with ${IN_FLIGHT} slow requests in flight: readiness fails at once, every request completes, exit 0`,
      async () => {
        const svc = await start();
        const alice = await userHeaders("alice");
        expect((await call(svc, "/readyz")).res.status).toBe(200);
        const create = (title: string) =>
          call(svc, "/v1/notes", { method: "POST", headers: alice, body: JSON.stringify({ title }) });
        // One pooled connection per request, each with the insert already prepared.
        const warm = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => create(`warm ${i}`)));
        expect(warm.map((r) => r.res.status)).toEqual(Array(IN_FLIGHT).fill(201));

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
        const reached = performance.now() + 1500;
        while (roundTrips.count - sent < IN_FLIGHT && performance.now() < reached) await Bun.sleep(10);

        svc.proc.kill("SIGTERM");
        await Bun.sleep(100);
        const ready = await call(svc, "/readyz");
        expect(ready.res.status).toBe(503);
        expect(ready.body).toEqual({ status: "fail", reason: "draining" });
        expect((await call(svc, "/livez")).res.status).toBe(200);
        expect(completed).toBe(0);

        const statuses = await Promise.all(inFlight);
        const code = await svc.proc.exited;
        const lines = shutdownLines(svc.output());
        console.log(
          `[report] node SIGTERM drain: ${lines.find((l) => l.msg === "shutdown: stopped accepting connections")?.inFlight} in flight when the listener closed, ` +
            `${statuses.filter((s) => s === 201).length}/${IN_FLIGHT} completed with 201; exit ${code}`,
        );
        expect(statuses).toEqual(Array(IN_FLIGHT).fill(201));
        expect(code).toBe(0);
        expect(lines.find((l) => l.msg === "shutdown: stopped accepting connections")?.inFlight).toBe(IN_FLIGHT);
        expect(lines.map((l) => l.msg)).toEqual([
          "shutdown: signal received",
          "shutdown: readiness failing",
          "shutdown: stopped accepting connections",
          "shutdown: drained",
          "shutdown: close cache",
          "shutdown: close database",
          "shutdown: complete",
        ]);
      },
      SLOW,
    );

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
        expect(shutdownLines(svc.output()).map((l) => l.msg)).toContain(
          "shutdown: drain deadline passed; closing remaining connections",
        );
      },
      SLOW,
    );

    test(
      "a second signal exits 1 at once, without waiting for the delay",
      async () => {
        const svc = await start({ SHUTDOWN_DELAY_MS: "20000" });
        svc.proc.kill("SIGTERM");
        await Bun.sleep(200);
        expect((await call(svc, "/readyz")).res.status).toBe(503);
        svc.proc.kill("SIGINT");
        expect(await svc.proc.exited).toBe(1);
        expect(svc.output()).toContain("shutdown: second signal; exiting now");
      },
      SLOW,
    );
  });
}

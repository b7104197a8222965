import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import {
  type DrainRig,
  drainUnderLoad,
  expectForcedDrain,
  expectSecondSignalExits,
  SHUTDOWN_STEPS,
  startDrainRig,
} from "../fixtures/drain";
import { call } from "../health/service";
import { serviceUrl } from "../support/services";

// Graceful shutdown of the real service process, with real Postgres behind a proxy
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

if (pgUrl && redisUrl) {
  describe("graceful shutdown of the running service", () => {
    let rig: DrainRig;

    beforeAll(async () => {
      rig = await startDrainRig({
        name: "berth_shutdown",
        pgUrl,
        shutdownDelayMs: SHUTDOWN_DELAY_MS,
        // One connection per slow request, so none queues behind another.
        env: { DATABASE_POOL_MAX: String(IN_FLIGHT + 10), REDIS_URL: redisUrl },
      });
    });
    afterAll(async () => {
      await rig.close();
    });

    test.each(["SIGTERM", "SIGINT"] as const)(
      `%s with ${IN_FLIGHT} slow requests in flight: readiness fails at once, every request completes, exit 0`,
      async (signal) => {
        const svc = await rig.start();
        const drain = await drainUnderLoad(svc, rig, { signal, inFlight: IN_FLIGHT, delayMs: PROXY_DELAY_MS });
        const health = await call(svc, "/health");
        expect(health.res.status).toBe(503);
        expect(health.body).toMatchObject({ healthy: false, draining: true });
        // Liveness holds for the whole delay.
        while (performance.now() - drain.signalledAt < SHUTDOWN_DELAY_MS - 250) {
          expect((await call(svc, "/livez")).res.status).toBe(200);
          await Bun.sleep(100);
        }
        expect(drain.completed()).toBe(0);

        // After the delay the listener is gone while the slow requests are still running.
        const closedBy = performance.now() + 3000;
        while (!(await refused(svc.port)) && performance.now() < closedBy) await Bun.sleep(25);
        expect(await refused(svc.port)).toBe(true);
        expect(await refused(svc.opsPort)).toBe(true);
        const completedWhenClosed = drain.completed();
        expect(completedWhenClosed).toBeLessThan(IN_FLIGHT);

        const { statuses, code, logs } = await drain.finish();
        const failed = statuses.filter((s) => s !== 201).length;
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
        expect(steps.filter((m) => m !== "shutdown: flush monitoring")).toEqual(SHUTDOWN_STEPS);
        const flush = steps.indexOf("shutdown: flush monitoring");
        if (flush !== -1) expect(flush).toBe(steps.indexOf("shutdown: drained") + 1);
        expect(logs.find((l) => l.msg === "shutdown: signal received")?.signal).toBe(signal);
      },
      SLOW,
    );

    test(
      "past SHUTDOWN_TIMEOUT_MS the drain is forced: the slow requests are cut and the process still exits 0",
      async () => {
        const logs = await expectForcedDrain(rig, PROXY_DELAY_MS);
        // The database closes only after the remaining connections were cut.
        expect(logs.indexOf("shutdown: close database")).toBeGreaterThan(
          logs.indexOf("shutdown: drain deadline passed; closing remaining connections"),
        );
      },
      SLOW,
    );

    test(
      "a second signal exits at once, without waiting for the delay or the drain",
      async () => {
        const { svc, ms } = await expectSecondSignalExits(rig);
        expect(ms).toBeLessThan(2000);
        expect(svc.output()).not.toContain("shutdown: complete");
      },
      SLOW,
    );

    test(
      "an idle service stops at once on SIGTERM when there is no delay",
      async () => {
        const svc = await rig.start({ SHUTDOWN_DELAY_MS: "0" });
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

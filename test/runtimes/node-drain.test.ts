import { afterAll, describe, expect, test } from "bun:test";
import { buildBundle } from "../../scripts/build";
import {
  drainUnderLoad,
  expectForcedDrain,
  expectSecondSignalExits,
  SHUTDOWN_STEPS,
  startDrainRig,
} from "../fixtures/drain";
import { call } from "../health/service";
import { serviceUrl } from "../support/services";

/**
 * Graceful shutdown under Node: the real `node` process running the Node bundle, real Postgres behind a
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

if (pgUrl) {
  describe("Node: graceful shutdown", async () => {
    const { file } = await buildBundle("node");
    const rig = await startDrainRig({
      name: "berth_node_drain",
      pgUrl,
      shutdownDelayMs: SHUTDOWN_DELAY_MS,
      env: { DATABASE_POOL_MAX: String(IN_FLIGHT + 5) },
      command: [NODE, file],
    });
    afterAll(async () => {
      await rig.close();
    });

    test(
      `SIGTERM with ${IN_FLIGHT} slow requests in flight: readiness fails at once, every request completes, exit 0`,
      async () => {
        const svc = await rig.start();
        const drain = await drainUnderLoad(svc, rig, {
          signal: "SIGTERM",
          inFlight: IN_FLIGHT,
          delayMs: PROXY_DELAY_MS,
        });
        expect((await call(svc, "/livez")).res.status).toBe(200);
        expect(drain.completed()).toBe(0);

        const { statuses, code, logs } = await drain.finish();
        const lines = logs.filter((line) => line.msg.startsWith("shutdown: "));
        console.log(
          `[report] node SIGTERM drain: ${lines.find((l) => l.msg === "shutdown: stopped accepting connections")?.inFlight} in flight when the listener closed, ` +
            `${statuses.filter((s) => s === 201).length}/${IN_FLIGHT} completed with 201; exit ${code}`,
        );
        expect(statuses).toEqual(Array(IN_FLIGHT).fill(201));
        expect(code).toBe(0);
        expect(lines.find((l) => l.msg === "shutdown: stopped accepting connections")?.inFlight).toBe(IN_FLIGHT);
        expect(lines.map((l) => l.msg)).toEqual(["shutdown: signal received", ...SHUTDOWN_STEPS]);
      },
      SLOW,
    );

    test(
      "past SHUTDOWN_TIMEOUT_MS the drain is forced: the slow requests are cut and the process still exits 0",
      async () => {
        await expectForcedDrain(rig, PROXY_DELAY_MS);
      },
      SLOW,
    );

    test(
      "a second signal exits 1 at once, without waiting for the delay",
      async () => {
        await expectSecondSignalExits(rig);
      },
      SLOW,
    );
  });
}

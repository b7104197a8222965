import { afterAll, describe, expect, test } from "bun:test";
import { buildBundle } from "../../scripts/build";
import { runWorker } from "../../scripts/workerd";
import { tempDir } from "../support/db";
import { pgRoundTrips } from "../support/pg-wire";
import { serviceUrl } from "../support/services";
import { startTcpProxy } from "../support/tcp-proxy";

const pgUrl = serviceUrl("TEST_DATABASE_URL");

// A Worker opens its database per request, but the app and its health runner live as long as the
// isolate, so the health cache serves every request within its TTL.
if (pgUrl) {
  describe("workerd: the app is built once per isolate", async () => {
    const { file } = await buildBundle("worker", { outdir: tempDir("berth-worker-") });
    const target = new URL(pgUrl);
    const roundTrips = pgRoundTrips();
    const proxy = await startTcpProxy({
      target: { host: target.hostname, port: Number(target.port || 5432) },
      tap: roundTrips.tap,
    });
    const databaseUrl = Object.assign(new URL(pgUrl), { host: proxy.address }).toString();
    const worker = await runWorker({
      scriptPath: file,
      // Long enough that both calls fall inside it however slow the machine is.
      bindings: { APP_MODE: "test", DATABASE_URL: databaseUrl, HEALTH_CACHE_TTL_MS: "600000" },
    });
    afterAll(async () => {
      await worker.stop();
      await proxy.close();
    });

    test("two /health calls within the TTL reach the database once: the second is served from the cache", async () => {
      const first = await fetch(`${worker.url}/health`);
      expect(first.status).toBe(200);
      // The check's `SELECT 1` alone: the connection it opened for it lists no types first.
      const afterFirst = roundTrips.count;
      expect(afterFirst).toBe(1);
      const second = await fetch(`${worker.url}/health`);
      expect(second.status).toBe(200);
      expect(roundTrips.count).toBe(afterFirst);
    });
  });
}

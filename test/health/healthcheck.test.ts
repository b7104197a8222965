import { describe, expect, test } from "bun:test";
import { healthcheckTarget } from "../../src/cli/healthcheck";
import { freePort } from "../support/ports";
import { runCliProcess, startService } from "../support/process";

// The `healthcheck` command as the Docker HEALTHCHECK and the deploy verification run it: a real
// process against a real service (embedded PGlite, so no external service is needed).
const SLOW = { timeout: 60_000 };
const embedded = (extra: Record<string, string> = {}) => ({
  APP_MODE: "test",
  PGLITE_DIR: "memory://",
  HEALTH_MEMORY_LIMIT_MB: "65536",
  ...extra,
});

describe("healthcheck command", () => {
  test("the target is URL + path, defaulting to $PORT and /livez (or /health with --expect-healthy)", () => {
    expect(healthcheckTarget({ PORT: "9000" }, { expectHealthy: false })).toBe("http://127.0.0.1:9000/livez");
    expect(healthcheckTarget({}, { expectHealthy: true })).toBe("http://127.0.0.1:8080/health");
    expect(healthcheckTarget({}, { url: "https://berth.fly.dev/", path: "/readyz", expectHealthy: true })).toBe(
      "https://berth.fly.dev/readyz",
    );
    expect(healthcheckTarget({}, { url: "https://example.com/berth", expectHealthy: false })).toBe(
      "https://example.com/berth/livez",
    );
  });

  test(
    "exit 0 against a live service: /livez by $PORT, --path, --url and --expect-healthy",
    async () => {
      const svc = await startService(embedded());
      const byPort = await runCliProcess(["healthcheck"], { PORT: String(svc.port) });
      expect(byPort.code).toBe(0);
      expect(byPort.stdout).toContain(`healthy: ${svc.url}/livez`);
      expect((await runCliProcess(["healthcheck", "--url", svc.url, "--path", "/readyz"])).code).toBe(0);
      const healthy = await runCliProcess(["healthcheck", "--url", svc.url, "--expect-healthy"]);
      expect(healthy.code).toBe(0);
      expect(healthy.stdout).toContain(`${svc.url}/health`);
      await svc.stop();
    },
    SLOW,
  );

  test(
    "exit 1 when nothing listens, after --retries more attempts --interval apart",
    async () => {
      const port = await freePort();
      const started = performance.now();
      const result = await runCliProcess([
        "healthcheck",
        "--url",
        `http://127.0.0.1:${port}`,
        "--retries",
        "2",
        "--interval",
        "0.3",
      ]);
      const elapsed = performance.now() - started;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("attempt 1/3");
      expect(result.stderr).toContain("attempt 3/3");
      expect(result.stdout).toBe("");
      expect(elapsed).toBeGreaterThanOrEqual(600);
    },
    SLOW,
  );

  test(
    "retries until the service comes up",
    async () => {
      const port = await freePort();
      const waiting = runCliProcess(["healthcheck", "--retries", "120", "--interval", "0.25"], { PORT: String(port) });
      await Bun.sleep(500);
      const svc = await startService(embedded({ PORT: String(port) }));
      const result = await waiting;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("attempt 1/121");
      await svc.stop();
    },
    SLOW,
  );

  test(
    "--expect-healthy: 1 while the service is draining (/livez still passes), 0 with only a warning",
    async () => {
      const warned = await startService(embedded({ HEALTH_MEMORY_LIMIT_MB: "1" }));
      expect((await runCliProcess(["healthcheck", "--url", warned.url, "--expect-healthy"])).code).toBe(0);
      await warned.stop();

      const draining = await startService(embedded({ SHUTDOWN_DELAY_MS: "20000" }));
      draining.proc.kill("SIGTERM");
      await Bun.sleep(200);
      expect((await runCliProcess(["healthcheck", "--url", draining.url])).code).toBe(0);
      const unhealthy = await runCliProcess(["healthcheck", "--url", draining.url, "--expect-healthy"]);
      expect(unhealthy.code).toBe(1);
      expect(unhealthy.stderr).toContain("answered 503");
      const ready = await runCliProcess(["healthcheck", "--url", draining.url, "--path", "/readyz"]);
      expect(ready.code).toBe(1);
      draining.proc.kill("SIGKILL");
      await draining.proc.exited;
    },
    SLOW,
  );
});

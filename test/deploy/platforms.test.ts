import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommand } from "../../src/cli/args";
import { loadConfig } from "../../src/config";
import { ROOT } from "../support/process";
import { flyConfig, flyDurationMs, railwayConfig, releaseCommand } from "./platforms";

const defaults = loadConfig({});
const production = loadConfig({
  APP_MODE: "production",
  DATABASE_URL: "postgres://berth@db.internal:5432/berth",
  AUTH_JWT_SECRET: "x".repeat(32),
});
const drainMs = production.shutdown.delayMs + production.shutdown.timeoutMs;
const fly = flyConfig();
const railway = railwayConfig();

describe("fly.toml", () => {
  test("serves the API port the service listens on, over HTTPS, on IPv6 too", () => {
    expect(fly.http_service?.internal_port).toBe(defaults.port);
    expect(fly.http_service?.force_https).toBe(true);
    expect(fly.env?.HOST).toBe("::");
    expect(fly.env?.PORT ?? String(defaults.port)).toBe(String(defaults.port));
    expect(fly.build?.dockerfile).toBe("Dockerfile");
  });

  test("keeps at least two machines running and balances them by requests (soft 200, hard 250)", () => {
    expect(fly.http_service?.min_machines_running).toBeGreaterThanOrEqual(2);
    expect(fly.http_service?.concurrency).toEqual({ type: "requests", soft_limit: 200, hard_limit: 250 });
  });

  test("routes by /readyz, with a check timeout longer than a health checker's", () => {
    const checks = fly.http_service?.checks ?? [];
    expect(checks.map((c) => c.path)).toEqual(["/readyz"]);
    for (const check of checks) {
      expect(check.method ?? "GET").toBe("GET");
      expect(flyDurationMs(check.timeout)).toBeGreaterThan(defaults.health.checkTimeoutMs);
    }
  });

  test("migrates in the release step, the command the image test runs", () => {
    expect(fly.deploy?.release_command).toBe("bunx drizzle-kit migrate");
    expect(releaseCommand()).toBe("bunx drizzle-kit migrate");
  });

  test("stops with SIGTERM and waits long enough for the delay and the drain", () => {
    expect(fly.kill_signal).toBe("SIGTERM");
    expect(flyDurationMs(fly.kill_timeout)).toBeGreaterThan(drainMs);
  });

  test("scrapes metrics on the ops port, which no service publishes", () => {
    expect(fly.metrics).toEqual({ port: defaults.opsPort, path: "/metrics" });
    expect(fly.env?.OPS_PORT ?? String(defaults.opsPort)).toBe(String(defaults.opsPort));
    const published = [fly.http_service, ...(fly.services ?? [])].flatMap((s) => (s ? [s.internal_port] : []));
    expect(published).not.toContain(defaults.opsPort);
  });

  test("runs on 1 GB shared machines with 2 CPUs", () => {
    expect(fly.vm).toEqual([{ memory: "1gb", cpu_kind: "shared", cpus: 2 }]);
  });
});

describe("railway.toml", () => {
  test("builds the Dockerfile", () => {
    expect(railway.build).toEqual({ builder: "DOCKERFILE", dockerfilePath: "Dockerfile" });
  });

  test("migrates before deploying with the same command as Fly's release step", () => {
    expect([railway.deploy?.preDeployCommand].flat()).toEqual([fly.deploy?.release_command]);
  });

  test("starts the image's entry (its CMD's) with migrations applied, its mode from APP_MODE", () => {
    const cmdLine = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1] ?? "[]";
    const cmd = JSON.parse(cmdLine) as string[];
    const [bun, entry, ...args] = railway.deploy?.startCommand?.split(/\s+/) ?? [];
    expect([bun, entry]).toEqual(cmd.slice(0, cmd.indexOf("serve")));
    expect(parseCommand(args)).toEqual({ name: "serve", mode: undefined, applyMigrations: true, role: "monolith" });
  });

  test("gates each deployment on /readyz, restarts on failure, runs two replicas, drains before killing", () => {
    const deploy = railway.deploy ?? {};
    expect(deploy.healthcheckPath).toBe("/readyz");
    expect(deploy.healthcheckTimeout).toBeGreaterThanOrEqual(60);
    expect(deploy.restartPolicyType).toBe("ON_FAILURE");
    expect(deploy.restartPolicyMaxRetries).toBeGreaterThan(0);
    expect(deploy.numReplicas).toBeGreaterThanOrEqual(2);
    expect((deploy.drainingSeconds ?? 0) * 1000).toBeGreaterThan(drainMs);
  });
});

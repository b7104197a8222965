import { describe, expect, test } from "bun:test";
import { loadConfig } from "../config";
import { healthJsonBody, wantsHealthJson } from "./ietf";
import { assessHealth, HIDDEN, healthBody } from "./report";
import type { HealthRun } from "./runner";
import type { CheckOutcome } from "./types";

const config = loadConfig({ APP_MODE: "test", GIT_SHA: "3f2c1ab9d0e1" }, { version: "1.2.3" });
const time = "2026-11-27T16:00:00.000Z";

const outcome = (o: Partial<CheckOutcome> & Pick<CheckOutcome, "name" | "status">): CheckOutcome => ({
  critical: false,
  component: { type: "datastore", measurement: "responseTime" },
  time,
  ...o,
});

const run = (...outcomes: CheckOutcome[]): HealthRun => ({ outcomes, finishedAt: performance.now() });

const database = (status: CheckOutcome["status"], message: string) =>
  outcome({ name: "database", critical: true, status, latencyMs: 2, message });
const memory = outcome({
  name: "memory",
  status: "pass",
  observedValue: 84.1,
  observedUnit: "MiB",
  message: "84.1 MiB",
  component: { type: "system", measurement: "utilization" },
});

const assess = (r: HealthRun, { phase = "serving", detailed = true } = {}) =>
  assessHealth(r, { config, phase: phase as "serving", detailed, bootedAt: Date.now() - 5_000 });

describe("health report", () => {
  test("all passing: healthy, pass, with the service's identity", () => {
    const report = assess(run(database("pass", "Connected"), memory));
    expect(report).toMatchObject({ healthy: true, status: "pass" });
    const body = healthBody(report);
    expect(body).toMatchObject({
      healthy: true,
      status: "pass",
      version: "1.2.3",
      releaseId: "3f2c1ab9d0e1",
      environment: "test",
      checks: {
        database: { healthy: true, status: "pass", critical: true, latencyMs: 2, message: "Connected" },
        memory: { healthy: true, status: "pass", critical: false, observedValue: 84.1, observedUnit: "MiB" },
      },
    });
    expect(body.uptime).toBeGreaterThanOrEqual(4);
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
  });

  test("a warning anywhere keeps the service healthy with status warn", () => {
    const report = assess(run(database("pass", "Connected"), outcome({ name: "cache", status: "warn", message: "x" })));
    expect(report).toMatchObject({ healthy: true, status: "warn" });
    expect(healthBody(report).checks.cache).toMatchObject({ healthy: false, status: "warn" });
  });

  test("a failing critical check makes it unhealthy", () => {
    expect(assess(run(database("fail", "connect ECONNREFUSED"), memory))).toMatchObject({
      healthy: false,
      status: "fail",
    });
  });

  test("draining or starting is unhealthy even when every check passes, and says so", () => {
    for (const phase of ["draining", "starting"]) {
      const report = assess(run(database("pass", "Connected")), { phase });
      expect(report).toMatchObject({ healthy: false, status: "fail" });
      expect(healthBody(report)).toMatchObject({ [phase]: true });
      expect(healthJsonBody(report).notes?.[0]).toStartWith(phase);
    }
  });

  test("without details, every message of a check that did not pass reads 'unavailable'; statuses and latencies stay", () => {
    const report = assess(
      run(
        database("fail", "connect ECONNREFUSED 10.0.0.7:5432"),
        outcome({ name: "cache", status: "warn", latencyMs: 250, message: "redis: timed out" }),
        memory,
      ),
      { detailed: false },
    );
    const { checks } = healthBody(report);
    expect(checks.database).toMatchObject({ status: "fail", latencyMs: 2, message: HIDDEN });
    expect(checks.cache).toMatchObject({ status: "warn", latencyMs: 250, message: HIDDEN });
    expect(checks.memory?.message).toBe("84.1 MiB");
    const ietf = healthJsonBody(report);
    expect(ietf.checks["database:responseTime"]?.[0]?.output).toBe(HIDDEN);
    expect(JSON.stringify(ietf)).not.toContain("10.0.0.7");
  });

  test("IETF format: checks keyed component:measurement holding arrays, output only when not passing", () => {
    const report = assess(run(database("fail", "timed out after 2000 ms"), memory));
    const body = healthJsonBody(report);
    expect(body).toMatchObject({ status: "fail", version: "1.2.3", releaseId: "3f2c1ab9d0e1" });
    expect(body.checks).toEqual({
      "database:responseTime": [
        {
          componentId: "database",
          componentType: "datastore",
          observedValue: 2,
          observedUnit: "ms",
          status: "fail",
          time,
          output: "timed out after 2000 ms",
        },
      ],
      "memory:utilization": [
        {
          componentId: "memory",
          componentType: "system",
          observedValue: 84.1,
          observedUnit: "MiB",
          status: "pass",
          time,
        },
      ],
    });
  });

  test("the IETF format is chosen by Accept", () => {
    expect(wantsHealthJson("application/health+json")).toBe(true);
    expect(wantsHealthJson("application/json;q=0.5, Application/Health+JSON")).toBe(true);
    expect(wantsHealthJson("application/json")).toBe(false);
    expect(wantsHealthJson(undefined)).toBe(false);
  });
});

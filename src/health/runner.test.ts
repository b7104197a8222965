import { describe, expect, test } from "bun:test";
import { createHealthRunner } from "./runner";
import type { Checker, CheckResult } from "./types";

const checker = (
  name: string,
  check: (signal: AbortSignal) => Promise<CheckResult>,
  { critical = false, timeoutMs }: { critical?: boolean; timeoutMs?: number } = {},
): Checker => ({ name, critical, timeoutMs, component: { type: "test", measurement: "responseTime" }, check });

const pass = async (): Promise<CheckResult> => ({ status: "pass", message: "ok" });

describe("health runner", () => {
  test("runs checkers in parallel: each one starts before any other finishes", async () => {
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waiting = (name: string) =>
      checker(name, async () => {
        started.push(name);
        if (started.length === 3) release();
        await gate;
        return { status: "pass" };
      });
    const runner = createHealthRunner({
      checkers: [waiting("a"), waiting("b"), waiting("c")],
      timeoutMs: 5000,
      ttlMs: 0,
    });
    const { outcomes } = await runner.run();
    expect(outcomes.map((o) => [o.name, o.status])).toEqual([
      ["a", "pass"],
      ["b", "pass"],
      ["c", "pass"],
    ]);
  });

  test("an overrunning checker fails with 'timed out after N ms', is aborted, and does not hold the run", async () => {
    let aborted: unknown;
    const hung = checker(
      "hung",
      (signal) =>
        new Promise<CheckResult>(() => {
          signal.addEventListener("abort", () => {
            aborted = signal.reason;
          });
        }),
      { critical: true },
    );
    const runner = createHealthRunner({ checkers: [hung, checker("fast", pass)], timeoutMs: 50, ttlMs: 0 });
    const started = performance.now();
    const { outcomes } = await runner.run();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(50 + 1000);
    const [slow, fast] = outcomes;
    expect(slow).toMatchObject({ name: "hung", status: "fail", critical: true, message: "timed out after 50 ms" });
    expect(slow?.latencyMs).toBeGreaterThanOrEqual(45);
    expect(aborted).toBeInstanceOf(Error);
    expect(fast).toMatchObject({ name: "fast", status: "pass" });
  });

  test("a checker's own timeout overrides the default", async () => {
    const never = () => new Promise<CheckResult>(() => {});
    const runner = createHealthRunner({
      checkers: [checker("own", never, { timeoutMs: 20 })],
      timeoutMs: 60_000,
      ttlMs: 0,
    });
    const [outcome] = (await runner.run()).outcomes;
    expect(outcome?.message).toBe("timed out after 20 ms");
  });

  test("a failing critical checker fails; a failing non-critical one only warns", async () => {
    const boom = async (): Promise<CheckResult> => {
      throw new Error("connection refused");
    };
    const runner = createHealthRunner({
      checkers: [
        checker("critical", boom, { critical: true }),
        checker("optional", boom),
        checker("reportsFail", async () => ({ status: "fail", message: "said so" })),
        checker("sync", () => {
          throw new Error("thrown before any promise");
        }),
      ],
      timeoutMs: 1000,
      ttlMs: 0,
    });
    const { outcomes } = await runner.run();
    expect(outcomes.map((o) => [o.name, o.status, o.message])).toEqual([
      ["critical", "fail", "connection refused"],
      ["optional", "warn", "connection refused"],
      ["reportsFail", "warn", "said so"],
      ["sync", "warn", "thrown before any promise"],
    ]);
  });

  test("results are reused within the TTL and refreshed after it", async () => {
    let calls = 0;
    const counted = checker("counted", async () => {
      calls++;
      return { status: "pass" };
    });
    const runner = createHealthRunner({ checkers: [counted], timeoutMs: 1000, ttlMs: 80 });
    const first = await runner.run();
    const second = await runner.run();
    expect(calls).toBe(1);
    expect(second).toBe(first);
    await Bun.sleep(120);
    await runner.run();
    expect(calls).toBe(2);
  });

  test("concurrent callers share one in-flight run, even with no TTL", async () => {
    let calls = 0;
    const slow = checker("slow", async () => {
      calls++;
      await Bun.sleep(30);
      return { status: "pass" };
    });
    const runner = createHealthRunner({ checkers: [slow], timeoutMs: 1000, ttlMs: 0 });
    const runs = await Promise.all(Array.from({ length: 200 }, () => runner.run()));
    expect(calls).toBe(1);
    expect(new Set(runs).size).toBe(1);
    await runner.run();
    expect(calls).toBe(2);
  });

  test("a failed run is cached like a passing one, so an outage does not multiply load either", async () => {
    let calls = 0;
    const down = checker(
      "down",
      async () => {
        calls++;
        throw new Error("down");
      },
      { critical: true },
    );
    const runner = createHealthRunner({ checkers: [down], timeoutMs: 1000, ttlMs: 10_000 });
    await Promise.all(Array.from({ length: 20 }, () => runner.run()));
    await runner.run();
    expect(calls).toBe(1);
  });
});

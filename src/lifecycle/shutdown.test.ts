import { describe, expect, test } from "bun:test";
import { createLogger } from "../logger";
import { gracefulShutdown, type Listener } from "./shutdown";
import { createLifecycle } from "./state";

/** A listener whose in-flight work finishes when the test says so. */
const listener = (name: string, inFlight: number, events: string[]) => {
  let finish: () => void = () => {};
  const drained = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const l: Listener = {
    name,
    inFlight: () => inFlight,
    stop: async (force) => {
      events.push(`${name}: stop${force ? " (force)" : ""}`);
      if (!force) await drained;
    },
  };
  return { listener: l, finish };
};

const quietLogger = (lines: string[] = []) =>
  createLogger({ level: "debug", format: "json", write: (line) => lines.push(JSON.parse(line).msg) });

describe("graceful shutdown", () => {
  test("readiness fails at once, listeners stop after the delay, then the steps run in order", async () => {
    const events: string[] = [];
    const lifecycle = createLifecycle({ started: true });
    lifecycle.onShutdown("flush monitoring", () => void events.push("flush monitoring"));
    lifecycle.onShutdown("close cache", async () => void events.push("close cache"));
    lifecycle.onShutdown("close database", async () => void events.push("close database"));
    const api = listener("api", 3, events);
    const lines: string[] = [];
    const done = gracefulShutdown({
      lifecycle,
      listeners: [api.listener],
      delayMs: 60,
      timeoutMs: 5000,
      logger: quietLogger(lines),
    });
    expect(lifecycle.draining).toBe(true);
    expect(events).toEqual([]);
    await Bun.sleep(100);
    expect(events).toEqual(["api: stop"]);
    api.finish();
    expect(await done).toEqual({ inFlight: 3, forced: false, failedSteps: [] });
    expect(events).toEqual(["api: stop", "flush monitoring", "close cache", "close database"]);
    expect(lines).toEqual([
      "shutdown: readiness failing",
      "shutdown: stopped accepting connections",
      "shutdown: drained",
      "shutdown: flush monitoring",
      "shutdown: close cache",
      "shutdown: close database",
      "shutdown: complete",
    ]);
  });

  test("past the drain deadline the listeners are forced, and the steps still run", async () => {
    const events: string[] = [];
    const lifecycle = createLifecycle({ started: true });
    lifecycle.onShutdown("close database", () => void events.push("close database"));
    const stuck = listener("api", 1, events);
    const result = await gracefulShutdown({
      lifecycle,
      listeners: [stuck.listener],
      delayMs: 0,
      timeoutMs: 50,
      logger: quietLogger(),
    });
    expect(result).toEqual({ inFlight: 1, forced: true, failedSteps: [] });
    expect(events).toEqual(["api: stop", "api: stop (force)", "close database"]);
  });

  test("a step that throws or hangs is logged and skipped; the later steps still run", async () => {
    const events: string[] = [];
    const lifecycle = createLifecycle({ started: true });
    lifecycle.onShutdown("flush monitoring", () => new Promise<void>(() => {}));
    lifecycle.onShutdown("close cache", () => {
      throw new Error("already closed");
    });
    lifecycle.onShutdown("close database", () => void events.push("close database"));
    const lines: string[] = [];
    const result = await gracefulShutdown({
      lifecycle,
      listeners: [],
      delayMs: 0,
      timeoutMs: 1000,
      stepTimeoutMs: 30,
      logger: quietLogger(lines),
    });
    expect(result.failedSteps).toEqual(["flush monitoring", "close cache"]);
    expect(events).toEqual(["close database"]);
    expect(lines).toContain("shutdown: close cache failed");
  });
});

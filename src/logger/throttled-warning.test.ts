import { describe, expect, test } from "bun:test";
import { createLogger } from "./logger";
import { throttledWarning } from "./throttled-warning";

const setup = () => {
  const lines: string[] = [];
  let now = 1_000_000;
  const logger = createLogger({ level: "info", format: "json", write: (line) => lines.push(line) });
  const warn = throttledWarning(logger, { everyMs: 10_000, now: () => now });
  return { lines, warn, advance: (ms: number) => (now += ms), parsed: () => lines.map((l) => JSON.parse(l)) };
};

describe("throttledWarning", () => {
  test("one line per message per interval; the next counts the ones held back", () => {
    const { warn, advance, parsed } = setup();
    const outage = new Error("redis unreachable");
    for (let i = 0; i < 5; i++) warn("cache unavailable; bypassing", outage, { op: "get" });
    advance(9_999);
    warn("cache unavailable; bypassing", outage, { op: "set" });
    advance(1);
    warn("cache unavailable; bypassing", outage, { op: "delete" });
    advance(10_000);
    warn("cache unavailable; bypassing", outage, { op: "get" });
    expect(parsed().map(({ op, suppressed }) => ({ op, suppressed }))).toEqual([
      { op: "get", suppressed: undefined },
      { op: "delete", suppressed: 5 },
      { op: "get", suppressed: undefined },
    ]);
  });

  test("each message has an interval of its own", () => {
    const { warn, parsed } = setup();
    warn("cache unavailable; bypassing", new Error("a"));
    warn("rate limiting skipped: cache unavailable (failing open)", new Error("a"));
    warn("cache unavailable; bypassing", new Error("a"));
    expect(parsed().map((l) => l.msg)).toEqual([
      "cache unavailable; bypassing",
      "rate limiting skipped: cache unavailable (failing open)",
    ]);
  });

  test("the error is its name and message, with no stack, in JSON and pretty alike", () => {
    const { warn, lines } = setup();
    const error = new Error("wrapped", { cause: new Error("inner") });
    error.name = "CacheUnavailableError";
    warn("cache unavailable; bypassing", error);
    expect(JSON.parse(lines[0] ?? "").error).toBe("CacheUnavailableError: wrapped");
    const pretty: string[] = [];
    throttledWarning(createLogger({ level: "info", format: "pretty", write: (l) => pretty.push(l) }))("x", error);
    expect(pretty).toHaveLength(1);
    expect(pretty[0]).toContain("error=CacheUnavailableError: wrapped");
    expect(pretty[0]).not.toContain("\n");
  });
});

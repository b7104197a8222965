import { describe, expect, test } from "bun:test";
import { ROOT, runProcess } from "./process";

// Two suites that need a service and define nothing without it, and one that needs none.
const FILES = [
  "test/cache/upstash-server.test.ts",
  "test/runtimes/edge-health.test.ts",
  "src/runtime/log-lines.test.ts",
];

const bunTest = (env: Record<string, string>, files = FILES) =>
  runProcess([process.execPath, "test", ...files.map((f) => `./${f}`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    timeoutMs: 120_000,
  });

const SUMMARY = "real-service tests not run";

// `bun test` itself, as a newcomer runs it, in a child process.
describe("a bun test run without real services", () => {
  test("ends with one line naming the suites that did not run, by variable, and how to run them", async () => {
    const r = await bunTest({});
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.trim());
    const summaries = lines.filter((l) => l.startsWith(SUMMARY));
    expect(summaries).toEqual([
      `${SUMMARY} (TEST_DATABASE_URL unset: test/runtimes/edge-health.test.ts; TEST_REDIS_URL unset: test/cache/upstash-server.test.ts); to run them: TEST_DATABASE_URL=postgres://… TEST_REDIS_URL=redis://… bun test (docs/testing.md)`,
    ]);
    // After every file's results, right before Bun's totals.
    const at = lines.findIndex((l) => l.startsWith(SUMMARY));
    expect(lines.findLastIndex((l) => l.startsWith("(pass)") || l.endsWith(".test.ts:"))).toBeLessThan(at);
    expect(lines[at + 1]).toMatch(/^ \d+ pass$/);
  }, 180_000);

  test("with both services configured, no such line", async () => {
    const r = await bunTest({
      TEST_DATABASE_URL: "postgres://127.0.0.1:1/none",
      TEST_REDIS_URL: "redis://127.0.0.1:1",
    });
    expect(r.stderr).not.toContain(SUMMARY);
  }, 180_000);

  test("with CI=true a missing service fails the run instead", async () => {
    const r = await bunTest({ CI: "true" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("TEST_REDIS_URL must be set when CI=true");
    expect(r.stderr).not.toContain(SUMMARY);
  }, 180_000);
});

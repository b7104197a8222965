import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import type { Row } from "../../bench/report";
import { ROOT } from "../support/process";
import { serviceUrl } from "../support/services";
import { tempDir } from "../support/temp";

// The bench is measurement, not a test; this runs its harness for seconds so it cannot rot.
const databaseUrl = serviceUrl("TEST_DATABASE_URL");
const wrkInstalled = Bun.which("wrk") !== null;
if (process.env.CI === "true" && !wrkInstalled)
  throw new Error("wrk must be installed when CI=true (.ci/run installs it)");

const runBench = (args: string[], env: Record<string, string> = {}) =>
  Bun.spawn([process.execPath, `${ROOT}/bench/index.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 240_000,
  });

describe("bench harness", () => {
  test("explains how to install wrk when it is missing", async () => {
    const proc = runBench(["--smoke"], { PATH: "/nonexistent" });
    const stderr = await new Response(proc.stderr).text();
    // Without wrk on PATH the harness stops before touching a database.
    expect(await proc.exited).toBe(2);
    expect(stderr).toContain("apt-get install wrk");
  });

  test("rejects unknown flags", async () => {
    const proc = runBench(["--fast"]);
    expect(await proc.exited).not.toBe(0);
  });

  test("rejects an unknown --only name and lists the groups and comparisons it takes", async () => {
    const proc = runBench(["--smoke", "--only", "fresh-token,nonsense"]);
    const stderr = await new Response(proc.stderr).text();
    expect(await proc.exited).toBe(2);
    expect(stderr).toContain("unknown --only nonsense");
    expect(stderr).toContain("fresh-token");
  });

  if (databaseUrl && wrkInstalled) {
    test(
      "a smoke pass measures every row, checks the peer, and writes results a page is generated from",
      async () => {
        const proc = runBench(["--smoke"], { BENCH_DATABASE_URL: databaseUrl });
        const [stdout, stderr, code] = await Promise.all([
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
          proc.exited,
        ]);
        if (code !== 0) throw new Error(`bench exited ${code}:\n${stdout}\n${stderr}`);
        const file = /results: (\S+\.json)/.exec(stdout)?.[1];
        expect(file && existsSync(file)).toBe(true);
        const results = JSON.parse(readFileSync(file as string, "utf8")) as { rows: Row[] };
        const scenarios = results.rows.map((r) => r.scenario);
        for (const name of [
          "note read, a fresh token per request: berth vs the Fastify peer",
          "note read, one token: berth vs the Fastify peer",
          "note read, Sentry at traces 0.1 vs Sentry off",
          "note read, Sentry at traces 0 vs Sentry off",
          "note read, one token: Fastify + @sentry/node at traces 0.1 vs the Fastify peer",
          "GET /livez: berth vs bare Bun.serve",
        ])
          expect(scenarios).toContain(name);
        expect(scenarios.some((s) => s.startsWith("HS256 verification, uncached"))).toBe(true);
        expect(results.rows.length).toBe(17);
        for (const row of results.rows) {
          expect(Number.isFinite(row.value) && row.value >= 0).toBe(true);
          expect(stdout).toContain(row.scenario);
        }
        // The note read's stacks carry req/s, the server's CPU time per request and its share of
        // core 0, read from /proc.
        const stacks = results.rows.find((r) => r.stacks?.length === 9)?.stacks ?? [];
        expect(stacks.map((st) => st.name)).toContain("Fastify peer on Node, a fresh token per request");
        expect(stacks.map((st) => st.name)).toContain("Fastify + @sentry/node, traces 0.1");
        for (const stack of stacks) expect(stack.cpuUs > 0 && stack.rps > 0 && (stack.coreShare ?? 0) > 0).toBe(true);
        // The results page is generated from that JSON.
        const page = `${tempDir("berth-results-")}/RESULTS.md`;
        const generate = Bun.spawnSync([process.execPath, `${ROOT}/bench/results-page.ts`, file as string, page]);
        expect(generate.exitCode).toBe(0);
        const text = readFileSync(page, "utf8");
        for (const row of results.rows) expect(text).toContain(row.scenario);
      },
      { timeout: 240_000 },
    );
  }
});

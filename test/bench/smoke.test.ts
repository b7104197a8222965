import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { ROOT } from "../support/process";
import { serviceUrl } from "../support/services";

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

  if (databaseUrl && wrkInstalled) {
    test(
      "a smoke pass measures every budget and writes its results",
      async () => {
        const proc = runBench(["--smoke"], { BENCH_DATABASE_URL: databaseUrl });
        const [stdout, stderr, code] = await Promise.all([
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
          proc.exited,
        ]);
        if (code !== 0) throw new Error(`bench exited ${code}:\n${stdout}\n${stderr}`);
        for (const id of ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"])
          expect(stdout).toMatch(new RegExp(`^${id}\\s`, "m"));
        const file = /results: (\S+\.json)/.exec(stdout)?.[1];
        expect(file && existsSync(file)).toBe(true);
        const results = JSON.parse(readFileSync(file as string, "utf8")) as { rows: { id: string; value: number }[] };
        expect(results.rows.length).toBe(10);
        for (const row of results.rows) expect(Number.isFinite(row.value) && row.value >= 0).toBe(true);
        // Throughput rows also account for the server's CPU time per request, read from /proc.
        for (const id of ["B1", "B2", "B3"]) {
          const notes = new RegExp(`^${id}: (.*)$`, "m").exec(stdout)?.[1] ?? "";
          expect(notes).toMatch(/server CPU per request: .*berth [\d.]+ µs|server CPU per request: off [\d.]+ µs/);
          expect(notes).not.toContain("NaN");
        }
      },
      { timeout: 240_000 },
    );
  }
});

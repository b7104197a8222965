import { afterAll, describe, expect, test } from "bun:test";
import { buildBundle } from "../../scripts/build";
import { runWorker } from "../../scripts/workerd";
import { tempDir } from "../support/db";

/**
 * What the edge refuses, inside workerd: no PGlite (a database URL is required) and no Redis
 * over TCP. Every request is answered 503 problem+json, and the log names the variable.
 */
describe("workerd: a configuration the edge cannot run", async () => {
  const { file } = await buildBundle("worker", { outdir: tempDir("berth-worker-") });

  const cases: { what: string; bindings: Record<string, string>; variable: string }[] = [
    { what: "no DATABASE_URL", bindings: { APP_MODE: "test" }, variable: "DATABASE_URL" },
    {
      what: "REDIS_URL without Upstash",
      bindings: {
        APP_MODE: "test",
        DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
        REDIS_URL: "redis://127.0.0.1:1",
      },
      variable: "REDIS_URL",
    },
  ];
  test.each(cases)("$what: 503 problem+json on every path, the log names $variable", async ({ bindings, variable }) => {
    const lines: string[] = [];
    const worker = await runWorker({ scriptPath: file, bindings, onLog: (line) => lines.push(line) });
    afterAll(() => worker.stop());
    for (const path of ["/livez", "/v1/notes"]) {
      const response = await fetch(`${worker.url}${path}`, { keepalive: false });
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toStartWith("application/problem+json");
      const body = (await response.json()) as { status: number; detail: string; requestId: string };
      expect(body.status).toBe(503);
      expect(body.detail).not.toContain(variable);
      expect(body.requestId).toBe(response.headers.get("x-request-id") ?? "");
    }
    expect(lines.join("\n")).toContain(`${variable}:`);
  });
});

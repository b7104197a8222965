import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { processMetrics } from "../../src/monitoring/metrics/process";
import { createRegistry } from "../../src/monitoring/metrics/registry";
import { requestFrame } from "../../src/monitoring/request-frame";

/** Runs `promtool check metrics` on an exposition; promtool reads it from stdin. */
const promtool = async (text: string) => {
  const proc = Bun.spawn(["promtool", "check", "metrics"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  proc.stdin.write(text);
  await proc.stdin.end();
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: `${stdout}${stderr}`.trim() };
};

describe("the metrics exposition", () => {
  test("passes promtool's lint, before any traffic and after some", async () => {
    const registry = createRegistry();
    processMetrics(registry);
    const app = new Hono().use(requestFrame({ metrics: registry })).get("/ok", (c) => c.text("ok"));
    expect(await promtool(await registry.render())).toEqual({ code: 0, output: "" });
    await app.request("/ok");
    await app.request("/missing");
    expect(await promtool(await registry.render())).toEqual({ code: 0, output: "" });
  });

  test("follows the conventional names, and counts server errors from zero", async () => {
    const registry = createRegistry();
    processMetrics(registry);
    requestFrame({ metrics: registry });
    const text = await registry.render();
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^process_start_time_seconds \d+$/m);
    expect(text).toContain('http_server_errors_total{kind="network"} 0');
    expect(text).toContain('http_server_errors_total{kind="application"} 0');
  });
});

import { describe, expect, test } from "bun:test";
import { bunMemoryUsage } from "./memory";

const MIB = 1024 * 1024;

describe("bunMemoryUsage", () => {
  test("heap used never reads above heap total, large objects on the heap included", () => {
    // Arrays this size are allocated one by one, outside the blocks Bun's own heapTotal counts.
    const large = Array.from({ length: 40 }, (_, i) => new Array(100_000).fill(i));
    const raw = process.memoryUsage();
    const usage = bunMemoryUsage();
    expect(usage.heapUsed).toBeLessThanOrEqual(usage.heapTotal);
    expect(usage.heapUsed).toBeGreaterThan(large.length * 100_000 * 4);
    expect(usage.rss).toBeGreaterThanOrEqual(raw.rss * 0.5);
  });

  test("string contents, which JavaScriptCore keeps outside its heap, are external memory, not heap", () => {
    // In a process of its own, so no other test's garbage is collected in between.
    const script = `
      const { bunMemoryUsage } = await import(${JSON.stringify(`${import.meta.dir}/memory.ts`)});
      Bun.gc(true);
      const before = bunMemoryUsage();
      const strings = Array.from({ length: 32 }, (_, i) => "x".repeat(${MIB}) + i);
      for (const s of strings) s.charCodeAt(${MIB}); // resolve each rope into one buffer
      Bun.gc(true);
      const after = bunMemoryUsage();
      console.log(JSON.stringify({ external: after.external - before.external, heapUsed: after.heapUsed - before.heapUsed, consistent: after.heapUsed <= after.heapTotal, kept: strings.length }));
    `;
    const run = Bun.spawnSync([process.execPath, "--eval", script], { stdout: "pipe", stderr: "pipe" });
    expect(run.stderr.toString()).toBe("");
    const delta = JSON.parse(run.stdout.toString()) as { external: number; heapUsed: number; consistent: boolean };
    expect(delta.external).toBeGreaterThanOrEqual(32 * MIB);
    expect(delta.heapUsed).toBeLessThan(4 * MIB);
    expect(delta.consistent).toBe(true);
  });
});

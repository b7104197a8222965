import { describe, expect, test } from "bun:test";

const MIB = 1024 * 1024;

// Each case runs in a process of its own: what other tests loaded (PGlite's memory above all) and
// the garbage they leave move the heap between two readings.
const measure = <T>(body: string): T => {
  const script = `const { bunMemoryUsage } = await import(${JSON.stringify(`${import.meta.dir}/memory.ts`)});\n${body}`;
  const run = Bun.spawnSync([process.execPath, "--eval", script], { stdout: "pipe", stderr: "pipe" });
  expect(run.stderr.toString()).toBe("");
  return JSON.parse(run.stdout.toString()) as T;
};

describe("bunMemoryUsage", () => {
  test("heap used never reads above heap total, large objects on the heap included", () => {
    const { usage, raw, arrays } = measure<{ usage: NodeJS.MemoryUsage; raw: NodeJS.MemoryUsage; arrays: number }>(`
      // Arrays this size are allocated one by one, outside the blocks Bun's own heapTotal counts.
      const large = Array.from({ length: 40 }, (_, i) => new Array(100_000).fill(i));
      const raw = process.memoryUsage();
      const usage = bunMemoryUsage();
      console.log(JSON.stringify({ usage, raw, arrays: large.length }));
    `);
    expect(usage.heapUsed).toBeLessThanOrEqual(usage.heapTotal);
    expect(usage.heapUsed).toBeGreaterThan(arrays * 100_000 * 4);
    expect(usage.rss).toBeGreaterThanOrEqual(raw.rss * 0.5);
  });

  test("string contents, which JavaScriptCore keeps outside its heap, are external memory, not heap", () => {
    const delta = measure<{ external: number; heapUsed: number; consistent: boolean }>(`
      Bun.gc(true);
      const before = bunMemoryUsage();
      const strings = Array.from({ length: 32 }, (_, i) => "x".repeat(${MIB}) + i);
      for (const s of strings) s.charCodeAt(${MIB}); // resolve each rope into one buffer
      Bun.gc(true);
      const after = bunMemoryUsage();
      console.log(JSON.stringify({ external: after.external - before.external, heapUsed: after.heapUsed - before.heapUsed, consistent: after.heapUsed <= after.heapTotal, kept: strings.length }));
    `);
    expect(delta.external).toBeGreaterThanOrEqual(32 * MIB);
    expect(delta.heapUsed).toBeLessThan(4 * MIB);
    expect(delta.consistent).toBe(true);
  });
});

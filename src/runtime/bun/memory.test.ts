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
    // Collections on both sides, so only what the strings hold stays counted.
    Bun.gc(true);
    const before = bunMemoryUsage();
    const strings = Array.from({ length: 16 }, (_, i) => `${"x".repeat(MIB)}${i}`);
    for (const s of strings) s.charCodeAt(MIB); // resolve each rope into one buffer
    Bun.gc(true);
    const after = bunMemoryUsage();
    expect(after.external - before.external).toBeGreaterThanOrEqual(strings.length * MIB);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(4 * MIB);
    expect(after.heapUsed).toBeLessThanOrEqual(after.heapTotal);
  });
});

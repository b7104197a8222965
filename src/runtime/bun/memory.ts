import { heapSize } from "bun:jsc";

/**
 * `process.memoryUsage()` with a heap whose used part never exceeds its total. Bun's own
 * `heapUsed` counts everything JavaScriptCore holds, large objects and the memory it keeps
 * outside its heap (string contents, WebAssembly memory such as PGlite's) included, while its
 * `heapTotal` counts only the blocks small objects live in: used read larger than total. Here
 * used is the live objects without that outside memory (which is `external`), and total is at
 * least used, since the large objects are allocated heap too.
 *
 * @example processMetrics(registry, bunMemoryUsage)
 */
export const bunMemoryUsage = (): NodeJS.MemoryUsage => {
  const usage = process.memoryUsage();
  // heapSize() walks the heap's blocks: about 1 ms at 100,000 objects, where heapStats(), the
  // only source of JavaScriptCore's capacity, takes 150 to 800 ms counting objects by type.
  const heapUsed = Math.max(0, heapSize() - usage.external);
  return { ...usage, heapUsed, heapTotal: Math.max(usage.heapTotal, heapUsed) };
};

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ROOT } from "../support/process";

// postgres.js 3.4.9's pool queue leaves a hole on every shift and searched from index 0 on every
// remove, so under steady traffic each query scanned a growing array (≈36k → 16k req/s in 16 s).
// patches/postgres@3.4.9.patch searches from the live head and compacts; `bun run bench` (its sustained-load row)
// measures the effect. These tests keep the patch applied and the queue correct.
const copies = ["src", "cjs/src", "cf/src"].map((dir) => `${ROOT}/node_modules/postgres/${dir}/queue.js`);

describe("patched postgres.js queue", () => {
  test.each(copies)("%s carries the patch", (path) => {
    const source = readFileSync(path, "utf8");
    expect(source).toContain("xs.indexOf(x, index)");
    expect(source).toContain("xs = xs.slice(index)");
  });

  test("stays FIFO and removes the right element under a queue that never drains", async () => {
    const { default: Queue } = (await import(`${ROOT}/node_modules/postgres/src/queue.js`)) as {
      default: () => {
        length: number;
        push: (x: number) => number;
        shift: () => number;
        remove: (x: number) => number | null;
      };
    };
    const q = Queue();
    const model: number[] = [];
    let next = 0;
    for (let i = 0; i < 4; i++) model.push(q.push(next++));
    for (let round = 0; round < 50_000; round++) {
      model.push(q.push(next++));
      expect(q.shift()).toBe(model.shift() as number);
      if (round % 7 === 0) {
        const victim = model[1] as number;
        expect(q.remove(victim)).toBe(victim);
        model.splice(1, 1);
        model.push(q.push(next++));
      }
      expect(q.length).toBe(model.length);
    }
    expect(q.remove(-1)).toBeNull();
    while (model.length) expect(q.shift()).toBe(model.shift() as number);
    expect(q.length).toBe(0);
  });
});

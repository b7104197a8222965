import { describe, expect, test } from "bun:test";
import { batchedLines } from "./log-lines";

describe("batched log lines", () => {
  test("the lines of one turn leave in one write, in order; the next turn starts a new write", async () => {
    const writes: string[] = [];
    const line = batchedLines((text) => writes.push(text));
    line("a");
    line("b");
    line("c");
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    line("d");
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(["a\nb\nc", "d"]);
  });

  test("lines still pending when the process dies of an uncaught error are written", () => {
    const script = `
      const { batchedLines } = await import(${JSON.stringify(`${import.meta.dir}/log-lines.ts`)});
      const line = batchedLines();
      line("before the crash 1");
      line("before the crash 2");
      throw new Error("crash");
    `;
    const run = Bun.spawnSync([process.execPath, "--eval", script], { stdout: "pipe", stderr: "pipe" });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout.toString()).toBe("before the crash 1\nbefore the crash 2\n");
  });
});

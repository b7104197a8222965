import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";

const gone = async (path: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(path) && Date.now() < deadline) await Bun.sleep(100);
  return !existsSync(path);
};

// A child process makes a directory with a file in it, prints the path, then ends as asked.
const script = (end: "exit" | "hang") => `
  const { tempDir } = await import(${JSON.stringify(`${import.meta.dir}/temp.ts`)});
  const dir = tempDir("berth-cleanup-");
  await Bun.write(dir + "/data", "x");
  console.log(dir);
  ${end === "hang" ? "setInterval(() => {}, 1000);" : ""}
`;

describe("tempDir", () => {
  test.each([
    ["exits on its own", "exit"],
    ["is killed with SIGKILL, so no exit handler runs", "hang"],
  ] as const)(
    "a process's directories are removed once it %s",
    async (_, end) => {
      const proc = Bun.spawn([process.execPath, "--eval", script(end)], { stdout: "pipe", stderr: "inherit" });
      const reader = proc.stdout.getReader();
      let printed = "";
      while (!printed.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        printed += new TextDecoder().decode(value);
      }
      const dir = printed.trim();
      expect(dir).toContain("berth-cleanup-");
      expect(existsSync(`${dir}/data`)).toBe(true);
      if (end === "hang") proc.kill("SIGKILL");
      await proc.exited;
      expect(await gone(dir)).toBe(true);
    },
    90_000,
  );
});

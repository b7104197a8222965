import { describe, expect, test } from "bun:test";
import { childEnv, ENTRY, ROOT, runCliProcess, startService } from "../support/process";

const ESC = "\x1b[";

/** `bun src/index.ts ...args` under a pseudo-terminal: everything it wrote, and its exit code. */
const runInTerminal = async (args: string[], env: Record<string, string | undefined>) => {
  const decoder = new TextDecoder();
  let text = "";
  const proc = Bun.spawn([process.execPath, ENTRY, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    timeout: 120_000,
    terminal: {
      cols: 200,
      data: (_, data) => {
        text += decoder.decode(data, { stream: true });
      },
    },
  });
  const code = await proc.exited;
  proc.terminal?.close();
  return { code, text };
};

// What a newcomer sees on the first `bun run src/index.ts`: development, PGlite in memory, no
// variable set but the ports.
describe("a first development start", () => {
  test("listens on loopback by default and says where: API and ops host:port; the published secret is for local use; the memory check passes", async () => {
    const service = await startService(
      { HOST: undefined, APP_MODE: "development", PGLITE_DIR: "memory://", LOG_FORMAT: "pretty" },
      { timeoutMs: 120_000 },
    );
    const health = (await (await fetch(`${service.url}/health`)).json()) as {
      checks: Record<string, { status: string; message: string }>;
    };
    await service.stop();
    const lines = service.output().split("\n");
    const listening = lines.find((l) => l.includes("listening on"));
    expect(listening).toContain(`listening on http://127.0.0.1:${service.port} `);
    expect(listening).toContain(` api=127.0.0.1:${service.port} ops=127.0.0.1:${service.opsPort} `);
    expect(
      lines.some((l) =>
        l.endsWith("AUTH_JWT_SECRET is the development default, published in this repository: for local use only"),
      ),
    ).toBe(true);
    // A pipe is not a terminal: no colour codes.
    expect(service.output()).not.toContain(ESC);
    // PGlite's own memory does not turn a fresh start's memory check to warn.
    expect(health.checks.memory?.status).toBe("pass");
    expect(health.checks.memory?.message).toMatch(/^\d+(\.\d)? MiB$/);
  }, 180_000);
});

describe("colour in pretty logs", () => {
  const migrate = ["migrate"];
  const env = { APP_MODE: "development", PGLITE_DIR: "memory://", LOG_FORMAT: "pretty" };
  const colouredInfo = `${ESC}36mINFO `;

  test.each([
    ["a terminal", {}, true],
    ["a terminal with NO_COLOR=1", { NO_COLOR: "1" }, false],
    ["a terminal with FORCE_COLOR=0", { FORCE_COLOR: "0" }, false],
  ])(
    "on %s",
    async (_, extra, coloured) => {
      const r = await runInTerminal(migrate, { ...env, ...extra });
      expect(r.code).toBe(0);
      expect(r.text).toContain("INFO ");
      expect(r.text.includes(colouredInfo)).toBe(coloured);
    },
    180_000,
  );

  test.each([
    ["a pipe", {}, false],
    ["a pipe with FORCE_COLOR=1", { FORCE_COLOR: "1" }, true],
    ["a pipe with FORCE_COLOR=1 and NO_COLOR=1", { FORCE_COLOR: "1", NO_COLOR: "1" }, true],
  ])(
    "on %s",
    async (_, extra, coloured) => {
      const r = await runCliProcess(migrate, { ...env, ...extra }, { timeoutMs: 120_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("INFO ");
      expect(r.stdout.includes(colouredInfo)).toBe(coloured);
      expect(r.stdout.includes(ESC)).toBe(coloured);
    },
    180_000,
  );
});

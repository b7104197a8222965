import { afterAll } from "bun:test";
import { fileURLToPath } from "node:url";
import type { Subprocess } from "bun";
import { freePort } from "./ports";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ENTRY = `${ROOT}/src/index.ts`;

export { freePort } from "./ports";

/** The environment a child service gets: only what the test passes, plus PATH and HOME. */
export const childEnv = (env: Record<string, string | undefined>) => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "/tmp",
  LOG_LEVEL: "info",
  LOG_FORMAT: "json",
  HOST: "127.0.0.1",
  ...env,
});

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with exactly `env`, no stdin, killed after `timeoutMs`. */
export const runProcess = async (
  argv: string[],
  { cwd, env, timeoutMs }: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<CliResult> => {
  const proc = Bun.spawn(argv, { cwd, env, stdout: "pipe", stderr: "pipe", stdin: "ignore", timeout: timeoutMs });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
};

/** Runs `bun src/index.ts ...args` to completion with the given environment. */
export const runCliProcess = (
  args: string[],
  env: Record<string, string | undefined> = {},
  { cwd = ROOT, timeoutMs = 60_000 } = {},
): Promise<CliResult> => runProcess([process.execPath, ENTRY, ...args], { cwd, env: childEnv(env), timeoutMs });

export interface RunningService {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  opsUrl: string;
  port: number;
  opsPort: number;
  /** Everything the process printed so far. */
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number>;
}

/**
 * Starts the real service (`bun src/index.ts serve ...`, or the full `argv` given, such as an
 * image's CMD) on free ports and waits for `/livez`. Stopped by PID after the file's tests (or
 * after the test that started it) if the test did not stop it.
 */
export const startService = async (
  env: Record<string, string | undefined>,
  {
    args = [] as string[],
    readyPath = "/livez",
    timeoutMs = 30_000,
    cwd = ROOT,
    command = [process.execPath, ENTRY],
    argv = undefined as string[] | undefined,
  } = {},
): Promise<RunningService> => {
  const port = Number(env.PORT ?? (await freePort()));
  const opsPort = Number(env.OPS_PORT ?? (await freePort()));
  const proc = Bun.spawn(argv ?? [...command, "serve", ...args], {
    cwd,
    env: childEnv({ ...env, PORT: String(port), OPS_PORT: String(opsPort) }),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (proc.exitCode === null && !proc.killed) proc.kill(signal);
    return proc.exited;
  };
  afterAll(async () => {
    if (proc.exitCode === null) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode} before it was ready:\n${text}`);
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`service not ready on ${url}${readyPath} within ${timeoutMs} ms:\n${text}`);
    }
    await Bun.sleep(50);
  }
  return { proc, url, opsUrl: `http://127.0.0.1:${opsPort}`, port, opsPort, output: () => text, stop };
};

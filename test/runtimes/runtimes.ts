import { afterAll } from "bun:test";
import { createRequire } from "node:module";
import { buildBundle } from "../../scripts/build";
import { runWorker } from "../../scripts/workerd";
import { tempDir } from "../support/db";
import { freePort } from "../support/ports";
import { childEnv, startService } from "../support/process";

export type RuntimeName = "bun" | "node" | "workerd" | "deno";

/** One running adapter. */
export interface RunningRuntime {
  url: string;
  /** Where the ops server listens, on runtimes with `opsServer`. */
  opsUrl?: string;
  /** From starting the process (or workerd) to the first 200 from `/livez`, in ms. */
  coldStartMs: number;
  /** Everything it logged so far, to explain a failing row. */
  output: () => string;
}

/** An adapter under test and what it can do. */
export interface RuntimeUnderTest {
  name: RuntimeName;
  /** Takes REDIS_URL (Bun's built-in client); the others share a cache through Upstash. */
  redisOverTcp: boolean;
  /** Reads its own process memory for the memory checker; the edge cannot. */
  measuresMemory: boolean;
  /** Boots on PGlite without a database URL; the edge needs Postgres over TCP. */
  embeddedDatabase: boolean;
  /** Runs the ops server (metrics, detailed health) on OPS_PORT; the edge serves one port. */
  opsServer: boolean;
  start(env: Record<string, string>): Promise<RunningRuntime>;
}

// The binary itself, not the npm package's `bin` wrapper: the wrapper runs deno as a child and
// does not pass signals on, so stopping it by PID would leave deno running.
const DENO = (createRequire(import.meta.url)("deno/install_api.cjs") as { runInstall(): string }).runInstall();
const NODE = Bun.which("node") ?? "node";

// The service's own process, waited for by `startService`; stopped by PID after the file.
const serviceProcess = async (env: Record<string, string>, argv?: (port: number) => string[]) => {
  const port = await freePort();
  const started = performance.now();
  const service = await startService({ ...env, PORT: String(port) }, { argv: argv?.(port) });
  return { url: service.url, opsUrl: service.opsUrl, coldStartMs: performance.now() - started, output: service.output };
};

const firstOk = async (url: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
};

/** The four adapters, each started the way the README's command starts it. */
export const runtimes: readonly RuntimeUnderTest[] = [
  {
    name: "bun",
    opsServer: true,
    redisOverTcp: true,
    measuresMemory: true,
    embeddedDatabase: true,
    start: (env) => serviceProcess(env),
  },
  {
    name: "node",
    opsServer: true,
    redisOverTcp: false,
    measuresMemory: true,
    embeddedDatabase: true,
    start: async (env) => {
      const { file } = await buildBundle("node");
      return serviceProcess(env, () => [NODE, file, "serve"]);
    },
  },
  {
    name: "workerd",
    opsServer: false,
    redisOverTcp: false,
    measuresMemory: false,
    embeddedDatabase: false,
    start: async (env) => {
      const { file } = await buildBundle("worker", { outdir: tempDir("berth-worker-") });
      const lines: string[] = [];
      const started = performance.now();
      const worker = await runWorker({
        scriptPath: file,
        bindings: childEnv(env) as Record<string, string>,
        onLog: (line) => lines.push(line),
      });
      afterAll(() => worker.stop());
      await firstOk(`${worker.url}/livez`);
      return { url: worker.url, coldStartMs: performance.now() - started, output: () => lines.join("\n") };
    },
  },
  {
    name: "deno",
    opsServer: false,
    redisOverTcp: false,
    measuresMemory: false,
    embeddedDatabase: false,
    start: async (env) => {
      const { file } = await buildBundle("deno", { outdir: tempDir("berth-deno-") });
      return serviceProcess(env, (port) => [
        DENO,
        "serve",
        "--allow-net",
        "--allow-env",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        file,
      ]);
    },
  },
];

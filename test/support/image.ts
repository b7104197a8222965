import { buildBaseImage } from "../../scripts/image-base";
import { buildImage, headCommit, hostCaFile } from "../../scripts/image-build";
import { podmanEnv } from "../../scripts/podman";
import { type CliResult, freePort, ROOT, runProcess } from "./process";

/** The tag the suite builds the production image under. */
export const TEST_IMAGE = "localhost/berth:test";

// Nothing may be downloaded from the image: a registry lookup fails at once.
const NO_REGISTRY = "http://127.0.0.1:9/";

export interface ContainerOptions {
  env?: Record<string, string>;
  /** More `podman run` flags (`--read-only`, `--cap-drop ALL`, …). */
  flags?: string[];
  /** The command; the image's CMD when absent. */
  command?: string[];
}

export interface RunningContainer {
  id: string;
  /** The API server, on a loopback port of the host (the container shares its network). */
  url: string;
  opsUrl: string;
  /** Milliseconds from `podman run` to the first /readyz 200. */
  readyMs: number;
}

export interface BuiltImage {
  ref: string;
  gitSha: string;
  /** How long the build took in this run (the layer cache makes later builds fast). */
  buildMs: number;
  /** podman with the suite's configuration. */
  podman(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** Runs a one-off container to completion (`--rm`), its output and exit code. */
  run(options: ContainerOptions & { command: string[] }): Promise<CliResult>;
  /** Starts a container on the ports given (free ones otherwise) and waits for its /readyz to answer 200. */
  start(options?: ContainerOptions & { port?: number; opsPort?: number }): Promise<RunningContainer>;
  /** Removes every container `start` started, by id; for the suite's afterAll. */
  removeStarted(): Promise<void>;
}

const envFlags = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);

const create = async (): Promise<BuiltImage> => {
  const env = podmanEnv();
  buildBaseImage(env);
  const gitSha = headCommit() ?? "unknown";
  const started = performance.now();
  await buildImage({
    engine: "podman",
    tags: [TEST_IMAGE],
    gitSha,
    caFile: hostCaFile(),
    extra: ["--pull=never"],
    env,
  });
  const buildMs = performance.now() - started;

  const podman = (args: string[], timeoutMs = 60_000) =>
    runProcess(["podman", ...args], {
      cwd: ROOT,
      env: { ...(process.env as Record<string, string>), ...env },
      timeoutMs,
    });
  // Layers of builds older than a week go, so the cache kept across runs stays bounded.
  await podman(["image", "prune", "--force", "--filter", "until=168h"]);
  const containers: string[] = [];
  const runFlags = ({ env: vars = {}, flags = [] }: ContainerOptions) => [
    ...envFlags({ NPM_CONFIG_REGISTRY: NO_REGISTRY, BUN_CONFIG_REGISTRY: NO_REGISTRY, ...vars }),
    ...flags,
  ];

  return {
    ref: TEST_IMAGE,
    gitSha,
    buildMs,
    podman,
    run: (options) => podman(["run", "--rm", ...runFlags(options), TEST_IMAGE, ...options.command], 120_000),
    async start(options = {}) {
      const [port, opsPort] = [options.port ?? (await freePort()), options.opsPort ?? (await freePort())];
      const vars = { HOST: "127.0.0.1", PORT: String(port), OPS_PORT: String(opsPort), ...options.env };
      const launched = performance.now();
      const result = await podman([
        "run",
        "--detach",
        ...runFlags({ ...options, env: vars }),
        TEST_IMAGE,
        ...(options.command ?? []),
      ]);
      const id = result.stdout.trim();
      if (result.code !== 0 || !id) throw new Error(`podman run exited ${result.code}: ${result.stderr}`);
      containers.push(id);
      const url = `http://127.0.0.1:${port}`;
      for (const deadline = performance.now() + 60_000; ; ) {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        if (res?.status === 200) break;
        const state = await podman(["inspect", "--format", "{{.State.Running}}", id]);
        if (state.stdout.trim() !== "true" || performance.now() > deadline) {
          const logs = await podman(["logs", id]);
          throw new Error(`the container never became ready:\n${logs.stdout}${logs.stderr}`);
        }
        await Bun.sleep(50);
      }
      return { id, url, opsUrl: `http://127.0.0.1:${opsPort}`, readyMs: performance.now() - launched };
    },
    async removeStarted() {
      for (const id of containers.splice(0)) await podman(["rm", "--force", "--time", "0", id]);
    },
  };
};

let built: Promise<BuiltImage> | undefined;

/**
 * The production image built from the repository's Dockerfile with podman, once per test
 * process however many suites ask (the layer cache keeps later runs' builds short), on the
 * `oven/bun` base image or its stand-in (scripts/image-base.ts).
 */
export const builtImage = () => {
  built ??= create();
  return built;
};

/**
 * Builds berth's production image from the Dockerfile: with Docker where a Docker engine
 * answers, else with podman (`--format docker`, which keeps the HEALTHCHECK). The commit goes in
 * as GIT_SHA; when the host trusts an extra CA (NODE_EXTRA_CA_CERTS, as behind a re-signing proxy
 * or for a private registry) it is handed to the install as the build secret `ca`, never a layer.
 *
 *   bun run image:build                    # tags berth:latest and berth:<commit>
 *   bun run image:build --tag my/berth:1   # another tag
 *   bun run image:build --isolated         # podman with its own configuration (see scripts/podman.ts)
 *
 * Any other argument goes to the engine's `build` as it is (`--pull=never`, `--platform …`).
 */
import { existsSync } from "node:fs";
import { podmanEnv } from "./podman";

const ROOT = new URL("..", import.meta.url).pathname;

export type Engine = "docker" | "podman";

export interface ImageBuildOptions {
  engine: Engine;
  tags: string[];
  gitSha?: string;
  /** A CA bundle the install must trust, passed as the build secret `ca`. */
  caFile?: string;
  /** More arguments for the engine's `build`. */
  extra?: string[];
  /** Environment for the engine (podman's CONTAINERS_* configuration). */
  env?: Record<string, string>;
}

/** Docker when its engine answers, else podman. */
export const detectEngine = (): Engine =>
  Bun.which("docker") && Bun.spawnSync(["docker", "info"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0
    ? "docker"
    : "podman";

/** The commit of the working tree, when it is a git checkout. */
export const headCommit = () => {
  const git = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: ROOT, stderr: "ignore" });
  return git.exitCode === 0 ? git.stdout.toString().trim() : undefined;
};

/** The extra CA this host trusts, if any. */
export const hostCaFile = () => {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  return file && existsSync(file) ? file : undefined;
};

/** The engine's command line for the build. */
export const imageBuildArgv = ({ engine, tags, gitSha, caFile, extra = [] }: ImageBuildOptions) => [
  engine,
  "build",
  ...(engine === "podman" ? ["--format", "docker", "--layers"] : []),
  ...tags.flatMap((tag) => ["--tag", tag]),
  ...(gitSha ? ["--build-arg", `GIT_SHA=${gitSha}`] : []),
  ...(caFile ? ["--secret", `id=ca,src=${caFile}`] : []),
  ...extra,
  ROOT,
];

/** Runs the build; resolves with its output, rejects with it when the build fails. */
export const buildImage = async (options: ImageBuildOptions, { echo = false } = {}) => {
  const proc = Bun.spawn(imageBuildArgv(options), {
    env: { ...process.env, ...options.env },
    stdout: echo ? "inherit" : "pipe",
    stderr: echo ? "inherit" : "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([
    echo ? "" : new Response(proc.stdout as ReadableStream).text(),
    echo ? "" : new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${options.engine} build exited ${code}\n${stdout}${stderr}`);
  return `${stdout}${stderr}`;
};

/** This script's own flags (`--tag`, `--isolated`); everything else is the engine's, in order. */
const parseCli = (argv: string[]) => {
  const tags: string[] = [];
  const extra: string[] = [];
  let isolated = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--isolated") isolated = true;
    else if (arg === "--tag") tags.push(argv[++i] ?? "");
    else if (arg.startsWith("--tag=")) tags.push(arg.slice("--tag=".length));
    else extra.push(arg);
  }
  return { tags, extra, isolated };
};

if (import.meta.main) {
  const cli = parseCli(process.argv.slice(2));
  const gitSha = headCommit();
  const tags = cli.tags.length ? cli.tags : ["berth:latest", ...(gitSha ? [`berth:${gitSha}`] : [])];
  const engine = cli.isolated ? "podman" : detectEngine();
  console.log(`building ${tags.join(", ")} with ${engine}`);
  const env = cli.isolated ? podmanEnv() : {};
  await buildImage({ engine, tags, gitSha, caFile: hostCaFile(), extra: cli.extra, env }, { echo: true });
}

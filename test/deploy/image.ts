import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import ignore from "@balena/dockerignore";
import { tempDir } from "../support/db";
import { ROOT, runProcess, startService } from "../support/process";
import type { ParsedDockerfile, Stage } from "./dockerfile";

/** A step of the rehearsal that failed, named so a test can tell which one. */
export class RehearsalError extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
    this.name = "RehearsalError";
  }
}

/**
 * A PATH with nothing but what the oven/bun slim image puts there for the service: Bun (as `bun`
 * and `bunx`) and a shell. No node, npm, curl or jq, so a command that needs one fails here too.
 */
export const imageToolchain = () => {
  const bin = tempDir("berth-image-bin-");
  symlinkSync(process.execPath, join(bin, "bun"));
  symlinkSync(process.execPath, join(bin, "bunx"));
  symlinkSync("/bin/sh", join(bin, "sh"));
  return bin;
};

/** Files of the build context as Docker sends them: .dockerignore applied. */
const buildContext = (context: string) => {
  const file = join(context, ".dockerignore");
  const rules = ignore().add(existsSync(file) ? readFileSync(file, "utf8").split("\n") : []);
  const walk = (rel: string): string[] => {
    if (rules.ignores(rel)) return [];
    const full = join(context, rel);
    if (!statSync(full).isDirectory()) return [rel];
    return readdirSync(full).flatMap((name) => walk(posix.join(rel, name)));
  };
  return { walk, ignores: (rel: string) => rules.ignores(rel) };
};

const resolveIn = (workdir: string, path: string) => posix.resolve(workdir, path);

export interface StageBuild {
  /** The stage's file system root on disk. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  /** Each RUN of this stage and of the stages it copies from, with how long it took when built. */
  runs: { stage: string; command: string[]; ms: number }[];
}

const builds = new Map<string, Promise<StageBuild>>();

/**
 * Builds one stage into a directory standing for its file system: COPY from the context
 * (.dockerignore honoured) or from an earlier stage, RUN through the image's PATH, WORKDIR and ENV.
 * A stage with the same instructions and inputs is built once per test process, as Docker's
 * layer cache would.
 */
export const buildStage = (
  plan: ParsedDockerfile,
  stage: Stage,
  { context = ROOT, bin }: { context?: string; bin: string },
): Promise<StageBuild> => {
  const ctx = buildContext(context);
  const key = stageKey(plan, stage, ctx, context);
  const cached = builds.get(key);
  if (cached) return cached;
  const build = runStage(plan, stage, ctx, { context, bin });
  builds.set(key, build);
  build.catch(() => builds.delete(key));
  return build;
};

/** What a stage's result depends on: its steps, the context files it copies, the stages it copies from. */
const stageKey = (
  plan: ParsedDockerfile,
  stage: Stage,
  ctx: ReturnType<typeof buildContext>,
  context: string,
): string => {
  const inputs = stage.steps.flatMap((step) => {
    if (step.kind !== "copy") return [];
    if (step.from) {
      const source = plan.stages.find((s) => s.name === step.from);
      return source ? [`stage:${stageKey(plan, source, ctx, context)}`] : [];
    }
    return step.sources.flatMap((s) => ctx.walk(s)).map((f) => `${f}:${Bun.hash(readFileSync(join(context, f)))}`);
  });
  return Bun.hash(JSON.stringify([stage.steps, inputs, context, Bun.version])).toString();
};

const runStage = async (
  plan: ParsedDockerfile,
  stage: Stage,
  ctx: ReturnType<typeof buildContext>,
  { context, bin }: { context: string; bin: string },
): Promise<StageBuild> => {
  const root = tempDir(`berth-stage-${stage.name ?? "final"}-`);
  const onDisk = (path: string) => join(root, path);
  let workdir = "/";
  const env: Record<string, string> = {};
  const runs: StageBuild["runs"] = [];
  for (const step of stage.steps) {
    switch (step.kind) {
      case "workdir":
        workdir = resolveIn(workdir, step.path);
        mkdirSync(onDisk(workdir), { recursive: true });
        break;
      case "env":
        Object.assign(env, step.vars);
        break;
      case "copy": {
        const dest = resolveIn(workdir, step.dest);
        const intoDir = step.dest.endsWith("/") || step.sources.length > 1;
        if (step.from) {
          const source = plan.stages.find((s) => s.name === step.from);
          if (!source) throw new RehearsalError("build", `COPY --from=${step.from}: no such stage`);
          const built = await buildStage(plan, source, { context, bin });
          // Two stages may copy from the same one; its RUN steps ran once.
          runs.push(...built.runs.filter((run) => !runs.includes(run)));
          for (const src of step.sources) {
            const from = join(built.root, resolveIn(built.workdir, src));
            if (!existsSync(from)) throw new RehearsalError("build", `COPY --from=${step.from} ${src}: not found`);
            linkCopy(from, onDisk(intoDir ? posix.join(dest, posix.basename(src)) : dest));
          }
          break;
        }
        for (const src of step.sources) {
          if (/[*?[]/.test(src)) throw new RehearsalError("build", `COPY ${src}: wildcards are not rehearsed`);
          const files = ctx.walk(posix.normalize(src));
          if (!files.length) throw new RehearsalError("build", `COPY ${src}: not found in the build context`);
          const isDir = statSync(join(context, src)).isDirectory();
          for (const file of files) {
            const target = isDir
              ? posix.join(dest, relative(src, file))
              : intoDir
                ? posix.join(dest, posix.basename(file))
                : dest;
            mkdirSync(dirname(onDisk(target)), { recursive: true });
            copyFileSync(join(context, file), onDisk(target));
          }
        }
        break;
      }
      case "run": {
        const started = performance.now();
        // HOME is the real one so Bun's install cache stands in for the registry download.
        const proc = Bun.spawnSync(step.command, {
          cwd: onDisk(workdir),
          env: { ...env, PATH: bin, HOME: process.env.HOME ?? "/root" },
          stdout: "pipe",
          stderr: "pipe",
          timeout: 300_000,
        });
        runs.push({ stage: stage.name ?? "final", command: step.command, ms: performance.now() - started });
        if (proc.exitCode !== 0)
          throw new RehearsalError(
            "build",
            `RUN ${step.command.join(" ")} exited ${proc.exitCode}:\n${proc.stdout.toString()}${proc.stderr.toString()}`,
          );
        break;
      }
    }
  }
  return { root, workdir, env, runs };
};

/** Copies a tree as hard links: the same bytes as Docker's COPY --from, without copying them. */
const linkCopy = (from: string, to: string) => {
  mkdirSync(dirname(to), { recursive: true });
  const proc = Bun.spawnSync(["cp", "-al", from, to], { stderr: "pipe" });
  if (proc.exitCode !== 0) throw new RehearsalError("build", `copying ${from}: ${proc.stderr.toString()}`);
};

/** Whether the build context would send `rel` (a path relative to the context). */
export const contextSends = (rel: string, context = ROOT) => !buildContext(context).ignores(rel);

// Nothing may be downloaded at run time: any registry lookup from the image fails at once.
const NO_REGISTRY = "http://127.0.0.1:9/";

/**
 * The words of the CMD before `serve`: how the image starts its entry (`bun <entry>`), which
 * every other command of the image (`migrate status`, `token`) goes through too.
 */
export const imageEntry = (stage: Stage) => {
  const cmd = stage.cmd ?? [];
  const serve = cmd.indexOf("serve");
  if (serve < 1) throw new RehearsalError("image", `the CMD does not start \`serve\`: ${cmd.join(" ")}`);
  return cmd.slice(0, serve);
};

/**
 * The final stage built, and how to run commands in it as the image would: from its app
 * directory, with its ENV, nothing but Bun and a shell on the PATH and no registry reachable.
 * `env` holds that base; callers add the service's variables.
 */
export const assembleImage = async (plan: ParsedDockerfile, { context = ROOT } = {}) => {
  const bin = imageToolchain();
  const image = await buildStage(plan, plan.final, { context, bin });
  const appDir = join(image.root, image.workdir);
  const env: Record<string, string> = {
    ...image.env,
    PATH: bin,
    HOME: tempDir("berth-image-home-"),
    TMPDIR: tempDir("berth-image-tmp-"),
    NPM_CONFIG_REGISTRY: NO_REGISTRY,
    BUN_CONFIG_REGISTRY: NO_REGISTRY,
  };
  const resolve = (argv: string[]) => {
    const [command = "", ...rest] = argv;
    const found = command.startsWith("/") ? command : Bun.which(command, { PATH: bin });
    if (!found) throw new RehearsalError("image", `${command} is not on the image's PATH`);
    return [found, ...rest];
  };
  return {
    ...image,
    appDir,
    env,
    /** Runs a command of the image to completion. */
    run: async (argv: string[], runEnv: Record<string, string>, timeoutMs = 30_000) => {
      const result = await runProcess(resolve(argv), { cwd: appDir, env: runEnv, timeoutMs });
      return { ...result, output: result.stdout + result.stderr };
    },
    /** Starts a serving command of the image and waits for `readyPath` to answer 200. */
    start: (argv: string[], serviceEnv: Record<string, string>, readyPath = "/livez") =>
      startService(serviceEnv, { argv: resolve(argv), cwd: appDir, readyPath }),
  };
};

export type AssembledImage = Awaited<ReturnType<typeof assembleImage>>;

import { join } from "node:path";
import { tempDir } from "../support/db";
import { freePort, type RunningService, startService } from "../support/process";
import { parseDockerfile } from "./dockerfile";
import { buildStage, imageToolchain, RehearsalError } from "./image";
import { flyConfig, flyDurationMs, probedPaths, railwayConfig, releaseCommand } from "./platforms";

export interface StepTiming {
  step: string;
  ms: number;
  detail: string;
}

export interface RehearsalSettings {
  /** A fresh, empty database the release step migrates. */
  databaseUrl: string;
  /** The production secrets the platforms would hold. */
  secrets: { AUTH_JWT_SECRET: string; OPS_TOKEN: string };
}

// Nothing may be downloaded at run time: any registry lookup from the image fails at once.
const NO_REGISTRY = "http://127.0.0.1:9/";

/** Runs a command of the image from its app directory to completion. */
const runInImage = async (argv: string[], cwd: string, env: Record<string, string>, timeoutMs: number) => {
  const proc = Bun.spawn(argv, { cwd, env, stdout: "pipe", stderr: "pipe", stdin: "ignore", timeout: timeoutMs });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr, output: stdout + stderr };
};

/**
 * Rehearses a release of the image a Dockerfile describes, with no Docker engine: assembles
 * what its final stage holds, then from that directory alone runs the release step on a fresh
 * database (and checks the service agrees it is up to date), starts the CMD in production, passes the HEALTHCHECK and the platforms' probes,
 * serves an authenticated request and stops cleanly on SIGTERM; then boots Railway's start
 * command the same way. Throws a RehearsalError naming the first step that failed.
 */
export const rehearse = async (dockerfileText: string, settings: RehearsalSettings) => {
  const timings: StepTiming[] = [];
  const step = async <T>(name: string, detail: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      if (error instanceof RehearsalError) throw error;
      throw new RehearsalError(name, (error as Error).message);
    } finally {
      timings.push({ step: name, ms: performance.now() - started, detail });
    }
  };

  const plan = parseDockerfile(dockerfileText);
  const bin = imageToolchain();
  const image = await step("assemble", `final stage of ${plan.final.image}`, () =>
    buildStage(plan, plan.final, { bin }),
  );
  // A stage built earlier in this test process is reused, as Docker's layer cache would; its RUN
  // times are the ones measured when it was built.
  for (const run of image.runs) {
    timings.push({ step: `RUN (${run.stage} stage)`, ms: run.ms, detail: run.command.join(" ") });
  }
  const appDir = join(image.root, image.workdir);
  const resolve = (argv: string[]) => {
    const [command = "", ...rest] = argv;
    const found = Bun.which(command, { PATH: bin });
    if (!found) throw new RehearsalError("image", `${command} is not on the image's PATH`);
    return [found, ...rest];
  };

  const [port, opsPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...image.env,
    PATH: bin,
    HOME: tempDir("berth-image-home-"),
    TMPDIR: tempDir("berth-image-tmp-"),
    NPM_CONFIG_REGISTRY: NO_REGISTRY,
    BUN_CONFIG_REGISTRY: NO_REGISTRY,
    DATABASE_URL: settings.databaseUrl,
    DATABASE_SSL: "disable",
    ...settings.secrets,
    HOST: "127.0.0.1",
    PORT: String(port),
    OPS_PORT: String(opsPort),
  };

  const release = releaseCommand();
  await step("release", release, async () => {
    const result = await runInImage(["/bin/sh", "-c", release], appDir, env, 120_000);
    if (result.code !== 0) throw new Error(`exited ${result.code}:\n${result.output}`);
  });

  // The service must agree with drizzle-kit's ledger: nothing pending, no drift.
  const status = ["bun", "src/index.ts", "migrate", "status"];
  await step("migrate status", status.join(" "), async () => {
    const result = await runInImage(resolve(status), appDir, env, 30_000);
    if (result.code !== 0) throw new Error(`exited ${result.code} (0 is up to date):\n${result.output}`);
  });

  const cmd = plan.final.cmd;
  if (!cmd) throw new RehearsalError("start", "the final stage has no CMD");
  const service = await step("start", cmd.join(" "), () =>
    startService(env, { argv: resolve(cmd), cwd: appDir, readyPath: "/livez" }),
  );
  try {
    await probe(step, service, env, appDir, plan.final.healthcheck?.command, resolve);
    await serveAuthenticated(step, service, env, appDir, resolve);
    await stopCleanly(step, service, "CMD");
  } finally {
    await service.stop("SIGKILL");
  }

  const healthcheck = plan.final.healthcheck?.command;
  if (healthcheck) {
    await step("healthcheck after stop", healthcheck.join(" "), async () => {
      const result = await runInImage(resolve(healthcheck), appDir, env, 10_000);
      if (result.code === 0) throw new Error("the HEALTHCHECK passed with the service stopped");
    });
  }

  const railway = railwayConfig().deploy;
  const start = railway?.startCommand?.split(/\s+/);
  if (start) {
    const staging = { ...env, APP_MODE: "staging" };
    const railwayService = await step("railway start", start.join(" "), () =>
      startService(staging, { argv: resolve(start), cwd: appDir, readyPath: railway?.healthcheckPath ?? "/livez" }),
    );
    try {
      await stopCleanly(step, railwayService, "railway start");
    } finally {
      await railwayService.stop("SIGKILL");
    }
  }
  return { timings, appDir, plan };
};

type Step = <T>(name: string, detail: string, run: () => Promise<T>) => Promise<T>;
type Resolve = (argv: string[]) => string[];

/** The HEALTHCHECK as the Dockerfile states it, then every path a platform probes. */
const probe = async (
  step: Step,
  service: RunningService,
  env: Record<string, string>,
  appDir: string,
  healthcheck: string[] | undefined,
  resolve: Resolve,
) => {
  if (!healthcheck) throw new RehearsalError("healthcheck", "the final stage has no HEALTHCHECK");
  await step("healthcheck", healthcheck.join(" "), async () => {
    const result = await runInImage(resolve(healthcheck), appDir, env, 10_000);
    if (result.code !== 0) throw new Error(`exited ${result.code}:\n${result.output}`);
  });
  const { fly } = probedPaths();
  const metrics = flyConfig().metrics;
  const targets = [
    ...fly.map((path) => `${service.url}${path}`),
    ...(metrics ? [`http://127.0.0.1:${env.OPS_PORT}${metrics.path ?? "/metrics"}`] : []),
  ];
  await step("probes", targets.join(" "), async () => {
    for (const target of targets) {
      const res = await fetch(target, { signal: AbortSignal.timeout(5000) });
      if (res.status !== 200) throw new Error(`${target} answered ${res.status}`);
    }
  });
};

/** A token minted with the image's own CLI, used to create and read back a note. */
const serveAuthenticated = async (
  step: Step,
  service: RunningService,
  env: Record<string, string>,
  appDir: string,
  resolve: Resolve,
) => {
  const mint = ["bun", "src/index.ts", "token", "--sub", "rehearsal-user"];
  const token = await step("token", mint.join(" "), async () => {
    const result = await runInImage(resolve(mint), appDir, env, 30_000);
    if (result.code !== 0) throw new Error(`exited ${result.code}:\n${result.output}`);
    return result.stdout.trim();
  });
  await step("request", "POST /v1/notes, GET /v1/notes/:id", async () => {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${service.url}/v1/notes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: "rehearsal", body: "served from the assembled image" }),
    });
    if (created.status !== 201) throw new Error(`POST /v1/notes answered ${created.status}: ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const read = await fetch(`${service.url}/v1/notes/${id}`, { headers });
    const note = (await read.json()) as { title?: string };
    if (read.status !== 200 || note.title !== "rehearsal")
      throw new Error(`GET /v1/notes/${id} answered ${read.status}: ${JSON.stringify(note)}`);
  });
};

/** SIGTERM, then exit 0 within the time Fly allows before it kills the machine. */
const stopCleanly = (step: Step, service: RunningService, what: string) =>
  step(`sigterm (${what})`, "exit 0 within fly kill_timeout", async () => {
    const limit = flyDurationMs(flyConfig().kill_timeout) ?? 5000;
    const exited = service.stop("SIGTERM");
    const code = await Promise.race([exited, Bun.sleep(limit).then(() => "still running" as const)]);
    if (code !== 0) throw new Error(`after SIGTERM: ${code}\n${service.output()}`);
  });

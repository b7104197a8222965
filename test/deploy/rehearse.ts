import { freePort, type RunningService } from "../support/process";
import { parseDockerfile } from "./dockerfile";
import { type AssembledImage, assembleImage, imageEntry, RehearsalError } from "./image";
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

/**
 * Rehearses a release of the image a Dockerfile describes, with no Docker engine: builds its
 * stages and assembles what the final one holds, then from that directory alone runs the release
 * step on a fresh database (and checks with the image's entry that it is up to date), starts the
 * CMD in production, passes the HEALTHCHECK and the platforms' probes, serves an authenticated
 * request with a token from the image's entry and stops cleanly on SIGTERM; then boots Railway's
 * start command the same way. Throws a RehearsalError naming the first step that failed.
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
  const image = await step("assemble", `final stage of ${plan.final.image}`, () => assembleImage(plan));
  // A stage built earlier in this test process is reused, as Docker's layer cache would; its RUN
  // times are the ones measured when it was built.
  for (const run of image.runs) {
    timings.push({ step: `RUN (${run.stage} stage)`, ms: run.ms, detail: run.command.join(" ") });
  }
  const entry = imageEntry(plan.final);
  const [port, opsPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...image.env,
    DATABASE_URL: settings.databaseUrl,
    DATABASE_SSL: "disable",
    ...settings.secrets,
    HOST: "127.0.0.1",
    PORT: String(port),
    OPS_PORT: String(opsPort),
  };

  const release = releaseCommand();
  await step("release", release, async () => {
    const result = await image.run(["/bin/sh", "-c", release], env, 120_000);
    if (result.code !== 0) throw new Error(`exited ${result.code}:\n${result.output}`);
  });

  // The service must agree with drizzle-kit's ledger: nothing pending, no drift.
  const status = [...entry, "migrate", "status"];
  await step("migrate status", status.join(" "), async () => {
    const result = await image.run(status, env);
    if (result.code !== 0) throw new Error(`exited ${result.code} (0 is up to date):\n${result.output}`);
  });

  const cmd = plan.final.cmd;
  if (!cmd) throw new RehearsalError("start", "the final stage has no CMD");
  const service = await step("start", cmd.join(" "), () => image.start(cmd, env));
  try {
    await probe(step, service, env, image, plan.final.healthcheck?.command);
    await serveAuthenticated(step, service, env, image, entry);
    await stopCleanly(step, service, "CMD");
  } finally {
    await service.stop("SIGKILL");
  }

  const healthcheck = plan.final.healthcheck?.command;
  if (healthcheck) {
    await step("healthcheck after stop", healthcheck.join(" "), async () => {
      const result = await image.run(healthcheck, env, 10_000);
      if (result.code === 0) throw new Error("the HEALTHCHECK passed with the service stopped");
    });
  }

  const railway = railwayConfig().deploy;
  const start = railway?.startCommand?.split(/\s+/);
  if (start) {
    const staging = { ...env, APP_MODE: "staging" };
    const railwayService = await step("railway start", start.join(" "), () =>
      image.start(start, staging, railway?.healthcheckPath),
    );
    try {
      await stopCleanly(step, railwayService, "railway start");
    } finally {
      await railwayService.stop("SIGKILL");
    }
  }
  return { timings, appDir: image.appDir, plan };
};

type Step = <T>(name: string, detail: string, run: () => Promise<T>) => Promise<T>;

/** The HEALTHCHECK as the Dockerfile states it, then every path a platform probes. */
const probe = async (
  step: Step,
  service: RunningService,
  env: Record<string, string>,
  image: AssembledImage,
  healthcheck: string[] | undefined,
) => {
  if (!healthcheck) throw new RehearsalError("healthcheck", "the final stage has no HEALTHCHECK");
  await step("healthcheck", healthcheck.join(" "), async () => {
    const result = await image.run(healthcheck, env, 10_000);
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
  image: AssembledImage,
  entry: string[],
) => {
  const mint = [...entry, "token", "--sub", "rehearsal-user"];
  const token = await step("token", mint.join(" "), async () => {
    const result = await image.run(mint, env);
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

import { expect } from "bun:test";
import { call, JWT_SECRET, OPS_TOKEN, targetOf, through, userHeaders } from "../health/service";
import { createTestDatabase, type TestDatabase } from "./db";
import { pgRoundTrips } from "./pg-wire";
import { type RunningService, startService } from "./process";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

/**
 * The graceful-shutdown scenario, shared by every runtime adapter: the real service
 * process with real Postgres behind a proxy that can slow every round trip down, so that there
 * are requests in flight when the signal arrives.
 */
export interface DrainRig {
  readonly pg: TcpProxy;
  /** Postgres round trips through `pg` so far. */
  readonly roundTrips: { readonly count: number };
  /** Starts the service (proxy delay reset to 0) with the rig's env plus `extra`. */
  start(extra?: Record<string, string>): Promise<RunningService>;
  close(): Promise<void>;
}

export interface DrainRigOptions {
  /** Prefix of the test database's name. */
  name: string;
  pgUrl: string;
  shutdownDelayMs: number;
  /** The runtime's own env (pool size, Redis); wins over the rig's. */
  env?: Record<string, string>;
  /** How to start the runtime; the Bun entry when absent. */
  command?: string[];
}

/** A shutdown scenario's one database and one proxy; the caller closes it at describe level. */
export const startDrainRig = async ({
  name,
  pgUrl,
  shutdownDelayMs,
  env = {},
  command,
}: DrainRigOptions): Promise<DrainRig> => {
  const database = (await createTestDatabase(name)) as TestDatabase;
  const roundTrips = pgRoundTrips();
  const pg = await startTcpProxy({ target: targetOf(pgUrl), tap: roundTrips.tap });
  return {
    pg,
    roundTrips,
    start(extra = {}) {
      pg.setDelay(0);
      return startService(
        {
          APP_MODE: "production",
          DATABASE_URL: through(database.url, pg.address),
          DATABASE_SSL: "disable",
          DATABASE_TIMEOUT_MS: "15000",
          AUTH_JWT_SECRET: JWT_SECRET,
          OPS_TOKEN,
          RATE_LIMIT_PER_MINUTE: "0",
          SHUTDOWN_DELAY_MS: String(shutdownDelayMs),
          SHUTDOWN_TIMEOUT_MS: "20000",
          // The first /readyz runs the checks; later probes answer from that run instead of
          // joining the slowed-down requests in flight.
          HEALTH_CACHE_TTL_MS: "60000",
          ...env,
          ...extra,
        },
        { args: ["--apply-migrations"], ...(command ? { command } : {}) },
      );
    },
    async close() {
      await pg.close();
      await database.drop();
    },
  };
};

/** Every JSON log line the service printed, in order. */
export const logLines = (svc: RunningService) =>
  svc
    .output()
    .split("\n")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg: string; inFlight?: number; [k: string]: unknown }];
      } catch {
        return [];
      }
    });

/** The shutdown steps after "signal received", in the order every runtime logs them. */
export const SHUTDOWN_STEPS = [
  "shutdown: readiness failing",
  "shutdown: stopped accepting connections",
  "shutdown: drained",
  "shutdown: stop dashboard sampling",
  "shutdown: close cache",
  "shutdown: close database",
  "shutdown: complete",
];

export interface Drain {
  /** performance.now() when the signal was sent. */
  signalledAt: number;
  /** How many of the in-flight requests have answered so far. */
  completed(): number;
  /** Waits for every in-flight request (status, or error message) and for the process's exit. */
  finish(): Promise<{ statuses: (number | string)[]; code: number; logs: ReturnType<typeof logLines> }>;
}

/**
 * Warms `inFlight` pooled connections, slows every round trip to 2 × `delayMs`, sends `inFlight`
 * creates, waits (bounded) until they sit in the proxy, sends `signal`, and checks that readiness
 * fails at once with nothing completed yet. The caller checks what its runtime promises next.
 */
export const drainUnderLoad = async (
  svc: RunningService,
  rig: DrainRig,
  { signal, inFlight: count, delayMs }: { signal: NodeJS.Signals; inFlight: number; delayMs: number },
): Promise<Drain> => {
  const alice = await userHeaders("alice");
  expect((await call(svc, "/readyz")).res.status).toBe(200);
  const create = (title: string) =>
    call(svc, "/v1/notes", { method: "POST", headers: alice, body: JSON.stringify({ title }) });
  // One pooled connection per request, each with the insert already prepared.
  const warm = await Promise.all(Array.from({ length: count }, (_, i) => create(`warm ${i}`)));
  expect(warm.map((r) => r.res.status)).toEqual(Array(count).fill(201));

  // Every database round trip now takes 2 × delayMs.
  rig.pg.setDelay(delayMs);
  const sent = rig.roundTrips.count;
  let completed = 0;
  const inFlight = Array.from({ length: count }, (_, i) =>
    create(`in flight ${i}`).then(
      (r) => {
        completed++;
        return r.res.status;
      },
      (error: Error) => error.message,
    ),
  );
  // Until the statements sit in the proxy (each ends with a Sync), or a bounded wait.
  const reached = performance.now() + 1500;
  while (rig.roundTrips.count - sent < count && performance.now() < reached) await Bun.sleep(10);

  const signalledAt = performance.now();
  svc.proc.kill(signal);
  await Bun.sleep(100);
  const ready = await call(svc, "/readyz");
  expect(ready.res.status).toBe(503);
  expect(ready.body).toEqual({ status: "fail", reason: "draining" });
  return {
    signalledAt,
    completed: () => completed,
    async finish() {
      const statuses = await Promise.all(inFlight);
      const code = await svc.proc.exited;
      return { statuses, code, logs: logLines(svc) };
    },
  };
};

/**
 * Five slow reads in flight past a short SHUTDOWN_TIMEOUT_MS: checks they are cut and the process
 * still exits 0 after logging the forced drain; returns the log messages for further checks.
 */
export const expectForcedDrain = async (rig: DrainRig, delayMs: number) => {
  const svc = await rig.start({ SHUTDOWN_DELAY_MS: "0", SHUTDOWN_TIMEOUT_MS: "300" });
  const alice = await userHeaders("alice");
  expect((await call(svc, "/v1/notes", { headers: alice })).res.status).toBe(200);
  rig.pg.setDelay(delayMs);
  const slow = Array.from({ length: 5 }, () =>
    call(svc, "/v1/notes", { headers: alice }).then(
      (r) => r.res.status,
      () => "cut",
    ),
  );
  await Bun.sleep(200);
  svc.proc.kill("SIGTERM");
  expect(await svc.proc.exited).toBe(0);
  expect(await Promise.all(slow)).toEqual(Array(5).fill("cut"));
  const logs = logLines(svc).map((l) => l.msg);
  expect(logs).toContain("shutdown: drain deadline passed; closing remaining connections");
  return logs;
};

/**
 * SIGTERM, then SIGINT while the shutdown delay runs: checks readiness failed after the first and
 * the process exits 1 saying so; returns how long the exit took after the second signal.
 */
export const expectSecondSignalExits = async (rig: DrainRig) => {
  const svc = await rig.start({ SHUTDOWN_DELAY_MS: "20000" });
  svc.proc.kill("SIGTERM");
  await Bun.sleep(200);
  expect((await call(svc, "/readyz")).res.status).toBe(503);
  const second = performance.now();
  svc.proc.kill("SIGINT");
  expect(await svc.proc.exited).toBe(1);
  const ms = performance.now() - second;
  expect(svc.output()).toContain("shutdown: second signal; exiting now");
  return { svc, ms };
};

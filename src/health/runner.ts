import type { Checker, CheckOutcome, CheckResult } from "./types";

/** One run of every checker. */
export interface HealthRun {
  outcomes: CheckOutcome[];
  /** performance.now() when the run finished; the TTL counts from here. */
  finishedAt: number;
}

export interface HealthRunnerOptions {
  checkers: readonly Checker[];
  /** HEALTH_CHECK_TIMEOUT_MS: the default bound for each checker. */
  timeoutMs: number;
  /** HEALTH_CACHE_TTL_MS: how long one run's results are reused. */
  ttlMs: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

class CheckTimeout extends Error {}

/**
 * Runs one checker bounded by its timeout. On overrun the checker's signal is aborted and its
 * promise is left behind: the caller gets "timed out after N ms" at the deadline, not later.
 */
const runChecker = async (checker: Checker, defaultTimeoutMs: number): Promise<CheckOutcome> => {
  const timeoutMs = checker.timeoutMs ?? defaultTimeoutMs;
  const controller = new AbortController();
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeout(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  let result: CheckResult;
  try {
    result = await Promise.race([Promise.resolve().then(() => checker.check(controller.signal)), deadline]);
  } catch (error) {
    result = {
      status: "fail",
      latencyMs: performance.now() - started,
      message: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
  // A non-critical checker never fails the service: its failure is a warning.
  const status = result.status === "fail" && !checker.critical ? "warn" : result.status;
  return {
    ...result,
    status,
    latencyMs: result.latencyMs === undefined ? undefined : round(result.latencyMs),
    name: checker.name,
    critical: checker.critical,
    component: checker.component,
    time: new Date().toISOString(),
  };
};

/**
 * Runs every checker in parallel and reuses the results for `ttlMs`; callers that arrive while
 * a run is in flight share it, so load on `/health` never multiplies into load on the database.
 *
 * @example
 * const health = createHealthRunner({ checkers, timeoutMs: 2000, ttlMs: 1000 });
 * const { outcomes } = await health.run();
 */
export const createHealthRunner = ({ checkers, timeoutMs, ttlMs }: HealthRunnerOptions) => {
  let last: HealthRun | undefined;
  let inFlight: Promise<HealthRun> | undefined;
  const fresh = () => last !== undefined && performance.now() - last.finishedAt < ttlMs;
  return {
    checkers,
    /** The latest results: cached within the TTL, otherwise one shared run. */
    run(): Promise<HealthRun> {
      if (last && fresh()) return Promise.resolve(last);
      inFlight ??= Promise.all(checkers.map((c) => runChecker(c, timeoutMs))).then((outcomes) => {
        last = { outcomes, finishedAt: performance.now() };
        inFlight = undefined;
        return last;
      });
      return inFlight;
    },
  };
};

export type HealthRunner = ReturnType<typeof createHealthRunner>;

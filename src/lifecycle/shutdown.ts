import type { Logger } from "../logger";
import type { Lifecycle } from "./state";

/** A server the runtime adapter runs: it can stop accepting and report what is still in flight. */
export interface Listener {
  name: string;
  /** Requests being served right now. */
  inFlight(): number;
  /** Stops accepting; resolves when every connection closed. `force` cuts in-flight requests. */
  stop(force: boolean): Promise<void>;
}

export interface ShutdownOptions {
  lifecycle: Lifecycle;
  listeners: readonly Listener[];
  /** SHUTDOWN_DELAY_MS: how long readiness fails before the listeners stop. */
  delayMs: number;
  /** SHUTDOWN_TIMEOUT_MS: how long in-flight requests may take once the listeners stopped. */
  timeoutMs: number;
  logger: Logger;
  /** Bound on each cleanup step, so one hung close cannot keep the process alive. */
  stepTimeoutMs?: number;
}

export interface ShutdownResult {
  /** Requests in flight when the listeners stopped accepting. */
  inFlight: number;
  /** True when the drain deadline passed and remaining requests were cut. */
  forced: boolean;
  /** Cleanup steps that threw or overran. */
  failedSteps: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The graceful stop: readiness fails at once, the listeners keep serving for
 * `delayMs` so load balancers notice, then stop accepting and drain until `timeoutMs` (then
 * force), then the cleanup steps run in order (monitoring flush, cache, database last).
 * Runtime-free: adapters pass their listeners and own the signals and the exit.
 */
export const gracefulShutdown = async ({
  lifecycle,
  listeners,
  delayMs,
  timeoutMs,
  logger,
  stepTimeoutMs = 10_000,
}: ShutdownOptions): Promise<ShutdownResult> => {
  lifecycle.beginDraining();
  logger.info("shutdown: readiness failing", { delayMs });
  if (delayMs > 0) await sleep(delayMs);

  const inFlight = listeners.reduce((n, l) => n + l.inFlight(), 0);
  const drained = Promise.all(listeners.map((l) => l.stop(false))).then(() => true);
  logger.info("shutdown: stopped accepting connections", { inFlight, timeoutMs });
  const forced = !(await Promise.race([drained, sleep(timeoutMs).then(() => false)]));
  if (forced) {
    const left = listeners.reduce((n, l) => n + l.inFlight(), 0);
    logger.warn("shutdown: drain deadline passed; closing remaining connections", { inFlight: left });
    await Promise.all(listeners.map((l) => l.stop(true)));
  } else {
    logger.info("shutdown: drained", { inFlight });
  }

  const failedSteps: string[] = [];
  for (const step of lifecycle.shutdownSteps()) {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(step.run),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${stepTimeoutMs} ms`)), stepTimeoutMs);
        }),
      ]);
      logger.info(`shutdown: ${step.name}`, { step: step.name, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      failedSteps.push(step.name);
      logger.error(`shutdown: ${step.name} failed`, { step: step.name, error });
    } finally {
      clearTimeout(timer);
    }
  }
  logger.info("shutdown: complete", { inFlight, forced, failedSteps });
  return { inFlight, forced, failedSteps };
};

import type { Cache } from "../cache/types";
import type { Config } from "../config";
import type { Database } from "../db/types";

export type CheckStatus = "pass" | "warn" | "fail";

/** What one check observed. A checker that throws (or overruns its timeout) has failed. */
export interface CheckResult {
  status: CheckStatus;
  latencyMs?: number;
  observedValue?: number;
  observedUnit?: string;
  message?: string;
}

/**
 * One independent check. `critical` decides whether its failure fails the service (503) or only
 * warns (200); `timeoutMs` overrides HEALTH_CHECK_TIMEOUT_MS for this checker; `component`
 * names it in the IETF health+json format (`database:responseTime`).
 */
export interface Checker {
  name: string;
  critical: boolean;
  timeoutMs?: number;
  component: { type: string; measurement: string };
  check(signal: AbortSignal): Promise<CheckResult>;
}

/** What every checker may use; the runtime adapter passes what only it can measure. */
export interface HealthDeps {
  config: Config;
  db: Database;
  cache: Cache;
  /** Resident set size of this process; absent on runtimes that cannot tell (edge). */
  readRssBytes?: () => number;
}

/** Builds a checker from the service's dependencies; the registry lists one per line. */
export type CheckerFactory = (deps: HealthDeps) => Checker;

/** One checker's result after the runner applied its timeout and criticality. */
export interface CheckOutcome extends CheckResult {
  name: string;
  critical: boolean;
  component: Checker["component"];
  /** When this check finished (ISO 8601). */
  time: string;
}

import type { Config } from "../config";
import type { Phase } from "../lifecycle/state";
import type { HealthRun } from "./runner";
import type { CheckOutcome, CheckStatus } from "./types";

/** The verdict on one run, plus what the renderers need to describe the service. */
export interface HealthReport {
  healthy: boolean;
  status: CheckStatus;
  phase: Phase;
  outcomes: CheckOutcome[];
  service: { version: string; releaseId: string; environment: string; uptime: number };
}

/** The message every caller without the ops token sees for a check that did not pass (staging/production). */
export const HIDDEN = "unavailable";

/**
 * Judges a run: a failed critical check, or a process that is starting or draining, is
 * unhealthy (503); a warning anywhere else leaves it healthy with `status: "warn"` (200).
 * Without `detailed`, the message of every check that did not pass is replaced, so failures
 * never describe the infrastructure.
 */
export const assessHealth = (
  run: HealthRun,
  { config, phase, detailed, bootedAt }: { config: Config; phase: Phase; detailed: boolean; bootedAt: number },
): HealthReport => {
  const healthy = phase === "serving" && !run.outcomes.some((o) => o.critical && o.status === "fail");
  const status: CheckStatus = !healthy ? "fail" : run.outcomes.some((o) => o.status !== "pass") ? "warn" : "pass";
  return {
    healthy,
    status,
    phase,
    outcomes: detailed
      ? run.outcomes
      : run.outcomes.map((o) => (o.status === "pass" || o.message === undefined ? o : { ...o, message: HIDDEN })),
    service: {
      version: config.version,
      releaseId: config.commit ?? config.version,
      environment: config.mode,
      uptime: Math.floor((Date.now() - bootedAt) / 1000),
    },
  };
};

/** The `/health` body in berth's own JSON shape (the README's health section), with `draining`/`starting` when not serving. */
export const healthBody = (report: HealthReport) => ({
  healthy: report.healthy,
  status: report.status,
  ...report.service,
  time: new Date().toISOString(),
  ...(report.phase === "serving" ? {} : { [report.phase]: true }),
  checks: Object.fromEntries(
    report.outcomes.map((o) => [
      o.name,
      {
        healthy: o.status === "pass",
        status: o.status,
        critical: o.critical,
        latencyMs: o.latencyMs,
        observedValue: o.observedValue,
        observedUnit: o.observedUnit,
        message: o.message,
      },
    ]),
  ),
});

import type { HealthReport } from "./report";

/** The media type of draft-inadarei-api-health-check. */
export const HEALTH_JSON = "application/health+json";

const PHASE_NOTES = {
  starting: "starting: migrations or the first database round trip are not done",
  draining: "draining: this instance is shutting down",
} as const;

/** True when the caller asked for the IETF health format. */
export const wantsHealthJson = (accept: string | undefined) => accept?.toLowerCase().includes(HEALTH_JSON) === true;

/**
 * The report in the IETF draft format: `checks` keyed `component:measurement`, each an array of
 * observations; `output` only on checks that did not pass, as the draft asks.
 */
export const healthJsonBody = (report: HealthReport) => ({
  status: report.status,
  version: report.service.version,
  releaseId: report.service.releaseId,
  description: `berth (${report.service.environment})`,
  ...(report.phase === "serving" ? {} : { notes: [PHASE_NOTES[report.phase]] }),
  checks: Object.fromEntries(
    report.outcomes.map((o) => {
      const latency = o.observedValue === undefined && o.latencyMs !== undefined;
      return [
        `${o.name}:${o.component.measurement}`,
        [
          {
            componentId: o.name,
            componentType: o.component.type,
            observedValue: latency ? o.latencyMs : o.observedValue,
            observedUnit: latency ? "ms" : o.observedUnit,
            status: o.status,
            time: o.time,
            ...(o.status !== "pass" && o.message !== undefined ? { output: o.message } : {}),
          },
        ],
      ];
    }),
  ),
});

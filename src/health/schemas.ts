import { z } from "@hono/zod-openapi";

const CheckStatusSchema = z.enum(["pass", "warn", "fail"]);

/** What `/livez`, `/readyz` and `/startupz` answer; `checks` (readiness only) maps each check to its status. */
export const ProbeSchema = z
  .object({
    status: CheckStatusSchema,
    reason: z.string().optional().openapi({ description: "Why the probe fails: starting, draining or the checks" }),
    checks: z.record(z.string(), CheckStatusSchema).optional(),
  })
  .openapi("Probe");

/** The `/health` report in berth's own JSON (`healthBody`). */
export const HealthReportSchema = z
  .object({
    healthy: z.boolean(),
    status: CheckStatusSchema,
    version: z.string(),
    releaseId: z.string(),
    environment: z.string(),
    uptime: z.number().int().min(0).openapi({ description: "Seconds since the process booted" }),
    time: z.iso.datetime(),
    starting: z.literal(true).optional(),
    draining: z.literal(true).optional(),
    checks: z.record(
      z.string(),
      z.object({
        healthy: z.boolean(),
        status: CheckStatusSchema,
        critical: z.boolean(),
        latencyMs: z.number().optional(),
        observedValue: z.number().optional(),
        observedUnit: z.string().optional(),
        message: z.string().optional(),
      }),
    ),
  })
  .openapi("HealthReport", { description: "berth's health report (`Accept: application/json`, the default)." });

/** The `/health` report in the IETF health-check draft's format (`healthJsonBody`). */
export const HealthCheckSchema = z
  .object({
    status: CheckStatusSchema,
    version: z.string(),
    releaseId: z.string(),
    description: z.string(),
    notes: z.array(z.string()).optional(),
    checks: z.record(
      z.string().openapi({ description: "`component:measurement`" }),
      z.array(
        z.object({
          componentId: z.string(),
          componentType: z.string(),
          observedValue: z.number().optional(),
          observedUnit: z.string().optional(),
          status: CheckStatusSchema,
          time: z.iso.datetime(),
          output: z.string().optional(),
        }),
      ),
    ),
  })
  .openapi("HealthCheck", {
    description: "The report as draft-inadarei-api-health-check has it (`Accept: application/health+json`).",
  });

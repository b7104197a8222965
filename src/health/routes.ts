import { type Context, Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../http";
import type { Lifecycle } from "../lifecycle/state";
import { HEALTH_JSON, healthJsonBody, wantsHealthJson } from "./ietf";
import { hasOpsToken } from "./ops-token";
import { assessHealth, healthBody } from "./report";
import type { HealthRunner } from "./runner";

/** What the probes read: the shared health runner and the process's lifecycle. */
export interface ProbeDeps {
  config: Config;
  health: HealthRunner;
  lifecycle: Lifecycle;
}

// Probe responses describe this instant; no cache or proxy may replay them.
const NO_STORE = { "Cache-Control": "no-store" };

const probeJson = (c: Context, body: unknown, status: 200 | 503) => c.json(body, status, NO_STORE);

/** `GET /livez`: the process is up. No I/O, so it stays 200 while draining or while the database is down. */
export const livez = () => (c: Context) => probeJson(c, { status: "pass" }, 200);

/**
 * `GET /health`: the full report, in berth's JSON or (on `Accept: application/health+json`) the
 * IETF draft format. `detailed` decides whether failure messages are shown to this caller.
 */
export const healthHandler =
  ({ config, health, lifecycle }: ProbeDeps, detailed: (c: Context) => boolean) =>
  async (c: Context) => {
    const run = await health.run();
    const report = assessHealth(run, {
      config,
      phase: lifecycle.phase,
      detailed: detailed(c),
      bootedAt: lifecycle.bootedAt,
    });
    const status = report.healthy ? 200 : 503;
    return wantsHealthJson(c.req.header("accept"))
      ? c.body(JSON.stringify(healthJsonBody(report)), status, { ...NO_STORE, "Content-Type": HEALTH_JSON })
      : probeJson(c, healthBody(report), status);
  };

/**
 * The probes of the API server: `/livez`, `/readyz`, `/startupz`, `/health`. Outside
 * development/test, `/health` shows failure messages only to callers with the ops token.
 *
 * @example app.route("/", createProbeRouter({ config, health, lifecycle }))
 */
export const createProbeRouter = (deps: ProbeDeps) => {
  const { config, health, lifecycle } = deps;
  const showsDetails = (c: Context) => !config.strict || hasOpsToken(c.req.header("authorization"), config.opsToken);
  return new Hono<AppEnv>()
    .get("/livez", livez())
    .get("/startupz", (c) =>
      lifecycle.started
        ? probeJson(c, { status: "pass" }, 200)
        : probeJson(c, { status: "fail", reason: "starting" }, 503),
    )
    .get("/readyz", async (c) => {
      if (lifecycle.draining) return probeJson(c, { status: "fail", reason: "draining" }, 503);
      if (!lifecycle.started) return probeJson(c, { status: "fail", reason: "starting" }, 503);
      const { outcomes } = await health.run();
      const checks = Object.fromEntries(outcomes.map((o) => [o.name, o.status]));
      // Draining may have begun while the checks ran.
      if (lifecycle.draining) return probeJson(c, { status: "fail", reason: "draining", checks }, 503);
      const failed = outcomes.filter((o) => o.critical && o.status === "fail").map((o) => o.name);
      if (failed.length) return probeJson(c, { status: "fail", reason: `failing: ${failed.join(", ")}`, checks }, 503);
      return probeJson(c, { status: outcomes.some((o) => o.status !== "pass") ? "warn" : "pass", checks }, 200);
    })
    .get("/health", healthHandler(deps, showsDetails));
};

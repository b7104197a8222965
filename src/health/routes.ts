import { type Context, type Handler, Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../http";
import type { Lifecycle } from "../lifecycle/state";
import type { Answer } from "../monitoring/request-frame";
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

/**
 * How probes build their answers and run their handlers. Plain by default; the API passes its
 * request frame's (`requestFrame`), so a probe is answered without Hono's middleware engine.
 */
export interface ProbeFraming {
  answers: (headers: Record<string, string>) => Answer;
  alone: (handler: Handler<AppEnv>) => Handler<AppEnv>;
}

const plain: ProbeFraming = {
  answers: (headers) => (c, body, status) => c.body(body, status, headers),
  alone: (handler) => handler,
};

type Json = (c: Context, body: unknown, status: 200 | 503) => Response;

// Probe answers describe this instant; no cache or proxy may replay them.
const JSON_ANSWER = { "Content-Type": "application/json", "Cache-Control": "no-store" };

const probeAnswers = ({ answers }: ProbeFraming): { json: Json; healthJson: Json } => {
  const json = answers(JSON_ANSWER);
  const healthJson = answers({ ...JSON_ANSWER, "Content-Type": HEALTH_JSON });
  return {
    json: (c, body, status) => json(c, JSON.stringify(body), status),
    healthJson: (c, body, status) => healthJson(c, JSON.stringify(body), status),
  };
};

/** `GET /livez`: the process answers. No I/O, so it stays 200 while draining or while the database is down. */
export const livez = (framing = plain) => {
  const json = framing.answers(JSON_ANSWER);
  const body = JSON.stringify({ status: "pass" });
  return (c: Context) => json(c, body, 200);
};

/**
 * `GET /health`: the full report, in berth's JSON or (on `Accept: application/health+json`) the
 * IETF draft format. `detailed` decides whether failure messages are shown to this caller.
 */
export const healthHandler = (
  { config, health, lifecycle }: ProbeDeps,
  detailed: (c: Context) => boolean,
  framing = plain,
) => {
  const { json, healthJson } = probeAnswers(framing);
  return async (c: Context) => {
    const run = await health.run();
    const report = assessHealth(run, {
      config,
      phase: lifecycle.phase,
      detailed: detailed(c),
      bootedAt: lifecycle.bootedAt,
    });
    const status = report.healthy ? 200 : 503;
    return wantsHealthJson(c.req.header("accept"))
      ? healthJson(c, healthJsonBody(report), status)
      : json(c, healthBody(report), status);
  };
};

/**
 * The probes of the API server: `/livez`, `/readyz`, `/startupz`, `/health`. Outside
 * development/test, `/health` shows failure messages only to callers with the ops token.
 *
 * @example app.route("/", probeRoutes({ config, health, lifecycle }))
 */
export const probeRoutes = (deps: ProbeDeps, framing = plain) => {
  const { config, health, lifecycle } = deps;
  const showsDetails = (c: Context) => !config.strict || hasOpsToken(c.req.header("authorization"), config.opsToken);
  const { json } = probeAnswers(framing);
  const { alone } = framing;
  return new Hono<AppEnv>()
    .get("/livez", alone(livez(framing)))
    .get(
      "/startupz",
      alone((c) =>
        lifecycle.started ? json(c, { status: "pass" }, 200) : json(c, { status: "fail", reason: "starting" }, 503),
      ),
    )
    .get(
      "/readyz",
      alone(async (c) => {
        if (lifecycle.draining) return json(c, { status: "fail", reason: "draining" }, 503);
        if (!lifecycle.started) return json(c, { status: "fail", reason: "starting" }, 503);
        const { outcomes } = await health.run();
        const checks = Object.fromEntries(outcomes.map((o) => [o.name, o.status]));
        // Draining may have begun while the checks ran.
        if (lifecycle.draining) return json(c, { status: "fail", reason: "draining", checks }, 503);
        const failed = outcomes.filter((o) => o.critical && o.status === "fail").map((o) => o.name);
        if (failed.length) return json(c, { status: "fail", reason: `failing: ${failed.join(", ")}`, checks }, 503);
        return json(c, { status: outcomes.some((o) => o.status !== "pass") ? "warn" : "pass", checks }, 200);
      }),
    )
    .get("/health", alone(healthHandler(deps, showsDetails, framing)));
};

import { Hono, type MiddlewareHandler } from "hono";
import type { Config } from "../config";
import type { HealthRunner } from "../health";
import { hasOpsToken } from "../health/ops-token";
import { healthHandler, livez } from "../health/routes";
import { Problem, problemResponse, renderError } from "../http";
import type { Lifecycle } from "../lifecycle/state";
import type { Logger } from "../logger";
import { metricsHandler } from "../monitoring/metrics/handler";
import type { MetricsRegistry } from "../monitoring/metrics/registry";
import { requestFrame } from "../monitoring/request-frame";

/** What the ops server needs; the same health runner and lifecycle as the API. */
export interface OpsDeps {
  config: Config;
  health: HealthRunner;
  lifecycle: Lifecycle;
  logger: Logger;
  /** Served at `/metrics` in Prometheus text format when given. */
  metrics?: MetricsRegistry;
  /** The dashboard's routes (`GET /` and `/dashboard/*`), which check access themselves. */
  dashboard?: Hono;
}

// Whoever reaches a guarded ops route may see every failure message.
const fullDetail = () => true;

/** Requires `Authorization: Bearer $OPS_TOKEN` when OPS_TOKEN is set; lets everything through when it is not. */
export const requireOpsToken = (token: string | undefined): MiddlewareHandler =>
  async function requireOpsToken(c, next) {
    if (token && !hasOpsToken(c.req.header("authorization"), token)) {
      throw new Problem(401, "This endpoint needs the ops token.", { headers: { "WWW-Authenticate": "Bearer" } });
    }
    await next();
  };

/**
 * The ops server on OPS_PORT (never published to the internet): `/livez` and `/health` with
 * full detail. Routes added before the token guard are open (scrapers, probes); routes after it
 * need the ops token when one is configured.
 *
 * @example
 * Bun.serve({ port: config.opsPort, fetch: createOpsApp({ config, health, lifecycle, logger }).fetch });
 */
export const createOpsApp = (deps: OpsDeps) => {
  const { config, logger } = deps;
  const app = new Hono();
  // Names every request (`X-Request-Id`, and the `requestId` of its problem responses).
  app.use(requestFrame());

  // Open: Prometheus scrapes and liveness probes carry no token. `/metrics` goes here.
  app.get("/livez", livez());
  if (deps.metrics) app.get("/metrics", metricsHandler(deps.metrics));
  // The dashboard takes a bearer token or its own sign-in cookie, and serves the sign-in form openly.
  if (deps.dashboard) app.route("/", deps.dashboard);

  // Guarded: everything below needs the ops token when OPS_TOKEN is set.
  app.use(requireOpsToken(config.opsToken));
  app.get("/health", healthHandler(deps, fullDetail));

  app.notFound((c) => problemResponse(c, new Problem(404, `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError(
    renderError({
      exposeInternals: !config.strict,
      onUnexpected: (error) => logger.error("unhandled error on the ops server", { error }),
    }),
  );
  return app;
};

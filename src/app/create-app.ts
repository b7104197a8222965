import type { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { getPath } from "hono/utils/url";
import { authenticate, requireUser } from "../auth/middleware";
import type { TokenVerifier } from "../auth/verifier";
import type { Cache } from "../cache/types";
import type { Config } from "../config";
import type { Database } from "../db/types";
import type { HealthRunner } from "../health";
import { probeRoutes } from "../health/routes";
import { type AppEnv, createRouter, limitBody, notFoundOrMethodNotAllowed, renderError } from "../http";
import { createIdempotency } from "../idempotency";
import type { Lifecycle } from "../lifecycle/state";
import type { Logger } from "../logger";
import type { Monitoring } from "../monitoring/reporter";
import { requestFrame } from "../monitoring/request-frame";
import { rateLimit } from "../rate-limit";
import { createDebugSentryRouter } from "../routes/debug-sentry";
import { createMeRouter } from "../routes/me";
import { createNotesRepository, createNotesRouter, createNotesService } from "../routes/notes";
import { documentApi } from "./openapi";

/** Everything the app needs, built by a runtime adapter and passed in. */
export interface AppDeps {
  config: Config;
  db: Database;
  cache: Cache;
  verify: TokenVerifier;
  logger: Logger;
  /** The shared health runner (`createHealth`); the ops server reports from the same one. */
  health: HealthRunner;
  /** Startup and draining state the probes report. */
  lifecycle: Lifecycle;
  /** Error reporting (Sentry, built on the runtime side) and request metrics; both optional. */
  monitoring?: Monitoring;
}

const exposesInternals = (config: Config) => config.mode === "development" || config.mode === "test";

/**
 * Builds the API: one visible middleware order, then the routes. Imports nothing runtime-specific,
 * so Bun, Node and edge adapters serve the same app.
 *
 * @example
 * const app = createApp({ config, db, cache, verify, logger, health, lifecycle });
 * Bun.serve({ port: config.port, fetch: app.fetch });
 */
export const createApp = (deps: AppDeps) => {
  const { config, logger } = deps;
  const app = createRouter();
  const { reporter, metrics } = deps.monitoring ?? {};
  const frame = requestFrame({ logger, metrics, reporter, answerHeaders: secureHeaders() });
  const onError = renderError({
    exposeInternals: exposesInternals(config),
    onUnexpected: (error, c) => logger.error("unhandled error", { requestId: c.get("requestId"), error }),
  });
  const corsLayer = config.corsOrigins.length
    ? cors({ origin: [...config.corsOrigins], credentials: false })
    : undefined;

  // First, so every later layer (auth's user id included) runs inside the request's isolation
  // scope, and every answer (the error mapper's included) gets the security headers and is
  // logged, counted and reported once.
  app.use(frame.middleware);
  if (corsLayer) app.use(corsLayer);
  // Probes carry no token and must never be throttled into restarting a healthy machine: they
  // answer here, before authentication, rate limit and body limit (Hono stops at the first
  // handler that answers). Without CORS they need no layer but the frame, and GET and HEAD on
  // them are served apart (`serveProbesApart`); they are still registered here, so the route
  // table (405s, the OpenAPI document) lists them.
  const probes = probeRoutes(
    deps,
    corsLayer ? undefined : { answers: frame.answers, alone: (handler) => frame.alone(handler, onError) },
  );
  const probed = app.route("/", probes);
  // Rate limiting keys by the verified user, so authentication comes first; both run before the
  // body is read, so a throttled client costs no body buffering.
  app.use(authenticate({ verify: deps.verify, onUser: reporter && ((user) => reporter.setUser(user.id)) }));
  app.use(
    rateLimit({ cache: deps.cache, limitPerMinute: config.rateLimitPerMinute, trustProxy: config.trustProxy, logger }),
  );
  app.use(limitBody(config.bodyLimitBytes));
  app.use("/v1/*", requireUser());

  const notes = createNotesService(createNotesRepository(deps.db), deps.cache, config.cache.noteTtlMs, logger);
  const routes = probed.route("/", createMeRouter()).route("/", createNotesRouter(notes, createIdempotency(deps.db)));
  if (config.sentry.debugRoute) app.route("/", createDebugSentryRouter());

  documentApi(app, config);

  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(onError);
  if (!corsLayer) serveProbesApart(app, probes);
  return routes;
};

/**
 * Serves GET and HEAD on the probe paths from `probes` alone. Every path of `app` matches its
 * `use` layers (authentication, rate limit, body limit), so a probe served there runs through
 * Hono's middleware engine even though it answers before any of them; a router of its own
 * matches the probe's one handler, which Hono calls directly. Everything else, other methods on
 * the probe paths included (405), goes to `app`.
 */
const serveProbesApart = (app: Hono<AppEnv>, probes: Hono<AppEnv>) => {
  const paths = new Set(probes.routes.map((route) => route.path));
  const dispatch = app.fetch;
  app.fetch = (request, env, executionCtx) =>
    (request.method === "GET" || request.method === "HEAD") && paths.has(getPath(request))
      ? probes.fetch(request, env, executionCtx)
      : dispatch(request, env, executionCtx);
};

/** The API's type, for a typed `hc<AppType>` client from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;

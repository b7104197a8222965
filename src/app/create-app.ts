import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { authenticate, requireUser } from "../auth/middleware";
import type { TokenVerifier } from "../auth/verifier";
import type { Cache } from "../cache/types";
import type { Config } from "../config";
import type { Database } from "../db/types";
import type { HealthRunner } from "../health";
import { createProbeRouter } from "../health/routes";
import { createRouter, headContentLength, limitBody, notFoundOrMethodNotAllowed, renderError } from "../http";
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
  const { reporter, metrics } = deps.monitoring ?? {};
  const app = createRouter();

  // First, so every later layer (auth's user id included) runs inside the request's isolation
  // scope, and every response (the error handler's included) gets the security headers and is
  // logged, counted and reported once.
  app.use(requestFrame({ logger, metrics, reporter }));
  app.use(headContentLength());
  // X-XSS-Protection and X-Download-Options are deprecated (browsers ignore or misuse them).
  app.use(secureHeaders({ xXssProtection: false, xDownloadOptions: false }));
  if (config.corsOrigins.length) app.use(cors({ origin: [...config.corsOrigins], credentials: false }));
  // Probes carry no token and must never be throttled into restarting a healthy machine: they
  // respond here, before authentication, rate limit and body limit.
  const probed = app.route("/", createProbeRouter(deps));
  // Rate limiting keys by the verified user, so authentication comes first; both run before the
  // body is read, so a throttled client costs no body buffering.
  app.use(authenticate({ verify: deps.verify, onUser: reporter && ((user) => reporter.setUser(user.id)) }));
  app.use(
    rateLimit({ cache: deps.cache, limitPerMinute: config.rateLimitPerMinute, trustProxy: config.trustProxy, logger }),
  );
  app.use(limitBody(config.bodyLimitBytes));
  app.use("/v1/*", requireUser());

  const notes = createNotesService(createNotesRepository(deps.db), deps.cache, config.cache.noteTtlMs, logger);
  const routes = probed
    .route("/", createMeRouter())
    .route("/", createNotesRouter(notes, createIdempotency(deps.db, logger)));
  if (config.sentry.debugRoute) app.route("/", createDebugSentryRouter());

  documentApi(app, config);

  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(
    renderError({
      exposeInternals: config.mode === "development" || config.mode === "test",
      onUnexpected: (error, c) => logger.error("unhandled error", { requestId: c.get("requestId"), error }),
    }),
  );
  return routes;
};

/** The API's type, for a typed `hc<AppType>` client from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;

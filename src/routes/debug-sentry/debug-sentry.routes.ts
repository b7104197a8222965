import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../auth/middleware";

/**
 * `GET /debug-sentry`: needs a bearer token and always fails. Left out of the OpenAPI document,
 * since it exists only while SENTRY_DEBUG_ROUTE=true.
 */
export const debugSentryRoute = createRoute({
  method: "get",
  path: "/debug-sentry",
  hide: true,
  middleware: [requireUser()] as const,
  responses: {},
});

export type DebugSentryRoute = typeof debugSentryRoute;

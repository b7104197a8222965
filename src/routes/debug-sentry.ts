import { Hono } from "hono";
import type { AppEnv } from "../app/env";
import { requireUser } from "../auth/middleware";

/** Thrown on purpose by `GET /debug-sentry`; never caught, so it takes the real 500 path. */
export class DebugSentryError extends Error {
  constructor(requestId: string | undefined) {
    // The request id makes every message distinct, so Sentry keeps each call as its own event.
    super(`Sentry debug error for request ${requestId ?? "unknown"}`);
    this.name = "DebugSentryError";
  }
}

/**
 * `GET /debug-sentry` (mounted only when SENTRY_DEBUG_ROUTE=true): needs a bearer token and
 * throws, to check after a deploy that an error reaches Sentry with its route, request id and user.
 */
export const debugSentryRoutes = () =>
  new Hono<AppEnv>().get("/debug-sentry", requireUser(), (c) => {
    throw new DebugSentryError(c.get("requestId"));
  });

import type { AppRouteHandler } from "../../http";
import type { DebugSentryRoute } from "./debug-sentry.routes";

/** Thrown on purpose by `GET /debug-sentry`; never caught, so it takes the real 500 path. */
export class DebugSentryError extends Error {
  constructor(requestId: string | undefined) {
    // The request id makes every message distinct, so Sentry keeps each call as its own event.
    super(`Sentry debug error for request ${requestId ?? "unknown"}`);
    this.name = "DebugSentryError";
  }
}

/** Throws, to check after a deploy that an error reaches Sentry with its route, request id and user. */
export const debugSentry: AppRouteHandler<DebugSentryRoute> = (c) => {
  throw new DebugSentryError(c.get("requestId"));
};

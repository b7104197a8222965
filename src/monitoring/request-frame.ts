import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http";
import type { Logger } from "../logger";
import { httpMetrics } from "./metrics/http";
import type { MetricsRegistry } from "./metrics/registry";
import type { Reporter } from "./reporter";
import { requestLog } from "./request-log";
import { requestScope } from "./request-scope";
import { routeLabel } from "./route";

const HEADER = "X-Request-Id";
// Hono's `requestId` rule: up to 255 word characters, `-` and `=`; anything else is replaced.
const WELL_FORMED = /^[\w\-=]{1,255}$/;

export interface RequestFrameOptions {
  /** Writes one line per request when given. */
  logger?: Logger;
  /** Counts every request and its duration when given. */
  metrics?: MetricsRegistry;
  /** Runs every request in its own error-reporting scope (Sentry) when given. */
  reporter?: Reporter;
}

/**
 * The app's first middleware: names the request, runs the rest in the reporter's scope, and logs
 * and counts the finalized response (docs/architecture.md, "One request through the API").
 *
 * @example
 * app.use(requestFrame({ logger, metrics, reporter }));
 */
export const requestFrame = ({ logger, metrics, reporter }: RequestFrameOptions = {}): MiddlewareHandler<AppEnv> => {
  const log = logger && requestLog(logger);
  const record = metrics && httpMetrics(metrics);
  const scope = reporter && requestScope(reporter);
  return async function requestFrame(c, next) {
    const started = performance.now();
    const inbound = c.req.header(HEADER);
    c.set("requestId", inbound && WELL_FORMED.test(inbound) ? inbound : crypto.randomUUID());
    await (scope ? scope(c, next) : next());
    // On the finalized response itself: `c.header()` now would copy it into a new Response first.
    c.res.headers.set(HEADER, c.get("requestId"));
    const summary = { route: routeLabel(c), durationMs: performance.now() - started };
    record?.(c, summary);
    log?.(c, summary);
  };
};

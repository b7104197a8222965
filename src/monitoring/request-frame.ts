import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app/env";
import type { Logger } from "./logger";
import { httpMetrics } from "./metrics/http";
import type { MetricsRegistry } from "./metrics/registry";
import type { Reporter } from "./reporter";
import { requestLog } from "./request-log";
import { requestScope } from "./request-scope";
import { routeLabel } from "./route";

/** What is known of a request once it has been answered, for its log line and its metrics. */
export interface Answered {
  /** Route pattern (`/v1/notes/:id`) or the shared unmatched label. */
  route: string;
  durationMs: number;
}

const HEADER = "X-Request-Id";
const answeredAlready = () => Promise.resolve();
// Hono's `requestId` rule: up to 255 word characters, `-` and `=`; anything else is replaced.
const WELL_FORMED = /^[\w\-=]{1,255}$/;

/**
 * The first middleware, and everything done around every request: names it (`c.var.requestId`
 * and the `X-Request-Id` response header, an inbound one kept when it is well-formed), runs the
 * rest in the reporter's isolation scope (Sentry, when configured), then, once it is answered,
 * sets the answer's headers, writes its log line and records its metrics. One layer for all of
 * it, because every request pays for each layer it passes.
 *
 * @example app.use(requestFrame({ logger, metrics, reporter, answerHeaders: secureHeaders() }))
 */
export const requestFrame = ({
  logger,
  metrics,
  reporter,
  answerHeaders,
}: {
  logger?: Logger;
  metrics?: MetricsRegistry;
  reporter?: Reporter;
  /**
   * Middleware that only sets response headers after `next()`, such as `secureHeaders()`: run
   * once the answer exists (errors included), so it adds no wait of its own to the request.
   */
  answerHeaders?: MiddlewareHandler;
}) => {
  const log = logger && requestLog(logger);
  const record = metrics && httpMetrics(metrics);
  const scope = reporter && requestScope(reporter);
  // Not an async function: awaiting `next()` would keep a suspended frame per request across
  // everything the request waits on (the database round trip of a note read, say).
  const middleware: MiddlewareHandler<AppEnv> = function requestFrame(c, next) {
    const started = performance.now();
    const inbound = c.req.raw.headers.get(HEADER);
    const id = inbound && WELL_FORMED.test(inbound) ? inbound : crypto.randomUUID();
    c.set("requestId", id);
    c.header(HEADER, id);
    const answered: Promise<unknown> = scope ? scope(c, next) : next();
    return answered.then(async (): Promise<void> => {
      await answerHeaders?.(c, answeredAlready);
      if (!log && !record) return;
      const done = { route: routeLabel(c), durationMs: performance.now() - started };
      record?.(c, done);
      log?.(c, done);
    });
  };
  return middleware;
};

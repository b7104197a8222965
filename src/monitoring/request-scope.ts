import type { Context, Next } from "hono";
import type { AppEnv } from "../http";
import type { Reporter } from "./reporter";
import { routeLabel } from "./route";

/** Probes, health, ops and metrics: polled every few seconds, so never traced. */
export const UNTRACED_ROUTES: ReadonlySet<string> = new Set(["/livez", "/readyz", "/startupz", "/health", "/metrics"]);

/**
 * Runs the rest of a request in its own error-reporting scope, traced unless it is a probe, and
 * reports its 5xx once the error mapper has answered (docs/architecture.md, "Error reporting").
 *
 * @example const scope = requestScope(reporter); await scope(c, next);
 */
export const requestScope =
  (reporter: Reporter) =>
  (c: Context<AppEnv>, next: Next): Promise<unknown> => {
    const route = routeLabel(c);
    return reporter.runRequest(
      {
        method: c.req.method,
        route,
        url: c.req.url.replace(/[?#].*$/s, ""),
        traced: !UNTRACED_ROUTES.has(route) && !UNTRACED_ROUTES.has(c.req.path),
        sentryTrace: c.req.header("sentry-trace"),
        baggage: c.req.header("baggage"),
        requestId: () => c.get("requestId"),
      },
      async () => {
        await next();
        const status = c.res.status;
        if (status >= 500) {
          if (c.error) reporter.captureError(c.error);
          else reporter.captureMessage(`${c.req.method} ${route} answered ${status}`);
        }
        return status;
      },
    );
  };

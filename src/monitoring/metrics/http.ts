import type { MiddlewareHandler } from "hono";
import { networkErrorCode } from "../network-errors";
import { routeLabel } from "../route";
import type { MetricsRegistry } from "./registry";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const LABELS = ["method", "route", "status"] as const;

/**
 * Counts every request and its duration by method, route pattern (unmatched paths share one
 * label) and status, and every 5xx by cause: `network` (dropped from Sentry by design, counted
 * here instead) or `application`.
 *
 * @example app.use(httpMetrics(registry))
 */
export const httpMetrics = (registry: MetricsRegistry): MiddlewareHandler => {
  const requests = registry.counter("http_requests_total", "HTTP requests answered.", LABELS);
  const duration = registry.histogram("http_request_duration_seconds", "Time to answer an HTTP request.", LABELS);
  const serverErrors = registry.counter(
    "http_server_errors_total",
    "5xx answers by cause; network errors are not sent to Sentry.",
    ["kind"],
  );
  return async function httpMetrics(c, next) {
    const started = performance.now();
    await next();
    const labels = {
      method: METHODS.has(c.req.method) ? c.req.method : "OTHER",
      route: routeLabel(c),
      status: String(c.res.status),
    };
    requests.inc(labels);
    duration.observe(labels, (performance.now() - started) / 1000);
    if (c.res.status >= 500) serverErrors.inc({ kind: networkErrorCode(c.error) ? "network" : "application" });
  };
};

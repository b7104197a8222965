import type { Context } from "hono";
import { networkErrorCode } from "../../errors/network";
import type { RequestSummary } from "../route";
import type { MetricsRegistry } from "./registry";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const LABELS = ["method", "route", "status"] as const;

/**
 * Counts every request and its duration by method, route pattern (unmatched paths share one
 * label) and status, and every 5xx by cause: `network` (dropped from Sentry by design, counted
 * here instead) or `application`.
 *
 * @example const record = httpMetrics(registry); record(c, { route: "/livez", durationMs: 0.2 });
 */
export const httpMetrics = (registry: MetricsRegistry) => {
  const requests = registry.counter("http_requests_total", "HTTP requests answered.", LABELS);
  const duration = registry.histogram("http_request_duration_seconds", "Time to answer an HTTP request.", LABELS);
  const serverErrors = registry.counter(
    "http_server_errors_total",
    "5xx answers by cause; network errors are not sent to Sentry.",
    ["kind"],
  );
  // Every series exists from the start, so rate() and alerts see a 0 before the first 5xx.
  for (const kind of ["network", "application"]) serverErrors.inc({ kind }, 0);
  // The series of each route, method and status are looked up once, then reused by every
  // request like it; all three are bounded (routes are patterns, not paths). Nested maps: no
  // key string is built per request.
  type Pair = { count: { inc(): void }; time: { observe(seconds: number): void } };
  const pairs = new Map<string, Map<string, Map<number, Pair>>>();
  const pairOf = (method: string, route: string, status: number) => {
    let byMethod = pairs.get(route);
    if (!byMethod) {
      byMethod = new Map();
      pairs.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let pair = byStatus.get(status);
    if (!pair) {
      const labels = { method, route, status: String(status) };
      pair = { count: requests.with(labels), time: duration.with(labels) };
      byStatus.set(status, pair);
    }
    return pair;
  };
  return (c: Context, { route, durationMs }: RequestSummary) => {
    const status = c.res.status;
    const pair = pairOf(METHODS.has(c.req.method) ? c.req.method : "OTHER", route, status);
    pair.count.inc();
    pair.time.observe(durationMs / 1000);
    if (status >= 500) serverErrors.inc({ kind: networkErrorCode(c.error) ? "network" : "application" });
  };
};

import type { Context } from "hono";
import { networkErrorCode } from "../network-errors";
import type { Answered } from "../request-frame";
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
  // One pair of series per method, route and status, found by three map lookups instead of a
  // label key built per request; all three are bounded (routes are patterns, not paths).
  type Pair = { count: { inc(): void }; time: { observe(seconds: number): void } };
  const pairs = new Map<string, Map<string, Map<number, Pair>>>();
  const within = <K, V>(map: Map<K, V>, key: K, make: () => V) => {
    let value = map.get(key);
    if (value === undefined) {
      value = make();
      map.set(key, value);
    }
    return value;
  };
  const pairOf = (method: string, route: string, status: number) =>
    within(
      within(
        within(pairs, method, () => new Map()),
        route,
        () => new Map(),
      ),
      status,
      () => {
        const labels = { method, route, status: String(status) };
        return { count: requests.with(labels), time: duration.with(labels) };
      },
    );
  return (c: Context, { route, durationMs }: Answered) => {
    const status = c.res.status;
    const pair = pairOf(METHODS.has(c.req.method) ? c.req.method : "OTHER", route, status);
    pair.count.inc();
    pair.time.observe(durationMs / 1000);
    if (status >= 500) serverErrors.inc({ kind: networkErrorCode(c.error) ? "network" : "application" });
  };
};

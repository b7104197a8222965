import type { MetricsRegistry } from "../monitoring/metrics/registry";

/** One route's requests so far, every method and status together. */
export interface RouteTraffic {
  requests: number;
  serverErrors: number;
  /** Seconds spent answering, summed. */
  seconds: number;
  /** Observations per histogram bound (not cumulative), the last being above every bound. */
  buckets: number[];
}

/** The request metrics as the registry holds them now, by route and by status code. */
export interface Traffic {
  bounds: readonly number[];
  routes: Map<string, RouteTraffic>;
  statuses: Map<string, number>;
}

/**
 * Reads `http_requests_total` and `http_request_duration_seconds` in place, without running the
 * registry's collectors, so a read never resets what a Prometheus scrape measures.
 */
export const readTraffic = (metrics: MetricsRegistry): Traffic => {
  const counts = metrics.read("http_requests_total");
  const durations = metrics.read("http_request_duration_seconds");
  const bounds = durations?.bounds ?? [];
  const routes = new Map<string, RouteTraffic>();
  const statuses = new Map<string, number>();
  const routeOf = (name: string) => {
    let traffic = routes.get(name);
    if (!traffic) {
      traffic = { requests: 0, serverErrors: 0, seconds: 0, buckets: new Array(bounds.length + 1).fill(0) };
      routes.set(name, traffic);
    }
    return traffic;
  };
  for (const { labels, value } of counts?.series ?? []) {
    const traffic = routeOf(labels.route ?? "");
    const status = labels.status ?? "";
    traffic.requests += value;
    if (Number(status) >= 500) traffic.serverErrors += value;
    statuses.set(status, (statuses.get(status) ?? 0) + value);
  }
  for (const { labels, value, buckets = [], sum = 0 } of durations?.series ?? []) {
    const traffic = routeOf(labels.route ?? "");
    traffic.seconds += sum;
    let below = 0;
    buckets.forEach((n, i) => {
      traffic.buckets[i] = (traffic.buckets[i] ?? 0) + n;
      below += n;
    });
    traffic.buckets[bounds.length] = (traffic.buckets[bounds.length] ?? 0) + value - below;
  }
  return { bounds, routes, statuses };
};

/** `later` minus `earlier`, bucket by bucket: the requests of one interval. */
export const trafficBetween = (earlier: RouteTraffic | undefined, later: RouteTraffic): RouteTraffic => ({
  requests: later.requests - (earlier?.requests ?? 0),
  serverErrors: later.serverErrors - (earlier?.serverErrors ?? 0),
  seconds: later.seconds - (earlier?.seconds ?? 0),
  buckets: later.buckets.map((n, i) => n - (earlier?.buckets[i] ?? 0)),
});

/**
 * The q-quantile of histogram buckets, interpolated linearly inside its bucket the way
 * Prometheus' `histogram_quantile` does, so the page and a Grafana panel agree: the first bucket
 * starts at 0, and a quantile in the overflow bucket is the highest bound. NaN without observations.
 */
export const bucketQuantile = (q: number, bounds: readonly number[], buckets: readonly number[]) => {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    const inBucket = buckets[i] ?? 0;
    if (cumulative + inBucket >= rank && inBucket > 0) {
      const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
      const upper = bounds[i] ?? lower;
      return lower + (upper - lower) * ((rank - cumulative) / inBucket);
    }
    cumulative += inBucket;
  }
  return bounds.at(-1) ?? Number.NaN;
};

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { HealthRunner } from "../health/runner";
import type { MetricsRegistry } from "../monitoring/metrics/registry";
import type { History, RouteSample } from "./history";
import { bucketQuantile, type RouteTraffic, readTraffic, trafficBetween } from "./traffic";

const STATUS_CODES = { pass: 0, warn: 1, fail: 2 } as const;
const NS_PER_MS = 1e6;

export interface SamplerOptions {
  history: History;
  metrics: MetricsRegistry;
  health: Pick<HealthRunner, "run">;
  /** The runtime's memory reading, as `/metrics` reports it. */
  readMemory: () => NodeJS.MemoryUsage;
  /** Time between samples; the history's capacity times this is how far back it reaches. */
  intervalMs: number;
  now?: () => number;
}

/**
 * Samples this process into the history every `intervalMs`: request rates, 5xx rates and latency
 * quantiles per route (the difference between two readings of the request metrics), the status
 * mix, each health checker (through the shared runner, so its cache is reused), memory and
 * event-loop lag. It keeps its own event-loop delay monitor: resetting the one `/metrics` reports
 * would shorten the window a scrape sees.
 *
 * @example
 * const sampler = createSampler({ history, metrics, health, readMemory, intervalMs: 5000 });
 * sampler.start();
 * lifecycle.onShutdown("stop dashboard sampler", () => sampler.stop());
 */
export const createSampler = ({ history, metrics, health, readMemory, intervalMs, now = Date.now }: SamplerOptions) => {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let previous = { time: now(), traffic: readTraffic(metrics) };
  let timer: ReturnType<typeof setInterval> | undefined;

  const sample = async () => {
    const { outcomes } = await health.run();
    const time = now();
    const traffic = readTraffic(metrics);
    const seconds = Math.max((time - previous.time) / 1000, 1e-3);
    const routes = new Map<number, RouteSample>();
    // Routes sharing the overflow column are added together before their rates are taken.
    const byColumn = new Map<number, RouteTraffic>();
    for (const [route, total] of traffic.routes) {
      const interval = trafficBetween(previous.traffic.routes.get(route), total);
      const column = history.routeColumn(route);
      const sum = byColumn.get(column);
      byColumn.set(column, sum ? addTraffic(sum, interval) : interval);
    }
    for (const [column, t] of byColumn) {
      const ms = (q: number) => bucketQuantile(q, traffic.bounds, t.buckets) * 1000;
      routes.set(column, {
        rate: t.requests / seconds,
        errorRate: t.serverErrors / seconds,
        p50: ms(0.5),
        p95: ms(0.95),
        p99: ms(0.99),
      });
    }
    const classRate = (digit: string) => {
      let n = 0;
      for (const [status, count] of traffic.statuses) {
        if (status.startsWith(digit)) n += count - (previous.traffic.statuses.get(status) ?? 0);
      }
      return n / seconds;
    };
    const checkers = new Map<number, { status: number; latencyMs: number }>();
    for (const outcome of outcomes) {
      const column = history.checkerColumn(outcome.name);
      if (column !== undefined) {
        checkers.set(column, { status: STATUS_CODES[outcome.status], latencyMs: outcome.latencyMs ?? Number.NaN });
      }
    }
    const memory = readMemory();
    history.push(time, {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      lagP99Ms: delay.count > 0 ? delay.percentile(99) / NS_PER_MS : Number.NaN,
      lagMaxMs: delay.count > 0 ? delay.max / NS_PER_MS : Number.NaN,
      statusRates: [classRate("2"), classRate("3"), classRate("4"), classRate("5")],
      checkers,
      routes,
    });
    delay.reset();
    previous = { time, traffic };
  };

  return {
    /** Takes one sample now (the timer calls this); resolves once it is in the history. */
    sample,
    start() {
      delay.enable();
      timer ??= setInterval(() => void sample().catch(() => undefined), intervalMs);
      // Never what keeps the process alive: shutdown stops it, and so does exiting.
      timer.unref?.();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      delay.disable();
    },
  };
};

const addTraffic = (a: RouteTraffic, b: RouteTraffic): RouteTraffic => ({
  requests: a.requests + b.requests,
  serverErrors: a.serverErrors + b.serverErrors,
  seconds: a.seconds + b.seconds,
  buckets: a.buckets.map((n, i) => n + (b.buckets[i] ?? 0)),
});

export type Sampler = ReturnType<typeof createSampler>;

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { MetricsRegistry } from "./registry";

const NS_PER_SECOND = 1e9;

/**
 * Process memory and event-loop lag, read at each scrape. Lag comes from `monitorEventLoopDelay`
 * (Bun and Node both provide it) and covers the time since the previous scrape. Runtime side:
 * the app never imports this.
 *
 * @example processMetrics(registry)
 */
export const processMetrics = (registry: MetricsRegistry) => {
  const memory = registry.gauge(
    "process_memory_bytes",
    "Process memory by kind (rss, heap_used, heap_total, external).",
    ["kind"],
  );
  registry
    .gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.")
    .set(undefined, Math.floor(Date.now() / 1000 - process.uptime()));
  const lag = registry.gauge("event_loop_lag_seconds", "Event-loop delay since the previous scrape, by statistic.", [
    "stat",
  ]);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();

  registry.onCollect(() => {
    const usage = process.memoryUsage();
    memory.set({ kind: "rss" }, usage.rss);
    memory.set({ kind: "heap_used" }, usage.heapUsed);
    memory.set({ kind: "heap_total" }, usage.heapTotal);
    memory.set({ kind: "external" }, usage.external);
    if (delay.count > 0) {
      lag.set({ stat: "mean" }, delay.mean / NS_PER_SECOND);
      lag.set({ stat: "p50" }, delay.percentile(50) / NS_PER_SECOND);
      lag.set({ stat: "p99" }, delay.percentile(99) / NS_PER_SECOND);
      lag.set({ stat: "max" }, delay.max / NS_PER_SECOND);
    }
    delay.reset();
  });
};

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { MetricsRegistry } from "./registry";

const NS_PER_SECOND = 1e9;

/**
 * Process memory and event-loop lag, read at each scrape. Memory comes from `readMemory`, the
 * runtime's `process.memoryUsage()` in Node's terms (heap used never above heap total); lag from
 * `monitorEventLoopDelay` (Bun and Node both provide it), over the time since the previous
 * scrape. Runtime side: the app never imports this.
 *
 * @example processMetrics(registry, bunMemoryUsage)
 */
export const processMetrics = (
  registry: MetricsRegistry,
  readMemory: () => NodeJS.MemoryUsage = () => process.memoryUsage(),
) => {
  // The names Prometheus' process collector and prom-client use, so stock dashboards and alerts read them.
  const resident = registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  const heapUsed = registry.gauge("nodejs_heap_size_used_bytes", "JavaScript heap in use, in bytes.");
  const heapTotal = registry.gauge("nodejs_heap_size_total_bytes", "JavaScript heap allocated, in bytes.");
  const external = registry.gauge("nodejs_external_memory_bytes", "Memory held outside the JavaScript heap, in bytes.");
  registry
    .gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.")
    .set(undefined, Math.floor(Date.now() / 1000 - process.uptime()));
  const lag = registry.gauge("event_loop_lag_seconds", "Event-loop delay since the previous scrape, by statistic.", [
    "stat",
  ]);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();

  registry.onCollect(() => {
    const usage = readMemory();
    resident.set(undefined, usage.rss);
    heapUsed.set(undefined, usage.heapUsed);
    heapTotal.set(undefined, usage.heapTotal);
    external.set(undefined, usage.external);
    if (delay.count > 0) {
      lag.set({ stat: "mean" }, delay.mean / NS_PER_SECOND);
      lag.set({ stat: "p50" }, delay.percentile(50) / NS_PER_SECOND);
      lag.set({ stat: "p99" }, delay.percentile(99) / NS_PER_SECOND);
      lag.set({ stat: "max" }, delay.max / NS_PER_SECOND);
    }
    delay.reset();
  });
};

import type { MetricsRegistry } from "../monitoring/metrics/registry";
import type { HealthRunner } from "./runner";

const STATUSES = ["pass", "warn", "fail"] as const;

/**
 * Health checker status and latency, refreshed from the health runner at each scrape (so a scrape
 * shares the runner's cache and never adds load beyond what `/health` would).
 *
 * @example healthMetrics(registry, healthRunner)
 */
export const healthMetrics = (registry: MetricsRegistry, health: Pick<HealthRunner, "run">) => {
  const status = registry.gauge(
    "health_check_status",
    "1 for the status each health checker reported last (pass, warn or fail), 0 for the others.",
    ["check", "status"],
  );
  const latency = registry.gauge("health_check_latency_seconds", "How long each health checker took.", ["check"]);
  registry.onCollect(async () => {
    const { outcomes } = await health.run();
    status.reset();
    latency.reset();
    for (const outcome of outcomes) {
      for (const s of STATUSES) status.set({ check: outcome.name, status: s }, outcome.status === s ? 1 : 0);
      if (outcome.latencyMs !== undefined) latency.set({ check: outcome.name }, outcome.latencyMs / 1000);
    }
  });
};

import { hostname } from "node:os";
import type { Config } from "../config";
import type { MigrationStatus } from "../db/migrations/status";
import type { HealthRunner } from "../health/runner";
import type { MetricsRegistry } from "../monitoring/metrics/registry";
import type { History } from "./history";
import type { ServerErrors } from "./server-errors";
import { bucketQuantile, readTraffic } from "./traffic";

/** What the dashboard reports from; built once by the service's boot. */
export interface DashboardDeps {
  config: Config;
  health: Pick<HealthRunner, "run">;
  metrics: MetricsRegistry;
  /** The runtime's memory reading, as `/metrics` reports it. */
  readMemory: () => NodeJS.MemoryUsage;
  history: History;
  /** How often the sampler writes into `history`. */
  intervalMs: number;
  serverErrors: ServerErrors;
  /** The backends this process chose, by role (`database: "postgres"`). */
  backends: Record<string, string>;
  /** The migration files against the database's ledger. */
  migrations: () => Promise<MigrationStatus>;
}

// The ledger changes only when a release applies migrations; a poll every few seconds need not
// query it each time.
const MIGRATIONS_TTL_MS = 30_000;

const ms = (seconds: number) => (Number.isNaN(seconds) ? null : Math.round(seconds * 1e5) / 100);

/**
 * The dashboard's data: this machine now (identity, health, request totals per route since start,
 * the status mix, migrations, the last 5xx) and the sampled history after `since`, so the page
 * fetches the hour once and then only what is new.
 */
export const createDashboardData = (deps: DashboardDeps) => {
  const { config, history } = deps;
  let migrations: { at: number; status: Promise<unknown> } | undefined;
  const migrationSummary = () => {
    if (!migrations || Date.now() - migrations.at > MIGRATIONS_TTL_MS) {
      const status = deps.migrations().then(
        (s) => ({
          verdict: s.verdict,
          applied: s.migrations.filter((m) => m.state === "applied").length,
          pending: s.migrations.filter((m) => m.state === "pending").map((m) => m.tag),
          drift: s.migrations
            .filter((m) => m.state === "skipped" || m.state === "changed")
            .map((m) => `${m.tag} (${m.state})`),
          unknown: s.unknown.length,
        }),
        () => ({ verdict: "unavailable" }),
      );
      migrations = { at: Date.now(), status };
    }
    return migrations.status;
  };

  return async (since = 0) => {
    const [{ outcomes }, migrationState] = await Promise.all([deps.health.run(), migrationSummary()]);
    const traffic = readTraffic(deps.metrics);
    const memory = deps.readMemory();
    return {
      service: {
        machine: hostname(),
        version: config.version,
        release: config.sentry.release,
        commit: config.commit ?? null,
        mode: config.mode,
        uptimeSeconds: Math.round(process.uptime()),
        backends: deps.backends,
      },
      sampling: { intervalMs: deps.intervalMs, capacity: history.shape.capacity, bytes: history.bytes },
      health: outcomes.map((o) => ({
        name: o.name,
        critical: o.critical,
        status: o.status,
        latencyMs: o.latencyMs ?? null,
        message: o.message ?? null,
      })),
      routes: [...traffic.routes].map(([route, t]) => ({
        route,
        requests: t.requests,
        serverErrors: t.serverErrors,
        meanMs: t.requests ? ms(t.seconds / t.requests) : null,
        p50Ms: ms(bucketQuantile(0.5, traffic.bounds, t.buckets)),
        p95Ms: ms(bucketQuantile(0.95, traffic.bounds, t.buckets)),
        p99Ms: ms(bucketQuantile(0.99, traffic.bounds, t.buckets)),
      })),
      statuses: Object.fromEntries(traffic.statuses),
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      migrations: migrationState,
      serverErrors: deps.serverErrors.list(),
      history: history.columns(since),
    };
  };
};

import type { Config } from "../config";
import { readStatus } from "../db/migrations/apply";
import type { Database } from "../db/types";
import type { HealthRunner } from "../health/runner";
import type { MetricsRegistry } from "../monitoring/metrics/registry";
import { dashboardAccess } from "./access";
import { createDashboardData } from "./data";
import { createHistory, type HistoryShape } from "./history";
import { dashboardRoutes } from "./routes";
import { createSampler } from "./sampler";
import type { ServerErrors } from "./server-errors";

/** One sample every 5 s for an hour, 24 route and 8 checker columns: `historyBytes` of it is 420,480 bytes (0.40 MiB). */
export const HISTORY: HistoryShape = { capacity: 720, routes: 24, checkers: 8 };
export const SAMPLE_INTERVAL_MS = 5000;

/**
 * The ops dashboard of one process: its history (sampling starts at once), data and routes.
 * Mount `routes` on the ops app before its token guard (the dashboard checks access itself) and
 * call `stop` at shutdown.
 *
 * @example
 * const dashboard = createDashboard({ config, db, health, metrics, serverErrors, backends });
 * opsApp.route("/", dashboard.routes);
 */
export const createDashboard = (deps: {
  config: Config;
  db: Database;
  health: Pick<HealthRunner, "run">;
  metrics: MetricsRegistry;
  serverErrors: ServerErrors;
  backends: Record<string, string>;
  /** The runtime's memory reading (Bun's differs from `process.memoryUsage()`); that by default. */
  readMemory?: () => NodeJS.MemoryUsage;
  shape?: HistoryShape;
  intervalMs?: number;
}) => {
  const { config, db, health, metrics, shape = HISTORY, intervalMs = SAMPLE_INTERVAL_MS } = deps;
  const readMemory = deps.readMemory ?? (() => process.memoryUsage());
  const history = createHistory(shape);
  const sampler = createSampler({ history, metrics, health, readMemory, intervalMs });
  sampler.start();
  const data = createDashboardData({
    ...deps,
    readMemory,
    history,
    intervalMs,
    migrations: () => db.run((orm) => readStatus(orm)),
  });
  return {
    routes: dashboardRoutes({ access: dashboardAccess(config.opsToken), data }),
    history,
    sampler,
    stop: () => sampler.stop(),
  };
};

export type Dashboard = ReturnType<typeof createDashboard>;

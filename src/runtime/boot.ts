import { createApp, createOpsApp } from "../app";
import { createTokenVerifier } from "../auth/verifier";
import { openCache, type RedisFactory } from "../cache/open";
import { warnIfCacheUnreachable } from "../cache/startup";
import type { Config } from "../config";
import { createDashboard, createServerErrors } from "../dashboard";
import { explainingConnection } from "../db/connection-error";
import { prepareSchema } from "../db/migrations/startup";
import { connectionTargets, openDatabase } from "../db/open";
import { createHealth, healthMetrics } from "../health";
import { createLifecycle } from "../lifecycle/state";
import { configSecrets, serviceLogger } from "../logger";
import type { Monitoring } from "../monitoring/reporter";
import { batchedLines } from "./log-lines";
import { nativeHmacSha256 } from "./native-hmac";

// Sentry's own default: long enough to deliver a burst, short next to SHUTDOWN_TIMEOUT_MS.
const MONITORING_FLUSH_MS = 2000;

/**
 * Everything the Bun and Node adapters do before they listen, in the order docs/architecture.md
 * gives; `readRssBytes`, `readMemory` and `monitoring` are what only the runtime can provide.
 */
export const bootService = async (
  config: Config,
  {
    applyMigrations,
    redis,
    readRssBytes,
    readMemory,
    monitoring = {},
  }: {
    applyMigrations: boolean;
    redis?: RedisFactory;
    readRssBytes?: () => number;
    /** Memory as this runtime should report it; `process.memoryUsage()` when absent. */
    readMemory?: () => NodeJS.MemoryUsage;
    monitoring?: Monitoring;
  },
) => {
  // One write per event-loop turn: both server runtimes log every request.
  // The dashboard lists the last 5xx from the request log's lines.
  const serverErrors = createServerErrors({ capacity: 20, secrets: configSecrets(config) });
  const logger = serverErrors.watch(serviceLogger(config, batchedLines()));
  const db = await openDatabase(config);
  const targets = connectionTargets(config);
  try {
    await explainingConnection(targets.migration, () => prepareSchema({ config, db, apply: applyMigrations, logger }));
    await explainingConnection(targets.app, () => db.ping());
  } catch (error) {
    await db.close();
    throw error;
  }
  const cache = openCache(config, { redis });
  await warnIfCacheUnreachable({ cache, config, logger });
  const verify = createTokenVerifier(config.auth, { hmacSha256: nativeHmacSha256 });
  const lifecycle = createLifecycle();
  const health = createHealth({ config, db, cache, readRssBytes });
  const { reporter, metrics } = monitoring;
  if (metrics) healthMetrics(metrics, health);
  const backends = { database: db.kind, cache: cache.backend };
  const dashboard = metrics && createDashboard({ config, db, health, metrics, serverErrors, backends, readMemory });
  // Monitoring flushes while the cache and database are still up; the database closes last.
  if (dashboard) lifecycle.onShutdown("stop dashboard sampling", dashboard.stop);
  if (reporter) {
    lifecycle.onShutdown("flush monitoring", async () => {
      if (!(await reporter.flush(MONITORING_FLUSH_MS))) logger.warn("sentry: undelivered events at the flush deadline");
    });
  }
  lifecycle.onShutdown("close cache", () => cache.close());
  lifecycle.onShutdown("close database", () => db.close());
  const app = createApp({ config, db, cache, verify, logger, health, lifecycle, monitoring });
  const ops = createOpsApp({ config, health, lifecycle, logger, metrics, dashboard: dashboard?.routes });
  // Migrations and the first round trip are done: the startup probe may pass.
  lifecycle.markStarted();
  return { config, logger, db, cache, app, ops, health, lifecycle };
};

export type Service = Awaited<ReturnType<typeof bootService>>;

import { checkers } from "./checkers";
import { createHealthRunner } from "./runner";
import type { HealthDeps } from "./types";

/**
 * The service's health runner: every registered checker, bounded by HEALTH_CHECK_TIMEOUT_MS,
 * results shared for HEALTH_CACHE_TTL_MS. Built once per process and shared by the API and ops
 * servers, so both report (and load the database) once.
 *
 * @example
 * const health = createHealth({ config, db, cache, readRssBytes: () => process.memoryUsage.rss() });
 */
export const createHealth = (deps: HealthDeps) =>
  createHealthRunner({
    checkers: checkers.map((make) => make(deps)),
    timeoutMs: deps.config.health.checkTimeoutMs,
    ttlMs: deps.config.health.cacheTtlMs,
  });

import { createApp } from "../../src/app";
import { mintToken } from "../../src/auth/token";
import { createTokenVerifier } from "../../src/auth/verifier";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import type { Cache } from "../../src/cache/types";
import { DEV_JWT_SECRET, type Env, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/types";
import { createHealth } from "../../src/health";
import { createLifecycle, type Lifecycle } from "../../src/lifecycle/state";
import { createLogger, type Logger } from "../../src/logger";
import type { Monitoring } from "../../src/monitoring/reporter";

/** Builds the real API (createApp) around a given database, with test defaults any suite can override. */
export const buildTestApp = ({
  db,
  cache = boundedCache(memoryCache(), 250),
  env = {},
  logger = createLogger({ level: "silent", format: "json" }),
  lifecycle = createLifecycle({ started: true }),
  readRssBytes = () => process.memoryUsage.rss(),
  monitoring,
}: {
  db: Database;
  cache?: Cache;
  env?: Env;
  logger?: Logger;
  lifecycle?: Lifecycle;
  readRssBytes?: () => number;
  monitoring?: Monitoring;
}) => {
  const config = loadConfig({ APP_MODE: "test", ...env }, { version: "1.0.0-test" });
  const verify = createTokenVerifier(config.auth);
  const health = createHealth({ config, db, cache, readRssBytes });
  const app = createApp({ config, db, cache, verify, logger, health, lifecycle, monitoring });
  return { app, config, cache, health, lifecycle };
};

/** A valid token for `sub` signed with the development secret (or the one given). */
export const tokenFor = (sub: string, { secret = DEV_JWT_SECRET, ttlSeconds = 3600, ...rest } = {}) =>
  mintToken({ secret, sub, ttlSeconds, ...rest });

/** Authorization and JSON headers for a user. */
export const authHeaders = async (sub: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${await tokenFor(sub)}`,
  "Content-Type": "application/json",
  ...extra,
});

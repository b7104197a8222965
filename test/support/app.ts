import { createApp } from "../../src/app";
import { mintToken } from "../../src/auth/token";
import { createTokenVerifier } from "../../src/auth/verifier";
import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import type { Cache } from "../../src/cache/types";
import { DEV_JWT_SECRET, type Env, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/types";
import { createLogger, type Logger } from "../../src/monitoring/logger";

/** Builds the real app around a given database, with test defaults any suite can override. */
export const buildTestApp = ({
  db,
  cache = boundedCache(memoryCache(), 250),
  env = {},
  logger = createLogger({ level: "silent", format: "json" }),
}: {
  db: Database;
  cache?: Cache;
  env?: Env;
  logger?: Logger;
}) => {
  const config = loadConfig({ APP_MODE: "test", ...env }, { version: "1.0.0-test" });
  const verify = createTokenVerifier(config.auth);
  const app = createApp({ config, db, cache, verify, logger });
  return { app, config, cache };
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

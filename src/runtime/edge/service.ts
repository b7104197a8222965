import pkg from "../../../package.json";
import { createApp } from "../../app";
import { createTokenVerifier } from "../../auth/verifier";
import { openCache } from "../../cache/open";
import { type Config, ConfigError, type Env, loadConfig } from "../../config";
import { createPostgresDatabase } from "../../db/postgres";
import type { Database } from "../../db/types";
import { createHealth } from "../../health";
import { createLifecycle } from "../../lifecycle/state";
import { serviceLogger } from "../../logger";

/** Env bindings as a Worker receives them: strings configure; secrets, KV or queues are not ours. */
export type Bindings = Record<string, unknown>;

const NO_DATABASE =
  "DATABASE_URL: required on the edge: PGlite does not run here; set a postgres:// URL reachable over TCP";

/**
 * The configuration from env bindings, with what the edge cannot do refused up front: no
 * embedded database and no Redis over TCP (Upstash REST or the per-isolate memory cache).
 */
export const loadEdgeConfig = (bindings: Bindings): Config => {
  const env: Env = Object.fromEntries(
    Object.entries(bindings).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  const config = loadConfig(env, { version: pkg.version });
  const problems = [
    ...(config.database.url ? [] : [NO_DATABASE]),
    ...(config.cache.backend === "redis"
      ? [
          "REDIS_URL: Redis over TCP is not available on the edge; set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN",
        ]
      : []),
  ];
  if (problems.length) throw new ConfigError(problems);
  return config;
};

/**
 * What lives as long as the isolate: configuration, logger, cache client, token verifier and a
 * lifecycle that starts out serving, since the release step migrated the schema before any
 * isolate booted (nothing here migrates or checks migrations).
 */
export const createEdgeService = (bindings: Bindings) => {
  const config = loadEdgeConfig(bindings);
  const logger = serviceLogger(config);
  const cache = openCache(config);
  const verify = createTokenVerifier(config.auth);
  const lifecycle = createLifecycle({ started: true });
  return { config, logger, cache, verify, lifecycle };
};

export type EdgeService = ReturnType<typeof createEdgeService>;

/** A Postgres pool through postgres.js over TCP (`cloudflare:sockets` on Workers, Node's net on Deno). */
export const createEdgeDatabase = ({ config: { database } }: EdgeService): Database => {
  if (!database.url) throw new ConfigError([NO_DATABASE]);
  return createPostgresDatabase({
    url: database.url,
    ssl: database.ssl,
    poolMax: database.poolMax,
    timeoutMs: database.timeoutMs,
  });
};

/** The API around `db`, with a health runner of its own on it, since health runs queries there. */
export const createEdgeApp = (service: EdgeService, db: Database) => {
  const { config, logger, cache, verify, lifecycle } = service;
  // No process memory to read on the edge: the memory checker reports "not measured".
  const health = createHealth({ config, db, cache });
  return createApp({ config, db, cache, verify, logger, health, lifecycle });
};

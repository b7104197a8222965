import { createApp } from "../app";
import { createTokenVerifier } from "../auth/verifier";
import { openCache, type RedisFactory } from "../cache/open";
import type { Config } from "../config";
import { prepareSchema } from "../db/migrations/startup";
import { openDatabase } from "../db/open";
import { createLogger, type Logger } from "../monitoring/logger";

/**
 * Everything a server runtime does before it listens, in order: database, schema check (and
 * migrations when asked), first round trip, cache, auth, app. Shared by the Bun and Node adapters.
 */
export const bootService = async (
  config: Config,
  {
    applyMigrations,
    redis,
    logger = createLogger(config.log),
  }: { applyMigrations: boolean; redis?: RedisFactory; logger?: Logger },
) => {
  const db = await openDatabase(config);
  try {
    await prepareSchema({ config, db, apply: applyMigrations, logger });
    await db.ping();
  } catch (error) {
    await db.close();
    throw error;
  }
  const cache = openCache(config, { redis });
  const verify = createTokenVerifier(config.auth);
  const app = createApp({ config, db, cache, verify, logger });
  return { config, logger, db, cache, app };
};

export type Service = Awaited<ReturnType<typeof bootService>>;

/** The startup line: where it listens and which backends it chose, with how to get a token. */
export const logStartup = ({ config, logger, db, cache }: Service, url: string) => {
  logger.info(`berth ${config.version} listening on ${url}`, {
    mode: config.mode,
    database: db.kind === "pglite" ? `pglite (${config.database.pgliteDir})` : "postgres",
    cache: cache.backend,
    ops: config.opsPort ? `:${config.opsPort}` : "off",
  });
  if (!config.strict && config.auth.secret) {
    logger.info("get a token: bun run src/index.ts token --sub alice");
  }
};

import type { Config } from "../config";
import { createMigrationOrm, createPostgresDatabase } from "./postgres";
import { watchedSocket } from "./socket";
import type { Database, Orm } from "./types";

/**
 * Postgres when a URL is configured, otherwise PGlite (development and test only). PGlite is
 * loaded only then: a service on Postgres never holds its code.
 */
export const openDatabase = async ({ database }: Config): Promise<Database> =>
  database.url
    ? createPostgresDatabase({
        url: database.url,
        ssl: database.ssl,
        poolMax: database.poolMax,
        timeoutMs: database.timeoutMs,
        socket: watchedSocket({ ssl: database.ssl, silenceMs: database.timeoutMs }),
      })
    : (await import("./pglite")).createPgliteDatabase({ dir: database.pgliteDir, timeoutMs: database.timeoutMs });

/**
 * The connection migrations run on: one dedicated, non-pooled connection to
 * DATABASE_MIGRATION_URL so the advisory lock and the migration share a session. PGlite has a
 * single connection already, so it reuses the app's.
 */
export const openMigrationConnection = (
  { database }: Config,
  appDb: Database,
): { orm: Orm; close: () => Promise<void> } => {
  if (!database.migrationUrl || appDb.kind === "pglite") return { orm: appDb.orm, close: async () => {} };
  return createMigrationOrm({ url: database.migrationUrl, ssl: database.migrationSsl, timeoutMs: database.timeoutMs });
};

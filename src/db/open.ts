import type { Config } from "../config";
import type { ConnectionTarget } from "./connection-error";
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
 * single connection already, so it reuses the app's. A `readOnly` use (reading the ledger, no
 * lock) on the app's own database reuses the app pool too, saving a connection handshake.
 */
export const openMigrationConnection = (
  { database }: Config,
  appDb: Database,
  { readOnly = false }: { readOnly?: boolean } = {},
): { orm: Orm; close: () => Promise<void> } => {
  if (!database.migrationUrl || appDb.kind === "pglite" || (readOnly && database.migrationUrl === database.url)) {
    return { orm: appDb.orm, close: async () => {} };
  }
  const { migrationUrl: url, migrationSsl: ssl, timeoutMs } = database;
  return createMigrationOrm({
    url,
    ssl,
    timeoutMs,
    socket: watchedSocket({ ssl, silenceMs: timeoutMs, watchReplies: false }),
  });
};

/** The configured Postgres connections, app pool and migrations, for explaining a failure to connect. */
export const connectionTargets = ({ database }: Config): { app?: ConnectionTarget; migration?: ConnectionTarget } =>
  database.url
    ? {
        app: { variable: database.variable, url: database.url, ssl: database.ssl },
        migration: {
          variable: database.migrationVariable,
          url: database.migrationUrl ?? database.url,
          ssl: database.migrationSsl,
        },
      }
    : {};

import type { Config } from "../../config";
import type { Logger } from "../../logger";
import { openMigrationConnection } from "../open";
import type { Database } from "../types";
import { applyMigrations, readStatus } from "./apply";
import { MigrationDriftError } from "./errors";
import { type MigrationFile, readMigrations } from "./files";

/** A migration state the service refuses to boot on in this mode. */
export class SchemaNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaNotReadyError";
  }
}

/**
 * Brings the schema to where this build expects it before serving: applies pending migrations
 * when asked and, unless `autoApply` is false, always in development and test (on PGlite and on
 * Postgres alike, so a first run never serves on a schema it lacks), then verifies. Staging and
 * production refuse to start on pending migrations without `--apply-migrations` and on drift; a
 * database ahead of this build (a rollback) is only a warning.
 * Resolves with the tags it applied and the final status.
 */
export const prepareSchema = async ({
  config,
  db,
  apply,
  logger,
  files = readMigrations(),
  autoApply = true,
}: {
  config: Config;
  db: Database;
  apply: boolean;
  logger: Logger;
  files?: MigrationFile[];
  /** False for the migrate commands (and so `serve --role maintenance`), which apply only when told to. */
  autoApply?: boolean;
}) => {
  const applying = apply || (autoApply && !config.strict);
  // A start that applies nothing only reads the ledger, and leaves the pool a connection ready.
  const connection = openMigrationConnection(config, db, { readOnly: !applying });
  try {
    let applied: string[] = [];
    if (applying) {
      applied = await applyMigrations(connection.orm, { files });
      logger.info(applied.length ? `applied ${applied.length} migration(s)` : "migrations: up to date", {
        applied,
      });
    }
    const status = await readStatus(connection.orm, files);
    if (status.verdict === "drift") {
      const error = new MigrationDriftError(status);
      if (config.strict) throw error;
      logger.warn(error.message);
    } else if (status.verdict === "pending") {
      const pending = status.migrations.filter((m) => m.state === "pending").map((m) => m.tag);
      const message = `pending migrations: ${pending.join(", ")}; run \`bun run src/index.ts migrate\` or start with --apply-migrations`;
      if (config.strict) throw new SchemaNotReadyError(message);
      logger.warn(message);
    } else if (status.verdict === "database ahead") {
      logger.warn("the database has migrations this build does not know (a rollback?); serving anyway", {
        unknown: status.unknown.map((r) => r.createdAt),
      });
    }
    return { applied, status };
  } finally {
    await connection.close();
  }
};

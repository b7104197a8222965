import { sql } from "drizzle-orm";
import type { Orm } from "../types";
import { MigrationDriftError, MigrationFailedError } from "./errors";
import { type MigrationFile, readMigrations } from "./files";
import { ensureLedger, LEDGER, readLedger } from "./ledger";
import { withMigrationLock } from "./lock";
import { migrationStatus } from "./status";

/** Reads the current status without changing anything. */
export const readStatus = async (orm: Orm, files: MigrationFile[] = readMigrations()) =>
  migrationStatus(files, await readLedger(orm));

/**
 * Applies pending migrations under the advisory lock, in one transaction, writing drizzle's
 * ledger rows: a failure rolls back every statement and ledger row of the run. Refuses on drift.
 * Resolves with the tags it applied (none when up to date).
 * `orm` must be a single connection (see `openMigrationConnection`): the lock belongs to a session.
 */
export const applyMigrations = async (
  orm: Orm,
  { files = readMigrations(), lockTimeoutMs }: { files?: MigrationFile[]; lockTimeoutMs?: number } = {},
): Promise<string[]> =>
  withMigrationLock(
    orm,
    async () => {
      const status = migrationStatus(files, await readLedger(orm));
      if (status.verdict === "drift") throw new MigrationDriftError(status);
      const pending = files.filter((f) => status.migrations.find((m) => m.tag === f.tag)?.state === "pending");
      if (!pending.length) return [];
      // The ledger is created in the same transaction, so a failed first run leaves no trace.
      await orm.transaction(async (tx) => {
        await ensureLedger(tx);
        for (const migration of pending) {
          try {
            for (const statement of migration.statements) {
              if (statement.trim()) await tx.execute(sql.raw(statement));
            }
            await tx.execute(
              sql`insert into ${LEDGER} ("hash", "created_at") values (${migration.hash}, ${migration.when})`,
            );
          } catch (error) {
            throw new MigrationFailedError(migration.tag, error);
          }
        }
      });
      return pending.map((m) => m.tag);
    },
    lockTimeoutMs === undefined ? undefined : { timeoutMs: lockTimeoutMs },
  );

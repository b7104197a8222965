import { sql } from "drizzle-orm";
import type { Orm } from "../types";
import { type MigrationFile, readMigrations } from "./files";
import { ensureLedger, LEDGER, readLedger } from "./ledger";
import { withMigrationLock } from "./lock";
import { type MigrationStatus, migrationStatus } from "./status";

/** A migration failed; everything in its run was rolled back and the ledger is unchanged. */
export class MigrationFailedError extends Error {
  constructor(
    readonly tag: string,
    cause: unknown,
  ) {
    super(`migration ${tag} failed and was rolled back: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "MigrationFailedError";
  }
}

/** The files and the ledger disagree in a way that applying more would hide. */
export class MigrationDriftError extends Error {
  constructor(readonly status: MigrationStatus) {
    const bad = status.migrations.filter((m) => m.state === "skipped" || m.state === "changed");
    super(
      `migration drift: ${bad
        .map((m) =>
          m.state === "changed"
            ? `${m.tag} changed after it was applied (hash differs)`
            : `${m.tag} is older than the newest applied migration and was never applied (drizzle would skip it)`,
        )
        .join("; ")}`,
    );
    this.name = "MigrationDriftError";
  }
}

/** Reads the current status without changing anything. */
export const readStatus = async (orm: Orm, files: MigrationFile[] = readMigrations()) =>
  migrationStatus(files, await readLedger(orm));

/**
 * Applies pending migrations under the advisory lock, in one transaction, writing drizzle's
 * ledger rows. Refuses on drift. Resolves with the tags it applied (none when up to date).
 * `orm` must be a single connection (see `openMigrationConnection`): the lock belongs to a session.
 */
export const applyMigrations = async (
  orm: Orm,
  { files = readMigrations(), lockTimeoutMs }: { files?: MigrationFile[]; lockTimeoutMs?: number } = {},
): Promise<string[]> =>
  withMigrationLock(
    orm,
    async () => {
      await ensureLedger(orm);
      const status = migrationStatus(files, await readLedger(orm));
      if (status.verdict === "drift") throw new MigrationDriftError(status);
      const pending = files.filter((f) => status.migrations.find((m) => m.tag === f.tag)?.state === "pending");
      if (!pending.length) return [];
      await orm.transaction(async (tx) => {
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

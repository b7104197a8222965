import type { Config } from "../config";
import { applyMigrations, readStatus } from "../db/migrations/apply";
import { readMigrations } from "../db/migrations/files";
import { type MigrationStatus, statusExitCode } from "../db/migrations/status";
import { openDatabase, openMigrationConnection } from "../db/open";

/** Renders the status newest first: tag, when applied, whether the file still matches. */
export const formatStatus = (status: MigrationStatus) => {
  const lines = [...status.migrations].reverse().map((m) => {
    const applied = m.appliedAt ? m.appliedAt.toISOString() : m.state === "pending" ? "pending" : "-";
    const note = {
      applied: "hash ok",
      pending: "not applied",
      changed: "HASH MISMATCH: file changed after it was applied",
      skipped: "NOT APPLIED and older than the newest applied: drizzle would skip it",
    }[m.state];
    return `  ${m.tag.padEnd(32)} ${applied.padEnd(26)} ${note}`;
  });
  const unknown = status.unknown.map(
    (r) => `  ${`(unknown, created_at ${r.createdAt})`.padEnd(32)} ${"".padEnd(26)} in the database, not in this build`,
  );
  return [
    `  ${"migration".padEnd(32)} ${"applied".padEnd(26)} check`,
    ...unknown,
    ...lines,
    `verdict: ${status.verdict}`,
  ].join("\n");
};

/**
 * `migrate` and `migrate status` (and `serve --role maintenance`): apply when asked, then print
 * the status. Resolves with the exit code.
 */
export const migrateCommand = async (
  config: Config,
  { apply, write }: { apply: boolean; write: (line: string) => void },
): Promise<number> => {
  const db = await openDatabase(config);
  const connection = openMigrationConnection(config, db);
  try {
    const files = readMigrations();
    if (apply) {
      const applied = await applyMigrations(connection.orm, { files });
      write(applied.length ? `applied: ${applied.join(", ")}` : "nothing to apply");
    }
    const status = await readStatus(connection.orm, files);
    write(formatStatus(status));
    // Applying already refused on drift; a database ahead of this build is only a warning then.
    return apply ? 0 : statusExitCode(status);
  } finally {
    await connection.close();
    await db.close();
  }
};

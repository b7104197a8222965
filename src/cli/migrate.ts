import type { Config } from "../config";
import { explainingConnection } from "../db/connection-error";
import { readStatus } from "../db/migrations/apply";
import { prepareSchema } from "../db/migrations/startup";
import { type MigrationStatus, statusExitCode } from "../db/migrations/status";
import { connectionTargets, openDatabase, openMigrationConnection } from "../db/open";
import { createLogger } from "../logger";

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
 * `migrate status` reads and reports (exit 0 up to date, 3 pending, 1 drift, 4 database ahead).
 * `migrate` and `serve --role maintenance` run what boot runs before listening (applying when
 * asked, refusing where boot would refuse), print the status and resolve 0; a refusal throws.
 */
export const migrateCommand = async (
  config: Config,
  {
    action,
    apply = false,
    write,
  }: { action: "status" | "maintenance"; apply?: boolean; write: (line: string) => void },
): Promise<number> => {
  const db = await openDatabase(config);
  const target = connectionTargets(config).migration;
  try {
    if (action === "status") {
      const connection = openMigrationConnection(config, db);
      try {
        const status = await explainingConnection(target, () => readStatus(connection.orm));
        write(formatStatus(status));
        return statusExitCode(status);
      } finally {
        await connection.close();
      }
    }
    const logger = createLogger(config.log);
    const { applied, status } = await explainingConnection(target, () =>
      prepareSchema({ config, db, apply, logger, autoApply: false }),
    );
    if (apply) write(applied.length ? `applied: ${applied.join(", ")}` : "nothing to apply");
    write(formatStatus(status));
    return 0;
  } finally {
    await db.close();
  }
};

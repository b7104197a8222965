import type { MigrationFile } from "./files";

/** One row of drizzle.__drizzle_migrations. */
export interface LedgerRow {
  id: number;
  hash: string;
  createdAt: number;
  /** When the row was written; rows from before berth added the column have none. */
  appliedAt?: Date;
}

export type MigrationState = "applied" | "pending" | "skipped" | "changed";

export interface MigrationStatus {
  migrations: { tag: string; when: number; state: MigrationState; appliedAt?: Date }[];
  /** Ledger rows no migration file of this build accounts for: the database is ahead. */
  unknown: LedgerRow[];
  verdict: "up to date" | "pending" | "drift" | "database ahead";
}

/**
 * Compares the migration files with the ledger the way drizzle's migrator would act on them,
 * and names what drizzle would do silently: skip a file older than the newest applied row, or
 * ignore a file whose content changed after it was applied.
 */
export const migrationStatus = (files: MigrationFile[], ledger: LedgerRow[]): MigrationStatus => {
  const byCreatedAt = new Map(ledger.map((row) => [row.createdAt, row]));
  const newestApplied = ledger.reduce((max, row) => Math.max(max, row.createdAt), Number.NEGATIVE_INFINITY);
  const migrations = files.map((file) => {
    const row = byCreatedAt.get(file.when);
    const state: MigrationState = row
      ? row.hash === file.hash
        ? "applied"
        : "changed"
      : file.when <= newestApplied
        ? "skipped"
        : "pending";
    return { tag: file.tag, when: file.when, state, appliedAt: row?.appliedAt };
  });
  const known = new Set(files.map((f) => f.when));
  const unknown = ledger.filter((row) => !known.has(row.createdAt));
  const has = (s: MigrationState) => migrations.some((m) => m.state === s);
  const verdict =
    has("skipped") || has("changed")
      ? "drift"
      : has("pending")
        ? "pending"
        : unknown.length
          ? "database ahead"
          : "up to date";
  return { migrations, unknown, verdict };
};

/** `migrate status` exit codes: 0 up to date, 3 pending, 1 drift, 4 database ahead. */
export const statusExitCode = (s: MigrationStatus) =>
  ({ "up to date": 0, pending: 3, drift: 1, "database ahead": 4 })[s.verdict];

import { DrizzleQueryError } from "drizzle-orm";
import type { MigrationStatus } from "./status";

/**
 * The database's own words for a failure: drizzle wraps driver errors in "Failed query: <sql>",
 * which names the statement but hides why it failed.
 */
export const databaseMessage = (error: unknown): string => {
  let current = error;
  while (current instanceof DrizzleQueryError && current.cause) current = current.cause;
  if (!(current instanceof Error)) return String(current);
  const code = (current as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)
    ? `${current.message} (SQLSTATE ${code})`
    : current.message;
};

/** A migration failed; everything in its run was rolled back and the ledger is unchanged. */
export class MigrationFailedError extends Error {
  constructor(
    readonly tag: string,
    cause: unknown,
  ) {
    super(`migration ${tag} failed and was rolled back: ${databaseMessage(cause)}`, { cause });
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

import { databaseMessage } from "../errors";
import type { MigrationStatus } from "./status";

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

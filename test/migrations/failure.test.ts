import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/database";
import { applyMigrations } from "../../src/db/migrations/apply";
import { MigrationFailedError } from "../../src/db/migrations/errors";
import {
  ledgerRows,
  migrationBackends,
  migrationsFolder,
  shippedMigrations,
  tableExists,
} from "../fixtures/migrations";
import { runCliProcess } from "../support/process";

const failing = () =>
  migrationsFolder([
    { tag: "0100_good", statements: ["create table good_t (id int)"] },
    {
      tag: "0101_bad",
      statements: [
        "create table half_t (id int)",
        "alter table notes add column flagged boolean default false",
        "insert into missing_t values (1)",
      ],
    },
  ]).files;

for (const backend of migrationBackends()) {
  describe(`a failing migration on ${backend.name}`, () => {
    test(
      "rolls back schema and ledger entirely; the error names the migration and the database error",
      async () => {
        const session = await backend.open();
        try {
          const before = await ledgerRows(session.orm);
          const error = await applyMigrations(session.orm, { files: failing() }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MigrationFailedError);
          expect((error as MigrationFailedError).tag).toBe("0101_bad");
          expect((error as Error).message).toStartWith("migration 0101_bad failed and was rolled back: ");
          expect((error as Error).message).toContain('relation "missing_t" does not exist');
          expect((error as Error).message).not.toContain("Failed query");
          // Nothing of the run survives: not the good migration before it, not the bad one's first statements.
          expect(await ledgerRows(session.orm)).toEqual(before);
          for (const table of ["good_t", "half_t"]) expect(await tableExists(session.orm, table)).toBe(false);
          const flagged = await session.orm.execute(
            sql`select column_name from information_schema.columns where table_name = 'notes' and column_name = 'flagged'`,
          );
          expect(rowsOf(flagged)).toHaveLength(0);
        } finally {
          await session.close();
        }
      },
      { timeout: 60_000 },
    );

    test(
      "a failed first run on an empty database leaves no ledger at all",
      async () => {
        const session = await backend.open({ migrated: false });
        try {
          const error = await applyMigrations(session.orm, { files: failing() }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MigrationFailedError);
          expect(await ledgerRows(session.orm)).toEqual([]);
          const schemas = await session.orm.execute(
            sql`select schema_name from information_schema.schemata where schema_name = 'drizzle'`,
          );
          expect(rowsOf(schemas)).toHaveLength(0);
          for (const table of ["notes", "good_t"]) expect(await tableExists(session.orm, table)).toBe(false);
        } finally {
          await session.close();
        }
      },
      { timeout: 60_000 },
    );

    test(
      "`migrate` exits 1 naming the migration and the database error, and changes nothing",
      async () => {
        // The shipped first migration fails when a table of its name is already there.
        const shared = await backend.shared({ migrated: false });
        const first = shippedMigrations()[0]?.tag;
        let session = await shared.connect();
        await session.orm.execute(sql`create table notes (legacy text)`);
        await session.close();
        try {
          const result = await runCliProcess(["migrate"], shared.env);
          expect(result.code).toBe(1);
          expect(result.stderr).toContain(`migration ${first} failed and was rolled back`);
          expect(result.stderr).toContain('relation "notes" already exists');
          session = await shared.connect();
          try {
            expect(await ledgerRows(session.orm)).toEqual([]);
            const cols = await session.orm.execute(
              sql`select column_name from information_schema.columns where table_name = 'notes' order by column_name`,
            );
            expect(rowsOf<{ column_name: string }>(cols).map((r) => r.column_name)).toEqual(["legacy"]);
          } finally {
            await session.close();
          }
        } finally {
          await shared.drop();
        }
      },
      { timeout: 60_000 },
    );
  });
}

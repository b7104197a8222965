import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { loadConfig } from "../../src/config";
import { applyMigrations, readStatus } from "../../src/db/migrations/apply";
import { MigrationDriftError } from "../../src/db/migrations/errors";
import { readMigrations } from "../../src/db/migrations/files";
import { prepareSchema, SchemaNotReadyError } from "../../src/db/migrations/startup";
import { statusExitCode } from "../../src/db/migrations/status";
import type { Database, Orm } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { databaseBackends } from "../fixtures/databases";
import {
  ledgerRows,
  migrationBackends,
  migrationsFolder,
  shippedMigrations,
  tableExists,
} from "../fixtures/migrations";
import { freePort } from "../support/ports";

const shipped = shippedMigrations();
const newestShipped = Math.max(...shipped.map((m) => m.when));

for (const backend of migrationBackends()) {
  describe(`migration status on ${backend.name}`, () => {
    const withSession = async (work: (orm: Orm) => Promise<void>, migrated = true) => {
      const session = await backend.open({ migrated });
      try {
        await work(session.orm);
      } finally {
        await session.close();
      }
    };

    test(
      "an empty database: every shipped migration pending, exit 3",
      () =>
        withSession(async (orm) => {
          const status = await readStatus(orm);
          expect(status.verdict).toBe("pending");
          expect(status.migrations.map((m) => [m.tag, m.state])).toEqual(shipped.map((m) => [m.tag, "pending"]));
          expect(statusExitCode(status)).toBe(3);
        }, false),
      { timeout: 60_000 },
    );

    test(
      "up to date after applying drizzle/, exit 0; applying again does nothing",
      () =>
        withSession(async (orm) => {
          const status = await readStatus(orm);
          expect(status.verdict).toBe("up to date");
          expect(status.migrations.every((m) => m.state === "applied" && m.appliedAt instanceof Date)).toBe(true);
          expect(statusExitCode(status)).toBe(0);
          expect(await applyMigrations(orm)).toEqual([]);
          expect(await ledgerRows(orm)).toHaveLength(shipped.length);
        }),
      { timeout: 60_000 },
    );

    test(
      "pending: a newer migration file not in the ledger, exit 3; applying it brings it up to date",
      () =>
        withSession(async (orm) => {
          const { files } = migrationsFolder([
            { tag: "0100_pending", statements: ["create table pending_t (id int)"] },
          ]);
          const status = await readStatus(orm, files);
          expect(status.verdict).toBe("pending");
          expect(status.migrations.at(-1)).toMatchObject({ tag: "0100_pending", state: "pending" });
          expect(statusExitCode(status)).toBe(3);
          expect(await applyMigrations(orm, { files })).toEqual(["0100_pending"]);
          expect(await tableExists(orm, "pending_t")).toBe(true);
          expect((await readStatus(orm, files)).verdict).toBe("up to date");
        }),
      { timeout: 60_000 },
    );

    test(
      "would-be-skipped: an older file never applied is drift, exit 1; apply refuses, drizzle would skip it",
      () =>
        withSession(async (orm) => {
          const { dir, files } = migrationsFolder([
            { tag: "0099_late_branch", when: newestShipped - 1, statements: ["create table skipped_t (id int)"] },
          ]);
          const status = await readStatus(orm, files);
          expect(status.verdict).toBe("drift");
          expect(status.migrations.find((m) => m.tag === "0099_late_branch")?.state).toBe("skipped");
          expect(statusExitCode(status)).toBe(1);
          const before = await ledgerRows(orm);
          const refused = await applyMigrations(orm, { files }).catch((e: unknown) => e);
          expect(refused).toBeInstanceOf(MigrationDriftError);
          expect((refused as Error).message).toContain("0099_late_branch is older than the newest applied migration");
          expect(await ledgerRows(orm)).toEqual(before);
          // What berth guards against: drizzle's own migrator reports success and never runs it.
          const config = {
            migrationsFolder: dir,
            migrationsSchema: "drizzle",
            migrationsTable: "__drizzle_migrations",
          };
          await (backend.name === "pglite"
            ? migratePglite(orm as Parameters<typeof migratePglite>[0], config)
            : migratePostgres(orm as Parameters<typeof migratePostgres>[0], config));
          expect(await tableExists(orm, "skipped_t")).toBe(false);
          expect(await ledgerRows(orm)).toEqual(before);
        }),
      { timeout: 60_000 },
    );

    test(
      "changed: an applied file edited afterwards is drift, exit 1; apply refuses",
      () =>
        withSession(async (orm) => {
          const { dir } = migrationsFolder();
          const last = shipped.at(-1);
          if (!last) throw new Error("drizzle/ has no migrations");
          const path = join(dir, `${last.tag}.sql`);
          writeFileSync(path, `${readFileSync(path, "utf8")}\n-- edited after it was applied\n`);
          const files = readMigrations(dir);
          const status = await readStatus(orm, files);
          expect(status.verdict).toBe("drift");
          expect(status.migrations.find((m) => m.tag === last.tag)?.state).toBe("changed");
          expect(statusExitCode(status)).toBe(1);
          const refused = await applyMigrations(orm, { files }).catch((e: unknown) => e);
          expect(refused).toBeInstanceOf(MigrationDriftError);
          expect((refused as Error).message).toContain(`${last.tag} changed after it was applied`);
        }),
      { timeout: 60_000 },
    );

    test(
      "database ahead: a ledger row this build does not know, exit 4; apply has nothing to do",
      () =>
        withSession(async (orm) => {
          const future = newestShipped + 86_400_000;
          await orm.execute(
            sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-a-newer-build', ${future})`,
          );
          const status = await readStatus(orm);
          expect(status.verdict).toBe("database ahead");
          expect(status.unknown.map((r) => [r.createdAt, r.hash])).toEqual([[future, "from-a-newer-build"]]);
          expect(status.migrations.every((m) => m.state === "applied")).toBe(true);
          expect(statusExitCode(status)).toBe(4);
          expect(await applyMigrations(orm)).toEqual([]);
        }),
      { timeout: 60_000 },
    );
  });
}

// Boot's verdicts (prepareSchema) on a strict mode, at module level with temporary folders; the
// same refusals through a real `serve --mode production` are in test/cli/migrate-status.test.ts.
describe("boot on staging/production (prepareSchema)", () => {
  const strict = loadConfig({ AUTH_JWT_SECRET: "x".repeat(32) }, { mode: "production", require: [] });
  const lines: string[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (line) => lines.push(line) });

  const boot = async (
    files: ReturnType<typeof readMigrations>,
    apply: boolean,
    prepare?: (orm: Orm) => PromiseLike<unknown>,
  ) => {
    const session = await migrationBackends()[0]?.open();
    if (!session) throw new Error("no PGlite backend");
    try {
      await prepare?.(session.orm);
      const db = { kind: "pglite", orm: session.orm } as Database;
      lines.length = 0;
      return await prepareSchema({ config: strict, db, apply, logger, files }).catch((e: unknown) => e as Error);
    } finally {
      await session.close();
    }
  };

  test(
    "refuses pending migrations without --apply-migrations, applies them with it",
    async () => {
      const { files } = migrationsFolder([{ tag: "0100_new", statements: ["create table boot_t (id int)"] }]);
      const refused = await boot(files, false);
      expect(refused).toBeInstanceOf(SchemaNotReadyError);
      expect((refused as Error).message).toContain("pending migrations: 0100_new");
      const applied = await boot(files, true);
      expect(applied).toMatchObject({ applied: ["0100_new"], status: { verdict: "up to date" } });
    },
    { timeout: 60_000 },
  );

  test(
    "refuses a would-be-skipped migration, even with --apply-migrations",
    async () => {
      const { files } = migrationsFolder([{ tag: "0099_old", when: newestShipped - 1, statements: ["select 1"] }]);
      for (const apply of [false, true]) {
        const refused = await boot(files, apply);
        expect(refused).toBeInstanceOf(MigrationDriftError);
        expect((refused as Error).message).toContain("0099_old");
      }
    },
    { timeout: 60_000 },
  );

  test(
    "refuses a changed migration",
    async () => {
      const last = shipped.at(-1)?.tag ?? "";
      const refused = await boot(shipped, false, (orm) =>
        orm.execute(sql`update drizzle.__drizzle_migrations set hash = 'edited' where created_at = ${newestShipped}`),
      );
      expect(refused).toBeInstanceOf(MigrationDriftError);
      expect((refused as Error).message).toContain(`${last} changed after it was applied`);
    },
    { timeout: 60_000 },
  );

  test(
    "a database ahead of this build is a warning, not a refusal",
    async () => {
      const result = await boot(shipped, false, (orm) =>
        orm.execute(
          sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('newer', ${newestShipped + 1})`,
        ),
      );
      expect(result).toMatchObject({ status: { verdict: "database ahead" } });
      expect(lines.some((l) => JSON.parse(l).level === "warn" && l.includes("does not know"))).toBe(true);
    },
    { timeout: 60_000 },
  );
});

// Which connection a strict start reads the ledger on. The configured URLs point at a port nobody
// listens on, so only the app's own (working) database can answer: a start that dialled the
// migration URL fails with a refused connection.
for (const backend of databaseBackends().filter((b) => b.name === "postgres")) {
  describe("the connection a production start checks migrations on", () => {
    const configWith = (env: Record<string, string>) =>
      loadConfig({ AUTH_JWT_SECRET: "x".repeat(32), DATABASE_SSL: "disable", ...env }, { mode: "production" });
    const logger = createLogger({ level: "error", format: "json", write: () => {} });

    test("the app pool when nothing is applied and migrations use the app's URL", async () => {
      const db = await backend.open();
      try {
        const url = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
        const config = configWith({ DATABASE_URL: url });
        const result = await prepareSchema({ config, db, apply: false, logger });
        expect(result.status.verdict).toBe("up to date");
      } finally {
        await db.close();
      }
    });

    test.each([
      ["DATABASE_MIGRATION_URL names another database", false],
      ["migrations are applied (--apply-migrations)", true],
    ])("a connection of its own when %s", async (_, apply) => {
      const db = await backend.open();
      try {
        const url = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
        const config = configWith({
          DATABASE_URL: url,
          ...(apply ? {} : { DATABASE_MIGRATION_URL: `${url}_direct` }),
        });
        const refused = await prepareSchema({ config, db, apply, logger }).catch((e: unknown) => e);
        expect(String((refused as Error).cause ?? refused)).toMatch(/ECONNREFUSED|connect/i);
      } finally {
        await db.close();
      }
    });
  });
}

import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/db/database";
import { applyMigrations } from "../../src/db/migrations/apply";
import { MigrationFailedError } from "../../src/db/migrations/errors";
import { MIGRATION_LOCK_KEY, MigrationLockTimeoutError } from "../../src/db/migrations/lock";
import type { Orm } from "../../src/db/types";
import { ledgerRows, migrationBackends, migrationsFolder, type SharedDatabase } from "../fixtures/migrations";
import { runCliProcess } from "../support/process";

// The advisory lock is a Postgres session lock between processes; PGlite has one session in one
// process (a second process is refused by its lock file, see test/cli/pglite-lock.test.ts).
const postgres = migrationBackends().find((b) => b.name === "postgres");

const KEY = sql.raw(`${MIGRATION_LOCK_KEY}::bigint`);
const tryLock = async (orm: Orm) =>
  rowsOf<{ locked: boolean }>(await orm.execute(sql`select pg_try_advisory_lock(${KEY}) as locked`))[0]?.locked;
const unlock = (orm: Orm) => orm.execute(sql`select pg_advisory_unlock(${KEY})`);

if (postgres) {
  describe("the migration lock on postgres", () => {
    const databases: SharedDatabase[] = [];
    // Each drop ends the database's sessions first, which a loaded machine can make slow.
    afterAll(() => Promise.all(databases.map((db) => db.drop())), { timeout: 30_000 });
    const emptyDatabase = async () => {
      const db = await postgres.shared({ migrated: false });
      databases.push(db);
      return db;
    };

    test(
      "concurrent migrators on an empty database apply each migration exactly once",
      async () => {
        const { files } = migrationsFolder([
          { tag: "0100_a", statements: ["create table lock_a (id int)"] },
          { tag: "0101_b", statements: ["create table lock_b (id int)", "select pg_sleep(0.2)"] },
          { tag: "0102_c", statements: ["create table lock_c (id int)"] },
        ]);
        const db = await emptyDatabase();
        const sessions = await Promise.all([1, 2, 3].map(() => db.connect()));
        try {
          const results = await Promise.all(
            sessions.map((s) => applyMigrations(s.orm, { files, lockTimeoutMs: 20_000 })),
          );
          const applied = results.flat();
          expect(applied.sort()).toEqual(files.map((f) => f.tag).sort());
          expect(results.filter((r) => r.length > 0)).toHaveLength(1);
          const ledger = await ledgerRows(sessions[0]?.orm as Orm);
          expect(ledger.map((r) => r.createdAt)).toEqual(files.map((f) => f.when));
        } finally {
          await Promise.all(sessions.map((s) => s.close()));
        }
      },
      { timeout: 60_000 },
    );

    test(
      "two `migrate` processes racing on an empty database both exit 0, each migration once",
      async () => {
        const db = await emptyDatabase();
        const holder = await db.connect();
        // Both processes are made to wait on the lock, so they race for it the moment it is released.
        // The holder's own session carries the same application name, so it is left out of the count.
        expect(await tryLock(holder.orm)).toBe(true);
        const running = [runCliProcess(["migrate"], db.env), runCliProcess(["migrate"], db.env)];
        const deadline = Date.now() + 30_000;
        const waiting = async () =>
          rowsOf<{ n: number }>(
            await holder.orm.execute(
              sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'berth-migrate' and pid <> pg_backend_pid()`,
            ),
          )[0]?.n ?? 0;
        while ((await waiting()) < 2 && Date.now() < deadline) await Bun.sleep(50);
        expect(await waiting()).toBe(2);
        await unlock(holder.orm);
        const results = await Promise.all(running);
        for (const r of results) {
          expect(r.stderr).toBe("");
          expect(r.code).toBe(0);
          expect(r.stdout).toContain("verdict: up to date");
        }
        try {
          const ledger = await ledgerRows(holder.orm);
          const shipped = migrationsFolder().files;
          expect(ledger.map((r) => [r.createdAt, r.hash])).toEqual(shipped.map((f) => [f.when, f.hash]));
        } finally {
          await holder.close();
        }
        expect(results.filter((r) => r.stdout.includes("applied: "))).toHaveLength(1);
        expect(results.filter((r) => r.stdout.includes("nothing to apply"))).toHaveLength(1);
      },
      { timeout: 60_000 },
    );

    test(
      "a held lock makes a migrator wait, then fail after its deadline with a clear message",
      async () => {
        const db = await emptyDatabase();
        const [holder, migrator] = await Promise.all([db.connect(), db.connect()]);
        try {
          expect(await tryLock(holder.orm)).toBe(true);
          const started = Date.now();
          const error = await applyMigrations(migrator.orm, { lockTimeoutMs: 800 }).catch((e: unknown) => e);
          const waited = Date.now() - started;
          expect(error).toBeInstanceOf(MigrationLockTimeoutError);
          expect((error as Error).message).toMatch(
            /^could not take the migration lock within \d+ ms: another process is migrating this database/,
          );
          expect(waited).toBeGreaterThanOrEqual(800);
          expect(waited).toBeLessThan(10_000);
          expect(await ledgerRows(migrator.orm)).toEqual([]);
        } finally {
          await unlock(holder.orm);
          await Promise.all([holder.close(), migrator.close()]);
        }
      },
      { timeout: 60_000 },
    );

    test(
      "a migrator waits for a released lock and then proceeds",
      async () => {
        const db = await emptyDatabase();
        const [holder, migrator] = await Promise.all([db.connect(), db.connect()]);
        try {
          expect(await tryLock(holder.orm)).toBe(true);
          const started = Date.now();
          const applying = applyMigrations(migrator.orm, { lockTimeoutMs: 20_000 });
          await Bun.sleep(600);
          await unlock(holder.orm);
          const applied = await applying;
          expect(Date.now() - started).toBeGreaterThanOrEqual(600);
          expect(applied).toEqual(migrationsFolder().files.map((f) => f.tag));
        } finally {
          await Promise.all([holder.close(), migrator.close()]);
        }
      },
      { timeout: 60_000 },
    );

    test(
      "the lock is released after a failed migration",
      async () => {
        const db = await emptyDatabase();
        const [migrator, other] = await Promise.all([db.connect(), db.connect()]);
        try {
          const { files } = migrationsFolder([{ tag: "0100_broken", statements: ["select * from nowhere"] }]);
          const error = await applyMigrations(migrator.orm, { files }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MigrationFailedError);
          expect(await tryLock(other.orm)).toBe(true);
          await unlock(other.orm);
        } finally {
          await Promise.all([migrator.close(), other.close()]);
        }
      },
      { timeout: 60_000 },
    );
  });
}

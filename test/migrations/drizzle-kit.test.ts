import { describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { ledgerRows, migrationBackends, runDrizzleKit, shippedMigrations } from "../fixtures/migrations";
import { runCliProcess } from "../support/process";

// `bunx drizzle-kit migrate` (the release step) and berth's own `migrate` keep one ledger,
// drizzle.__drizzle_migrations: whichever applied, the other sees the database up to date.
const shipped = shippedMigrations();

for (const backend of migrationBackends()) {
  describe(`drizzle-kit and berth share one ledger on ${backend.name}`, () => {
    // drizzle-kit 0.31.10+ exits 1 on a failed migration without saying why; the pin to 0.31.9
    // keeps the release step's log useful, and this keeps the pin honest.
    test(
      "a failing release step prints the database error and names the migration",
      async () => {
        const db = await backend.shared({ migrated: false });
        try {
          const session = await db.connect();
          await session.orm.execute(sql`create table notes (id int)`).finally(session.close);
          const kit = await runDrizzleKit(["migrate"], db.env);
          expect(kit.code).toBe(1);
          expect(kit.stdout + kit.stderr).toContain('relation "notes" already exists');
          // drizzle.config.ts adds the migration, which drizzle-kit itself leaves out.
          expect(kit.stderr).toContain(
            'migration 0000_init failed and was rolled back: relation "notes" already exists',
          );
        } finally {
          await db.drop();
        }
      },
      { timeout: 60_000 },
    );

    test(
      "applied by `bunx drizzle-kit migrate`, berth's `migrate status` says up to date",
      async () => {
        const db = await backend.shared({ migrated: false });
        try {
          const kit = await runDrizzleKit(["migrate"], db.env);
          expect(kit.code).toBe(0);
          expect(kit.stdout + kit.stderr).toContain("migrations applied successfully");
          const status = await runCliProcess(["migrate", "status"], db.env);
          expect(status.stderr).toBe("");
          expect(status.code).toBe(0);
          expect(status.stdout).toContain("verdict: up to date");
          for (const m of shipped) expect(status.stdout).toMatch(new RegExp(`${m.tag}\\s.*hash ok`));
          const again = await runCliProcess(["migrate"], db.env);
          expect(again.code).toBe(0);
          expect(again.stdout).toContain("nothing to apply");
          const session = await db.connect();
          try {
            expect((await ledgerRows(session.orm)).map((r) => [r.createdAt, r.hash])).toEqual(
              shipped.map((m) => [m.when, m.hash]),
            );
          } finally {
            await session.close();
          }
        } finally {
          await db.drop();
        }
      },
      { timeout: 60_000 },
    );

    if (backend.name === "postgres") {
      test(
        "the release step in production needs no auth secret and honours DATABASE_SSL",
        async () => {
          const db = await backend.shared({ migrated: false });
          try {
            const release = { ...db.env, APP_MODE: "production" };
            // This Postgres has no TLS: the default `require` reaching drizzle-kit makes it refuse.
            // (drizzle-kit 0.31.10+ exits 1 without printing why: drizzle-orm#6121.)
            const strict = await runDrizzleKit(["migrate"], release);
            expect(strict.code).not.toBe(0);
            const kit = await runDrizzleKit(["migrate"], { ...release, DATABASE_SSL: "disable" }, { bunRuntime: true });
            expect(kit.code).toBe(0);
            const status = await runCliProcess(["migrate", "status", "--mode", "production"], {
              ...db.env,
              DATABASE_SSL: "disable",
            });
            expect(status.code).toBe(0);
          } finally {
            await db.drop();
          }
        },
        { timeout: 60_000 },
      );
    }

    test(
      "applied by berth's `migrate`, `bunx drizzle-kit migrate` finds nothing to do",
      async () => {
        const db = await backend.shared({ migrated: false });
        try {
          const berth = await runCliProcess(["migrate"], db.env);
          expect(berth.code).toBe(0);
          expect(berth.stdout).toContain(`applied: ${shipped.map((m) => m.tag).join(", ")}`);
          // drizzle-kit would re-run 0000 (and fail on the existing tables) if it did not see berth's rows.
          const kit = await runDrizzleKit(["migrate"], db.env);
          expect(kit.code).toBe(0);
          expect(kit.stdout + kit.stderr).toContain("migrations applied successfully");
          const session = await db.connect();
          try {
            expect(await ledgerRows(session.orm)).toHaveLength(shipped.length);
          } finally {
            await session.close();
          }
          const status = await runCliProcess(["migrate", "status"], db.env);
          expect(status.code).toBe(0);
        } finally {
          await db.drop();
        }
      },
      { timeout: 60_000 },
    );
  });
}

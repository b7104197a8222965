import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Orm } from "../../src/db/types";
import {
  ledgerRows,
  migrationBackends,
  type SharedDatabase,
  shippedMigrations,
  tableExists,
} from "../fixtures/migrations";
import { freePort, runCliProcess, startService } from "../support/process";

// Each drift case prepared by hand on a database migrated with this build's drizzle/, then seen
// through real processes: `migrate status`, `serve --role maintenance`, and a production boot.
const shipped = shippedMigrations();
const newest = shipped.at(-1);
if (!newest) throw new Error("drizzle/ has no migrations");
const FUTURE = newest.when + 86_400_000;

const addUnknownRow = (orm: Orm) =>
  orm.execute(
    sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-a-newer-build', ${FUTURE})`,
  );

/** The hand-made states, each from a database migrated with drizzle/. */
const states: Record<string, (orm: Orm) => Promise<unknown>> = {
  "up to date": async () => {},
  // The newest shipped migration is missing from the ledger, yet older than its newest row.
  skipped: async (orm) => {
    await addUnknownRow(orm);
    await orm.execute(sql`delete from drizzle.__drizzle_migrations where created_at = ${newest.when}`);
  },
  changed: (orm) =>
    orm.execute(sql`update drizzle.__drizzle_migrations set hash = 'edited' where created_at = ${newest.when}`),
  ahead: addUnknownRow,
};

for (const backend of migrationBackends()) {
  describe(`migrate status and boot on ${backend.name}`, () => {
    const databases: SharedDatabase[] = [];
    // Each drop ends the database's sessions first, which a loaded machine can make slow.
    afterAll(() => Promise.all(databases.map((db) => db.drop())), { timeout: 30_000 });
    const prepared = async (state: keyof typeof states | "pending") => {
      const db = await backend.shared({ migrated: state !== "pending" });
      databases.push(db);
      if (state !== "pending") {
        const session = await db.connect();
        await states[state]?.(session.orm);
        await session.close();
      }
      return db;
    };

    const expectations = [
      ["up to date", 0, "verdict: up to date"],
      ["pending", 3, "verdict: pending"],
      ["skipped", 1, "NOT APPLIED and older than the newest applied: drizzle would skip it"],
      ["changed", 1, "HASH MISMATCH: file changed after it was applied"],
      ["ahead", 4, "in the database, not in this build"],
    ] as const;
    test.each(expectations)(
      "`migrate status` on %s: exit %d",
      async (state, code, line) => {
        const db = await prepared(state);
        const r = await runCliProcess(["migrate", "status"], db.env);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(code);
        expect(r.stdout).toContain(line);
        // Newest first.
        const tags = shipped.map((m) => m.tag);
        const order = tags.map((t) => r.stdout.indexOf(`  ${t} `));
        expect(order.every((i) => i > 0)).toBe(true);
        expect([...order].sort((a, b) => b - a)).toEqual(order);
      },
      { timeout: 60_000 },
    );

    test(
      "`migrate status` on a database it cannot open: exit 1 with the cause",
      async () => {
        const env =
          backend.name === "postgres"
            ? { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, DATABASE_TIMEOUT_MS: "1000" }
            : { PGLITE_DIR: "/proc/berth-cannot-write-here" };
        const r = await runCliProcess(["migrate", "status"], env);
        expect(r.code).toBe(1);
        expect(r.stderr).toStartWith("error: ");
        expect(r.stdout).toBe("");
      },
      { timeout: 60_000 },
    );

    test(
      "`serve --role maintenance` prints the status without applying; with --apply-migrations it applies",
      async () => {
        const db = await prepared("pending");
        const look = await runCliProcess(["serve", "--role", "maintenance"], db.env);
        expect(look.code).toBe(0);
        expect(look.stdout).toContain("verdict: pending");
        let session = await db.connect();
        expect(await ledgerRows(session.orm)).toEqual([]);
        await session.close();
        const apply = await runCliProcess(["serve", "--role", "maintenance", "--apply-migrations"], db.env);
        expect(apply.code).toBe(0);
        expect(apply.stdout).toContain(`applied: ${shipped.map((m) => m.tag).join(", ")}`);
        expect(apply.stdout).toContain("verdict: up to date");
        session = await db.connect();
        expect(await ledgerRows(session.orm)).toHaveLength(shipped.length);
        expect(await tableExists(session.orm, "notes")).toBe(true);
        await session.close();
      },
      { timeout: 60_000 },
    );

    test(
      "`migrate` refuses drift: exit 1 naming the migration, nothing applied",
      async () => {
        const db = await prepared("changed");
        const r = await runCliProcess(["migrate"], db.env);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`migration drift: ${newest.tag} changed after it was applied`);
      },
      { timeout: 60_000 },
    );

    if (backend.name === "postgres") {
      const production = (db: SharedDatabase) => ({
        ...db.env,
        APP_MODE: "production",
        DATABASE_SSL: "disable",
        AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-bytes!",
        SHUTDOWN_DELAY_MS: "0",
      });

      test(
        "production boot refuses pending migrations without --apply-migrations",
        async () => {
          const db = await prepared("pending");
          const r = await runCliProcess(["serve"], production(db));
          expect(r.code).toBe(1);
          expect(r.stdout + r.stderr).toContain(`pending migrations: ${shipped.map((m) => m.tag).join(", ")}`);
          const maintenance = await runCliProcess(["serve", "--role", "maintenance"], production(db));
          expect(maintenance.code).toBe(1);
          expect(maintenance.stdout + maintenance.stderr).toContain("pending migrations:");
        },
        { timeout: 60_000 },
      );

      test(
        "production boot with --apply-migrations applies, then serves",
        async () => {
          const db = await prepared("pending");
          const service = await startService(production(db), {
            args: ["--apply-migrations"],
            readyPath: "/openapi.json",
          });
          expect(service.output()).toContain(`applied ${shipped.length} migration(s)`);
          expect(await service.stop()).toBe(0);
        },
        { timeout: 60_000 },
      );

      test.each(["skipped", "changed"] as const)(
        "production boot refuses a %s migration, with or without --apply-migrations",
        async (state) => {
          const db = await prepared(state);
          for (const args of [["serve"], ["serve", "--apply-migrations"]]) {
            const r = await runCliProcess(args, production(db));
            expect(r.code).toBe(1);
            expect(r.stdout + r.stderr).toContain(
              state === "changed"
                ? `${newest.tag} changed after it was applied`
                : `${newest.tag} is older than the newest applied migration`,
            );
          }
        },
        { timeout: 60_000 },
      );

      test(
        "production boot on a database ahead of this build warns and serves",
        async () => {
          const db = await prepared("ahead");
          const service = await startService(production(db), { readyPath: "/openapi.json" });
          const warning = service
            .output()
            .split("\n")
            .find((l) => l.includes("does not know"));
          expect(JSON.parse(warning ?? "{}")).toMatchObject({ level: "warn", unknown: [FUTURE] });
          expect(await service.stop()).toBe(0);
        },
        { timeout: 60_000 },
      );
    }
  });
}

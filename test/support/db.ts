import postgres from "postgres";
import { applyMigrations } from "../../src/db/migrations/apply";
import { createPgliteDatabase, dumpPglite } from "../../src/db/pglite";
import { createMigrationOrm, createPostgresDatabase } from "../../src/db/postgres";
import type { Database } from "../../src/db/types";
import { serviceUrl } from "./services";

const templates = new Map<boolean, Promise<Blob>>();

/**
 * A PGlite data directory (migrated, or never migrated), built once per test process and copied
 * for every database: initialising PGlite takes seconds, loading a copy a fraction of one.
 */
const pgliteTemplate = (migrated: boolean) => {
  let template = templates.get(migrated);
  if (!template) {
    template = (async () => {
      // The migrated template starts from the empty one, so a process initialises PGlite once.
      const db = await createPgliteDatabase({
        dir: "memory://",
        timeoutMs: 10_000,
        loadDataDir: migrated ? await pgliteTemplate(false) : undefined,
      });
      if (migrated) await applyMigrations(db.orm);
      const blob = await dumpPglite(db);
      await db.close();
      return blob;
    })();
    templates.set(migrated, template);
  }
  return template;
};

/** A fresh PGlite (migrated unless asked not to), in memory or in the directory given. */
export const freshPglite = async ({ timeoutMs = 3000, migrated = true, dir = "memory://" } = {}) =>
  createPgliteDatabase({ dir, timeoutMs, loadDataDir: await pgliteTemplate(migrated) });

export { tempDir } from "./temp";

const adminUrl = () => serviceUrl("TEST_DATABASE_URL");

export interface TestDatabase {
  url: string;
  /** Drops the database, ending any connection still on it. */
  drop: () => Promise<void>;
}

/**
 * Creates an empty database on the real Postgres for one suite; the caller drops it.
 * Resolves with undefined when no real Postgres is configured (never in CI).
 */
export const createTestDatabase = async (prefix = "berth_test"): Promise<TestDatabase | undefined> => {
  const url = adminUrl();
  if (!url) return undefined;
  const name = `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
      await sql.end();
    },
  };
};

/**
 * Fresh databases for one test file: `fresh()` creates one and resolves with its URL, `dropAll()`
 * (from `afterAll`) drops every one created. For suites that need the real Postgres.
 */
export const testDatabases = (prefix: string) => {
  const created: TestDatabase[] = [];
  return {
    fresh: async () => {
      const db = await createTestDatabase(prefix);
      if (!db) throw new Error("TEST_DATABASE_URL vanished");
      created.push(db);
      return db.url;
    },
    dropAll: () => Promise.all(created.map((db) => db.drop())),
  };
};

/**
 * A pooled Database on a fresh real-Postgres database, migrated unless asked not to; closing
 * it drops the database.
 */
export const freshPostgres = async ({ timeoutMs = 3000, migrated = true, poolMax = 5 } = {}) => {
  const target = await createTestDatabase();
  if (!target) return undefined;
  const pooled = createPostgresDatabase({ url: target.url, ssl: "disable", poolMax, timeoutMs });
  const db: Database = {
    ...pooled,
    close: async () => {
      await pooled.close();
      await target.drop();
    },
  };
  if (migrated) {
    const migration = createMigrationOrm({ url: target.url, ssl: "disable", timeoutMs });
    await applyMigrations(migration.orm).finally(migration.close);
  }
  return { db, url: target.url };
};

export interface Backend {
  name: "pglite" | "postgres";
  /** A fresh migrated database of this kind; closed by the caller. */
  open: () => Promise<Database>;
}

/** PGlite always; the real Postgres too when TEST_DATABASE_URL is set (always in CI). */
export const databaseBackends = (): Backend[] => {
  const backends: Backend[] = [{ name: "pglite", open: () => freshPglite() }];
  if (adminUrl()) {
    backends.push({
      name: "postgres",
      open: async () => {
        const fresh = await freshPostgres();
        if (!fresh) throw new Error("TEST_DATABASE_URL vanished");
        return fresh.db;
      },
    });
  }
  return backends;
};

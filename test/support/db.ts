import postgres from "postgres";
import { serviceUrl } from "./services";

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

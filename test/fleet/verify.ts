import { expect } from "bun:test";
import type { Sql } from "postgres";
import { migrationsFolder } from "../fixtures/migrations";
import { eventually, userHeaders } from "../health/service";
import type { PlatformProxy } from "./haproxy";
import { type Figures, startTraffic } from "./traffic";

/** Starts the client on the proxy as one user, and waits until its writes are being acknowledged. */
export const trafficFor = async (proxy: PlatformProxy, scenario: string) => {
  const traffic = startTraffic({ url: proxy.url, headers: await userHeaders(`fleet-${scenario}`), prefix: scenario });
  await eventually("the first writes through the proxy", async () => traffic.figures.acknowledged.size >= 20);
  return traffic;
};

/** Every note the service acknowledged is stored, with its key as title, and no key made two. */
export const expectEveryWriteOnce = async (sql: Sql, figures: Figures) => {
  const rows = await sql<{ id: string; title: string }[]>`select id, title from notes`;
  const byTitle = new Map<string, string[]>();
  for (const row of rows) byTitle.set(row.title, [...(byTitle.get(row.title) ?? []), row.id]);
  const duplicated = [...byTitle].filter(([, ids]) => ids.length > 1);
  expect(duplicated).toEqual([]);
  const missing = [...figures.acknowledged].filter(([key, id]) => byTitle.get(key)?.[0] !== id);
  expect(missing).toEqual([]);
  // A create retried after its first try reached the database still made one note.
  expect(rows.length).toBe(figures.acknowledged.size);
};

/** The public schema's columns and the migration ledger, to compare before and after a release step. */
export const schemaAndLedger = async (sql: Sql) => ({
  columns: (
    await sql<{ column: string }[]>`
      select table_name || '.' || column_name || ' ' || data_type as column from information_schema.columns
      where table_schema = 'public' order by 1`
  ).map((r) => r.column),
  ledger: await sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`,
});

/** drizzle/ plus a migration whose first statement works and whose second fails. */
export const brokenMigrations = () =>
  migrationsFolder([
    {
      tag: "0002_archive",
      statements: [
        'ALTER TABLE "notes" ADD COLUMN "archived_at" timestamp (3) with time zone;',
        'ALTER TABLE "note_archive" ADD COLUMN "note_id" uuid;',
      ],
    },
  ]).dir;

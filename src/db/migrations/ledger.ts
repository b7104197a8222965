import { sql } from "drizzle-orm";
import { rowsOf } from "../database";
import type { Orm } from "../types";
import type { LedgerRow } from "./status";

/** drizzle's own ledger, so `bunx drizzle-kit migrate` and berth agree on what is applied. */
export const LEDGER = sql`"drizzle"."__drizzle_migrations"`;

/** Creates the ledger as drizzle does, plus an `applied_at` column drizzle-kit leaves to its default. */
export const ensureLedger = async (orm: Orm) => {
  await orm.execute(sql`create schema if not exists "drizzle"`);
  await orm.execute(
    sql`create table if not exists ${LEDGER} (id serial primary key, hash text not null, created_at bigint)`,
  );
  await orm.execute(sql`alter table ${LEDGER} add column if not exists applied_at timestamptz default now()`);
};

/** Every ledger row, oldest first; empty when nothing was ever migrated. */
export const readLedger = async (orm: Orm): Promise<LedgerRow[]> => {
  const [exists] = rowsOf<{ ledger: string | null }>(
    await orm.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as ledger`),
  );
  if (!exists?.ledger) return [];
  const [hasAppliedAt] = rowsOf<{ present: boolean }>(
    await orm.execute(
      sql`select exists (select 1 from information_schema.columns where table_schema = 'drizzle'
          and table_name = '__drizzle_migrations' and column_name = 'applied_at') as present`,
    ),
  );
  const rows = rowsOf<{ id: number; hash: string; created_at: string | number; applied_at?: string | Date | null }>(
    await orm.execute(
      hasAppliedAt?.present
        ? sql`select id, hash, created_at, applied_at from ${LEDGER} order by created_at asc, id asc`
        : sql`select id, hash, created_at from ${LEDGER} order by created_at asc, id asc`,
    ),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    hash: r.hash,
    createdAt: Number(r.created_at),
    appliedAt: r.applied_at ? new Date(r.applied_at) : undefined,
  }));
};

import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/** Drizzle over either driver: postgres.js and PGlite expose the same query builder. */
export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseKind = "postgres" | "pglite";

/** The database as the app sees it: one query builder, one deadline, one way to close. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly orm: Orm;
  /** Runs database work bounded by DATABASE_TIMEOUT_MS; an unreachable database becomes DatabaseUnavailableError. */
  run<T>(work: (orm: Orm) => PromiseLike<T>): Promise<T>;
  /** One `SELECT 1` round trip; resolves with its latency in milliseconds. */
  ping(signal?: AbortSignal): Promise<number>;
  close(): Promise<void>;
}

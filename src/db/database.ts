import { DrizzleQueryError, sql } from "drizzle-orm";
import { DatabaseQueryError, DatabaseUnavailableError, databaseMessage, isDatabaseUnavailable } from "./errors";
import type { Database, DatabaseKind, Orm } from "./types";

/** Rejects with DatabaseUnavailableError once `ms` passes; the work itself is abandoned, not awaited. */
export const withDeadline = <T>(work: PromiseLike<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DatabaseUnavailableError(`${what} timed out after ${ms} ms`)), ms);
    Promise.resolve(work).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

// A driver error that means the database cannot be reached becomes DatabaseUnavailableError (503);
// a statement it refused becomes DatabaseQueryError, whose message says why (a 500).
const classify = (error: unknown) => {
  if (error instanceof DatabaseUnavailableError) return error;
  if (isDatabaseUnavailable(error))
    return new DatabaseUnavailableError(`database unavailable: ${databaseMessage(error)}`, { cause: error });
  return error instanceof DrizzleQueryError ? new DatabaseQueryError(error) : error;
};

/** Wraps a driver-specific Drizzle instance in the shared Database contract. */
export const createDatabase = (options: {
  kind: DatabaseKind;
  orm: Orm;
  timeoutMs: number;
  close: () => Promise<void>;
}): Database => {
  const { kind, orm, timeoutMs } = options;
  // Not an async function: the query's own promise is all a request waits on here.
  const run = <T>(work: (orm: Orm) => PromiseLike<T>): Promise<T> => {
    let query: PromiseLike<T>;
    try {
      query = work(orm);
    } catch (error) {
      return Promise.reject(classify(error));
    }
    return withDeadline(query, timeoutMs, "database query").catch((error: unknown) => {
      throw classify(error);
    });
  };
  return {
    kind,
    orm,
    run,
    async ping(signal) {
      const started = performance.now();
      signal?.throwIfAborted();
      await run((o) => o.execute(sql`select 1`));
      return performance.now() - started;
    },
    close: options.close,
  };
};

/** Rows of an `execute` result: postgres.js returns an array, PGlite an object with `rows`. */
export const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

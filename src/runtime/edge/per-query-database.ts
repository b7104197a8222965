import type { Database } from "../../db/types";

/**
 * A Database for an app built once per isolate on a runtime that ties every socket to the request
 * that opened it (Workers: "Cannot perform I/O on behalf of a different request"): each call opens
 * its own connection and closes it once the call is done, so no socket outlives its request.
 *
 * @example
 * const db = createPerQueryDatabase(() => createPostgresDatabase({ url, ssl, poolMax: 1, timeoutMs }));
 */
export const createPerQueryDatabase = (open: () => Database): Database => {
  const using = async <T>(call: (db: Database) => Promise<T>) => {
    const db = open();
    try {
      return await call(db);
    } finally {
      await db.close();
    }
  };
  return {
    kind: "postgres",
    get orm(): Database["orm"] {
      throw new Error("createPerQueryDatabase has no long-lived query builder; use run()");
    },
    run: (work) => using((db) => db.run(work)),
    ping: (signal) => using((db) => db.ping(signal)),
    // Every connection is closed by the call that opened it.
    close: async () => {},
  };
};

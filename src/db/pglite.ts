import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { createDatabase } from "./database";
import { lockDataDir } from "./pglite-lock";
import * as schema from "./schema";
import type { Database } from "./types";

export interface PgliteOptions {
  dir: string;
  timeoutMs: number;
  /** A migrated data directory tarball to start from (tests use one template). */
  loadDataDir?: Blob;
}

/** The embedded Postgres for development and test, with the same schema and queries. */
export const createPgliteDatabase = async (o: PgliteOptions): Promise<Database> => {
  const unlock = lockDataDir(o.dir);
  let client: PGlite;
  try {
    client = await PGlite.create(o.dir, o.loadDataDir ? { loadDataDir: o.loadDataDir } : {});
  } catch (error) {
    unlock();
    throw error;
  }
  return createDatabase({
    kind: "pglite",
    orm: drizzle(client, { schema }),
    timeoutMs: o.timeoutMs,
    close: async () => {
      await client.close();
      unlock();
    },
  });
};

/** The raw PGlite client behind a Database, for dumping a template data directory. */
export const dumpPglite = (db: Database) => (db.orm as unknown as { $client: PGlite }).$client.dumpDataDir("none");

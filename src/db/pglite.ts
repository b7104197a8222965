import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { createDatabase } from "./database";
import * as schema from "./schema";
import type { Database } from "./types";

export const IN_MEMORY = "memory://";

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Takes the data directory for this process. PGlite is single-process: a second writer would
 * corrupt it, so a second process fails here at once. A lock left by a dead process is taken over.
 */
export const lockDataDir = (dir: string): (() => void) => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "berth.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `PGlite data directory ${dir} is in use by process ${owner}; PGlite allows one process at a time. ` +
            "Stop that process, set PGLITE_DIR to another directory, or use DATABASE_URL for a shared Postgres.",
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock PGlite data directory ${dir}`);
};

export interface PgliteOptions {
  dir: string;
  timeoutMs: number;
  /** A migrated data directory tarball to start from (tests use one template). */
  loadDataDir?: Blob;
}

/** The embedded Postgres for development and test, with the same schema and queries. */
export const createPgliteDatabase = async (o: PgliteOptions): Promise<Database> => {
  const inMemory = o.dir.startsWith(IN_MEMORY);
  const unlock = inMemory ? () => {} : lockDataDir(o.dir);
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

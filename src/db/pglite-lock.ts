import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** PGlite's in-memory "directory": nothing on disk, nothing to lock. */
export const IN_MEMORY = "memory://";

/** The lock file's name inside a PGlite data directory. */
export const LOCK_FILE = "berth.lock";

// Directories this process holds, so a second open in the same process fails like any other,
// and locks left behind by an exit without close are removed.
const held = new Map<string, string>();
process.on("exit", () => {
  for (const path of held.values()) rmSync(path, { force: true });
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

const readOwner = (path: string) => {
  try {
    return Number.parseInt(readFileSync(path, "utf8"), 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

const ignoreMissing = (work: () => void) => {
  try {
    work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "EEXIST") throw error;
  }
};

/** Another process (or this one) has the PGlite data directory open. */
export class DataDirInUseError extends Error {
  constructor(dir: string, owner: number) {
    super(
      `PGlite data directory ${dir} is in use by process ${owner}${owner === process.pid ? " (this process)" : ""}; ` +
        "PGlite allows one process at a time. Stop that process, set PGLITE_DIR to another directory, " +
        `or use DATABASE_URL for a shared Postgres. If no berth process ${owner} is running, delete ${join(dir, LOCK_FILE)}.`,
    );
    this.name = "DataDirInUseError";
  }
}

/**
 * Takes the data directory for this process. PGlite is single-process: a second writer would
 * corrupt it, so a second opener fails here at once. A lock left by a dead process is taken over.
 * Returns the release function; an in-memory database needs no lock.
 */
export const lockDataDir = (dir: string): (() => void) => {
  if (dir.startsWith(IN_MEMORY)) return () => {};
  mkdirSync(dir, { recursive: true });
  const key = realpathSync(dir);
  if (held.has(key)) throw new DataDirInUseError(dir, process.pid);
  const path = join(dir, LOCK_FILE);
  const scratch = `${path}.${process.pid}.${crypto.randomUUID()}`;
  // Linked into place from a complete file, so no reader ever sees a lock without its PID.
  writeFileSync(scratch, String(process.pid));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(scratch, path);
        held.set(key, path);
        return () => {
          if (held.get(key) !== path) return;
          held.delete(key);
          if (readOwner(path) === process.pid) rmSync(path, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readOwner(path);
      if (owner === undefined) continue;
      // The same PID as ours is a lock from an earlier life (containers reuse PIDs): stale.
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) throw new DataDirInUseError(dir, owner);
      // Take a stale lock over by moving it aside: only one taker can move it, and a taker that
      // moved a fresh lock instead (another process won meanwhile) puts it back.
      const stale = `${path}.stale.${process.pid}.${attempt}`;
      ignoreMissing(() => renameSync(path, stale));
      if (existsSync(stale)) {
        if (!Object.is(readOwner(stale), owner)) ignoreMissing(() => linkSync(stale, path));
        rmSync(stale, { force: true });
      }
    }
    throw new Error(`could not lock PGlite data directory ${dir}: its lock file keeps changing`);
  } finally {
    rmSync(scratch, { force: true });
  }
};

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const tempDirs = new Set<string>();

/** Removes every directory tempDir has made so far. */
export const removeTempDirs = () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
};

// Scripts (the bench) clean up when they exit; `bun test` fires no exit event, so the test
// preload calls removeTempDirs once after the whole run instead.
process.on("exit", removeTempDirs);

/** A temporary directory for PGlite data or other files, removed when the test run (or script) ends. */
export const tempDir = (prefix = "berth-test-") => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
};

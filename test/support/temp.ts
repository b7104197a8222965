import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let runRoot: string | undefined;

// Every directory of this process lives under one root, removed by a small shell once the process
// is gone, however it ends: `bun test` fires no exit event, and a cleanup hook can time out.
const root = () => {
  if (runRoot) return runRoot;
  runRoot = mkdtempSync(join(tmpdir(), "berth-run-"));
  const removeAfterExit = 'while kill -0 "$0" 2>/dev/null; do sleep 1; done; rm -rf "$1"';
  spawn("/bin/sh", ["-c", removeAfterExit, String(process.pid), runRoot], { detached: true, stdio: "ignore" }).unref();
  return runRoot;
};

/** A temporary directory for PGlite data or other files, removed once this process has exited. */
export const tempDir = (prefix = "berth-test-") => mkdtempSync(join(root(), prefix));

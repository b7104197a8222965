import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPgliteDatabase } from "../../src/db/pglite";
import { DataDirInUseError, LOCK_FILE, lockDataDir } from "../../src/db/pglite-lock";
import { authHeaders } from "../api/app";
import { freshPglite } from "../fixtures/databases";
import { runDrizzleKit } from "../fixtures/migrations";
import { tempDir } from "../support/db";
import { runCliProcess, startService } from "../support/process";

// PGlite is one process's database: a second process on the same directory must fail at once with
// a clear message and leave the data intact; a lock left by a process that died is taken over.
const migratedDir = async () => {
  const dir = join(tempDir("berth-pglite-lock-"), "data");
  await (await freshPglite({ dir })).close();
  return dir;
};

/** The PID of a process that has exited. */
const deadPid = async () => {
  const proc = Bun.spawn([process.execPath, "-e", ""], { stdout: "ignore", stderr: "ignore" });
  await proc.exited;
  return proc.pid;
};

const lockFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith(LOCK_FILE));

describe("the PGlite data directory lock", () => {
  test(
    "a second process fails at once with a clear message and never corrupts the data",
    async () => {
      const dir = await migratedDir();
      const first = await startService({ PGLITE_DIR: dir }, { readyPath: "/openapi.json" });
      const created = await fetch(`${first.url}/v1/notes`, {
        method: "POST",
        headers: await authHeaders("lock-owner"),
        body: JSON.stringify({ title: "kept", body: "through a refused second process" }),
      });
      expect(created.status).toBe(201);
      const note = (await created.json()) as { id: string };
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(String(first.proc.pid));

      const message = `PGlite data directory ${dir} is in use by process ${first.proc.pid}`;
      const [status, migrate, serve, kit] = await Promise.all([
        runCliProcess(["migrate", "status"], { PGLITE_DIR: dir }, { timeoutMs: 15_000 }),
        runCliProcess(["migrate"], { PGLITE_DIR: dir }, { timeoutMs: 15_000 }),
        runCliProcess(["serve"], { PGLITE_DIR: dir, PORT: "0", OPS_PORT: "0" }, { timeoutMs: 15_000 }),
        runDrizzleKit(["migrate"], { PGLITE_DIR: dir }),
      ]);
      for (const r of [status, migrate, serve]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(message);
        expect(r.stderr).toContain("PGlite allows one process at a time");
      }
      expect(kit.code).not.toBe(0);
      expect(kit.stdout + kit.stderr).toContain(message);
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(String(first.proc.pid));

      // The first process still serves, and after it stops the data is all there.
      const read = await fetch(`${first.url}/v1/notes/${note.id}`, { headers: await authHeaders("lock-owner") });
      expect(read.status).toBe(200);
      expect(await first.stop()).toBe(0);
      expect(lockFiles(dir)).toEqual([]);
      const reopened = await createPgliteDatabase({ dir, timeoutMs: 10_000 });
      try {
        const rows = await reopened.orm.query.notes.findMany();
        expect(rows.map((r) => [r.id, r.title])).toEqual([[note.id, "kept"]]);
      } finally {
        await reopened.close();
      }
    },
    { timeout: 60_000 },
  );

  test(
    "the lock of a process killed outright is taken over by the next",
    async () => {
      const dir = await migratedDir();
      const crashed = await startService({ PGLITE_DIR: dir }, { readyPath: "/openapi.json" });
      await crashed.stop("SIGKILL");
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(String(crashed.proc.pid));
      const next = await runCliProcess(["migrate", "status"], { PGLITE_DIR: dir });
      expect(next.stderr).toBe("");
      expect(next.code).toBe(0);
      expect(lockFiles(dir)).toEqual([]);
    },
    { timeout: 60_000 },
  );

  test(
    "a stale lock from a dead PID, or one holding no PID, is taken over",
    async () => {
      const dir = await migratedDir();
      for (const stale of [String(await deadPid()), "", "not a pid"]) {
        writeFileSync(join(dir, LOCK_FILE), stale);
        const r = await runCliProcess(["migrate", "status"], { PGLITE_DIR: dir });
        expect({ stale, code: r.code, stderr: r.stderr }).toEqual({ stale, code: 0, stderr: "" });
        expect(lockFiles(dir)).toEqual([]);
      }
    },
    { timeout: 60_000 },
  );

  test(
    "processes racing for a stale lock: exactly one wins, the rest fail with the message",
    async () => {
      const dir = await migratedDir();
      writeFileSync(join(dir, LOCK_FILE), String(await deadPid()));
      const holder = `
      import { lockDataDir } from "${join(import.meta.dir, "../../src/db/pglite-lock.ts")}";
      try { lockDataDir(process.argv[1]); console.log("won"); await Bun.sleep(1500); }
      catch (error) { console.log(error.name); }`;
      const racers = [1, 2, 3, 4].map(() =>
        Bun.spawn([process.execPath, "-e", holder, dir], { stdout: "pipe", stderr: "pipe" }),
      );
      const outcomes = await Promise.all(racers.map(async (p) => (await new Response(p.stdout).text()).trim()));
      expect(outcomes.filter((o) => o === "won")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "DataDirInUseError")).toHaveLength(3);
      expect(lockFiles(dir)).toEqual([]);
    },
    { timeout: 60_000 },
  );

  test(
    "the same directory twice in one process is refused too, and in-memory needs no lock",
    async () => {
      const dir = tempDir("berth-pglite-same-");
      const release = lockDataDir(dir);
      try {
        expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
        expect(() => lockDataDir(`${dir}/.`)).toThrow(`in use by process ${process.pid} (this process)`);
      } finally {
        release();
      }
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      const again = lockDataDir(dir);
      again();
      const a = lockDataDir("memory://");
      const b = lockDataDir("memory://");
      a();
      b();
    },
    { timeout: 60_000 },
  );
});

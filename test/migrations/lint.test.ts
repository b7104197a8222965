import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "../../src/db/migrations/files";
import { ROOT, runProcess } from "../support/process";

// `bun run db:lint` as CI runs it: squawk over migrations, for a release that keeps serving while
// the next one's migration runs. Each fixture in lint/unsafe/ is one change the previous release
// cannot survive (or that blocks it), named after the squawk rule that must catch it, on line 3.
const FIXTURES = join(import.meta.dir, "lint");
const unsafe = readdirSync(join(FIXTURES, "unsafe"))
  .filter((name) => name.endsWith(".sql"))
  .sort()
  .map((name) => ({ file: `test/migrations/lint/unsafe/${name}`, rule: name.replace(/\.sql$/, "") }));

const dbLint = (files: string[]) =>
  runProcess([process.execPath, "run", "db:lint", ...files], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    timeoutMs: 30_000,
  });

describe("bun run db:lint", () => {
  test("passes every migration the build ships", async () => {
    const shipped = readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith(".sql"));
    expect(shipped.length).toBeGreaterThan(0);
    const result = await dbLint([]);
    expect(result.stderr).not.toContain("advice:");
    expect(result.stdout).toContain(`${shipped.length} migration(s) safe for a rolling deploy`);
    expect(result.code).toBe(0);
  });

  test("knows every unsafe change in the fixtures", () => {
    expect(unsafe.map((f) => f.rule)).toEqual(
      expect.arrayContaining([
        "adding-required-field",
        "ban-drop-column",
        "ban-drop-table",
        "renaming-column",
        "renaming-table",
        "changing-column-type",
        "constraint-missing-not-valid",
        "adding-not-nullable-field",
        "require-concurrent-index-creation",
        "ban-concurrent-index-creation-in-transaction",
      ]),
    );
  });

  test.each(unsafe)("fails $file with its line, rule and advice", async ({ file, rule }) => {
    const result = await dbLint([file]);
    expect(result.code).toBe(1);
    const finding = result.stderr
      .split("\n")
      .findIndex((line) => line.startsWith(`${file}:3:`) && line.includes(` ${rule}: `));
    expect(finding).toBeGreaterThanOrEqual(0);
    expect(result.stderr.split("\n")[finding + 1]).toMatch(/^ {2}advice: \S/);
  });

  test("passes a migration whose findings are acknowledged by rule and reason", async () => {
    const result = await dbLint(["test/migrations/lint/acknowledged.sql"]);
    expect(result.stderr).not.toContain("advice:");
    expect(result.stdout).toContain("1 migration(s) safe for a rolling deploy");
    expect(result.code).toBe(0);
  });

  test("fails an acknowledgement that names the rule but not why it is safe", async () => {
    const result = await dbLint(["test/migrations/lint/unexplained.sql"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("test/migrations/lint/unexplained.sql:3:1 acknowledgement-without-reason:");
    // squawk itself honoured the comment: the drop is not reported a second time.
    expect(result.stderr).not.toContain("ban-drop-column:");
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { JWT_SECRET, OPS_TOKEN } from "../health/service";
import { testDatabases } from "../support/db";
import { builtImage } from "../support/image";
import { ROOT, runProcess } from "../support/process";
import { serviceUrl } from "../support/services";
import { generateAdditiveMigration } from "./additive-migration";
import { createFleet, formatFigures } from "./fleet";
import { type Slot, slots, startProxy } from "./haproxy";
import { MACHINES, prepareReleases, release } from "./machines";
import { entry, RELEASE_STEP } from "./releases";
import { brokenMigrations, expectEveryWriteOnce, schemaAndLedger, trafficFor } from "./verify";

// A deploy as Fly and Railway run it, on this machine: HAProxy checks /readyz every second and
// routes round robin to the machines that pass (containers of the production image, see
// machines.ts), the release step migrates from a one-off container while the old release serves,
// then each machine in turn is stopped and replaced, while a client keeps writing.
if (serviceUrl("TEST_DATABASE_URL")) {
  const { fresh, dropAll } = testDatabases("berth_fleet");
  beforeAll(prepareReleases, 600_000);
  // Removing the six containers takes a podman call each, seconds under load.
  afterAll(async () => {
    if (MACHINES === "image containers") await (await builtImage()).removeStarted();
    await dropAll();
  }, 60_000);
  const secrets = { AUTH_JWT_SECRET: JWT_SECRET, OPS_TOKEN, DATABASE_SSL: "disable", RATE_LIMIT_PER_MINUTE: "0" };

  // One test, because every process it starts (machines, HAProxy) is stopped when its test ends.
  test("a rolling deploy of v2 (v1 plus an additive migration) drops no request and loses no write", async () => {
    const env = { ...secrets, DATABASE_URL: await fresh() };
    const [v1, v2] = await Promise.all([release("v1"), generateAdditiveMigration().then((dir) => release("v2", dir))]);

    // v2's one new migration came from drizzle-kit, and is safe by db:lint.
    const added = readdirSync(v2.migrations).filter(
      (f) => f.endsWith(".sql") && !readdirSync(v1.migrations).includes(f),
    );
    expect(added).toEqual(["0002_note_tags.sql"]);
    const lint = await runProcess([process.execPath, "run", "db:lint", join(v2.migrations, "0002_note_tags.sql")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "" },
      timeoutMs: 30_000,
    });
    expect(lint.code).toBe(0);

    // v1 serves on two machines, and the client writes through the proxy.
    expect((await v1.run(RELEASE_STEP, env)).code).toBe(0);
    const machines = await slots(2);
    const proxy = await startProxy(machines);
    const fleet = createFleet(proxy, env);
    for (const slot of machines) await fleet.start(slot, v1);
    const traffic = await trafficFor(proxy, "rolling");

    // v2's release step migrates while v1 serves; v1 then finds the database ahead of it.
    expect((await v2.run(RELEASE_STEP, env)).code).toBe(0);
    expect((await v2.run([...entry, "migrate", "status"], env)).code).toBe(0);
    expect((await v1.run([...entry, "migrate", "status"], env)).code).toBe(4);

    // Each machine in turn gets SIGTERM (`podman stop`), exits 0 after draining, and is replaced by v2.
    for (const slot of machines) expect((await fleet.replace(slot, v2)).exitCode).toBe(0);
    expect([...fleet.machines.values()].map((m) => m.release.name)).toEqual(["v2", "v2"]);

    // One machine rolled back to v1 warns that the database is ahead, and serves.
    const [first] = machines as [Slot, Slot];
    const rolledBack = await fleet.replace(first, v1);
    expect(rolledBack.startLog).toContain("the database has migrations this build does not know");
    expect(await proxy.state(first)).toStartWith("UP");

    const figures = await traffic.stop();
    console.log(
      formatFigures(`rolling deploy v1 -> v2, then one machine back to v1 (${MACHINES})`, figures, fleet.replacements),
    );
    expect(figures.unexpected).toEqual([]);
    expect(figures.failed).toBe(0);
    const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      await expectEveryWriteOnce(sql, figures);
    } finally {
      await sql.end();
    }
    const status = await v1.run([...entry, "migrate", "status"], env);
    expect(status.stdout).toContain("database ahead");
    expect(status.code).toBe(4);
  }, 120_000);

  describe("a v2 whose migration fails in the release step", () => {
    test("exits 1 naming the failure, leaves schema and ledger unchanged, and v1 keeps serving", async () => {
      const env = { ...secrets, DATABASE_URL: await fresh() };
      const [v1, broken] = await Promise.all([release("v1"), release("v2-broken", brokenMigrations())]);
      expect((await v1.run(RELEASE_STEP, env)).code).toBe(0);
      const machines = await slots(2);
      const proxy = await startProxy(machines);
      const fleet = createFleet(proxy, env);
      for (const slot of machines) await fleet.start(slot, v1);
      const traffic = await trafficFor(proxy, "failed-release");
      const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        const before = await schemaAndLedger(sql);
        // The release step as the platforms run it: drizzle-kit prints the statement and the
        // database error, and berth's drizzle config names the migration.
        const step = await broken.run(RELEASE_STEP, env);
        console.log(`failed release step (exit ${step.code}) printed:\n${step.output.trim()}`);
        expect(step.code).toBe(1);
        expect(step.output).toContain('ALTER TABLE "note_archive"');
        expect(step.output).toContain(
          'migration 0002_archive failed and was rolled back: relation "note_archive" does not exist (SQLSTATE 42P01)',
        );
        expect(await schemaAndLedger(sql)).toEqual(before);
        // Nothing of it was applied: the release's `migrate status` lists it as pending.
        const status = await broken.run([...entry, "migrate", "status"], env);
        expect(status.stdout).toMatch(/0002_archive\s+pending\s+not applied/);
        expect(status.code).toBe(3);

        const figures = await traffic.stop();
        console.log(formatFigures(`failed release step while v1 serves (${MACHINES})`, figures));
        expect(figures.unexpected).toEqual([]);
        expect(figures.failed).toBe(0);
        await expectEveryWriteOnce(sql, figures);
        expect((await v1.run([...entry, "migrate", "status"], env)).code).toBe(0);
      } finally {
        await sql.end();
      }
    }, 120_000);
  });
}

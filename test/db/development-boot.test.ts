import { afterAll, describe, expect, test } from "bun:test";
import { mintToken } from "../../src/auth/token";
import { DEV_JWT_SECRET } from "../../src/config";
import { readMigrations } from "../../src/db/migrations/files";
import { testDatabases } from "../support/db";
import { startService } from "../support/process";
import { serviceUrl } from "../support/services";

// Staging and production refuse pending migrations without --apply-migrations: that refusal is in
// test/cli/migrate-status.test.ts. Here, the first run of a newcomer: development on an empty Postgres.
describe.if(Boolean(serviceUrl("TEST_DATABASE_URL")))("development on a real Postgres", () => {
  const databases = testDatabases("berth_devboot");
  afterAll(() => databases.dropAll(), 30_000);

  test("`serve` applies pending migrations at start, as on PGlite, then the notes routes work", async () => {
    const url = await databases.fresh();
    const service = await startService({ APP_MODE: "development", DATABASE_URL: url, SHUTDOWN_DELAY_MS: "0" });
    try {
      const tags = readMigrations().map((m) => m.tag);
      const applied = service
        .output()
        .split("\n")
        .map((line) => JSON.parse(line || "{}"))
        .find((line) => String(line.msg).startsWith("applied "));
      expect(applied).toMatchObject({ level: "info", msg: `applied ${tags.length} migration(s)`, applied: tags });
      expect((await fetch(`${service.url}/startupz`)).status).toBe(200);
      const headers = {
        Authorization: `Bearer ${await mintToken({ secret: DEV_JWT_SECRET, sub: "first-run", ttlSeconds: 600 })}`,
        "Content-Type": "application/json",
      };
      const created = await fetch(`${service.url}/v1/notes`, { method: "POST", headers, body: '{"title":"hello"}' });
      expect(created.status).toBe(201);
      expect((await fetch(`${service.url}/v1/notes`, { headers })).status).toBe(200);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 60_000);
});

import { afterAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { type RunningService, runCliProcess, startService } from "../support/process";
import { serviceUrl } from "../support/services";
import { apiClient, bearer } from "./app";

const databaseUrl = serviceUrl("TEST_DATABASE_URL");
const redisUrl = serviceUrl("TEST_REDIS_URL");
const LIMIT = 300;

/** Two real service processes on one real Postgres and one real Redis, as two Fly machines run. */
const startPair = async (database: TestDatabase, env: Record<string, string> = {}) => {
  const shared = {
    APP_MODE: "test",
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl as string,
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    ...env,
  };
  // /openapi.json exists whatever else the build serves; its polling counts against 127.0.0.1 only.
  return Promise.all([
    startService(shared, { readyPath: "/openapi.json" }),
    startService(shared, { readyPath: "/openapi.json" }),
  ]);
};

const stopAll = (services: RunningService[]) => Promise.all(services.map((s) => s.stop()));

if (databaseUrl && redisUrl) {
  describe("two service processes sharing Postgres and Redis", () => {
    let database: TestDatabase;
    const ready = (async () => {
      const created = await createTestDatabase("berth_two");
      if (!created) throw new Error("TEST_DATABASE_URL is set but no database was created");
      database = created;
      const migrated = await runCliProcess(["migrate"], { APP_MODE: "test", DATABASE_URL: created.url });
      if (migrated.code !== 0) throw new Error(`migrate failed:\n${migrated.stdout}${migrated.stderr}`);
    })();
    afterAll(async () => {
      await ready.catch(() => {});
      await database?.drop();
    });

    test("10 concurrent retries with one Idempotency-Key across both create exactly one note", async () => {
      await ready;
      const [a, b] = await startPair(database);
      try {
        for (let round = 0; round < 3; round++) {
          const sub = `two-${crypto.randomUUID()}`;
          const headers = await bearer(sub);
          const [onA, onB] = [apiClient(a?.url as string, headers), apiClient(b?.url as string, headers)];
          const retry = (on: typeof onA) =>
            on.v1.notes.$post({
              header: { "idempotency-key": `retry-${round}` },
              json: { title: "exactly once", body: `round ${round}` },
            });
          const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => retry(i % 2 ? onA : onB)));
          for (const res of responses) expect([201, 409]).toContain(res.status);
          const created = responses.filter((r) => r.status === 201);
          expect(created.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
          const ids = new Set(await Promise.all(created.map(async (r) => ((await r.json()) as { id: string }).id)));
          expect(ids.size).toBe(1);

          // Settled: a retry on either instance replays the one note.
          for (const on of [onA, onB]) {
            const replay = await retry(on);
            expect(replay.status).toBe(201);
            expect(replay.headers.get("idempotent-replayed")).toBe("true");
            expect(((await replay.json()) as { id: string }).id).toBe([...ids][0] as string);
          }
          const list = await onA.v1.notes.$get({ query: {} });
          expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
        }
      } finally {
        await stopAll([a, b] as RunningService[]);
      }
    }, 90_000);

    test(`the rate limit is one budget across both instances: ${LIMIT} per minute per user, then 429`, async () => {
      await ready;
      const [a, b] = (await startPair(database, { TRUST_PROXY: "first-hop" })) as [RunningService, RunningService];
      try {
        const burst = async (count: number, headers: Record<string, string>) => {
          const [onA, onB] = [apiClient(a.url, headers), apiClient(b.url, headers)];
          const statuses: number[] = [];
          for (let sent = 0; sent < count; sent += 20) {
            const batch = await Promise.all(
              Array.from({ length: Math.min(20, count - sent) }, (_, i) =>
                (i % 2 ? onA : onB).v1.me.$get().then(async (r) => {
                  await r.arrayBuffer();
                  if (r.status === 429) {
                    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
                    expect(r.headers.get("ratelimit-remaining")).toBe("0");
                  }
                  return r.status;
                }),
              ),
            );
            statuses.push(...batch);
          }
          return statuses;
        };
        const sub = `limited-${crypto.randomUUID()}`;
        const byUser = await burst(LIMIT + 10, await bearer(sub));
        expect(byUser.filter((s) => s === 200)).toHaveLength(LIMIT);
        expect(byUser.filter((s) => s === 429)).toHaveLength(10);

        // Anonymous clients are counted per address; the 401s count too.
        const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 8)}`;
        const byAddress = await burst(LIMIT + 10, { "X-Forwarded-For": `203.0.113.9, ${address}` });
        expect(byAddress.filter((s) => s === 401)).toHaveLength(LIMIT);
        expect(byAddress.filter((s) => s === 429)).toHaveLength(10);
      } finally {
        await stopAll([a, b]);
      }
    }, 90_000);
  });
}

import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { authHeaders, tokenFor } from "../api/app";
import { createTestDatabase } from "../support/db";
import { runCliProcess } from "../support/process";
import { serviceUrl } from "../support/services";
import { startUpstashServer, type UpstashServer } from "../support/upstash-server";
import { type RunningRuntime, type RuntimeName, type RuntimeUnderTest, runtimes } from "./runtimes";

/**
 * One smoke suite for every runtime adapter: the same rows run against Bun, Node,
 * workerd and Deno, so a behaviour difference is a failing row under that runtime's name. Each
 * runtime gets its own migrated database on the real Postgres (migrated by the release step,
 * `bun src/index.ts migrate`, as the edge expects) and, where it cannot speak Redis over TCP, its
 * own Upstash test server in front of the real Redis. Without TEST_DATABASE_URL (never in CI)
 * the rows that need Postgres are not registered.
 */
const databaseUrl = serviceUrl("TEST_DATABASE_URL");
const redisUrl = serviceUrl("TEST_REDIS_URL");

// A port nothing listens on: the edge needs a database URL to boot at all, and the rows that
// would reach it are not registered without Postgres.
const NO_DATABASE = "postgres://postgres@127.0.0.1:1/none";
const OPS_TOKEN = "ops-token-for-the-smoke-suite-0123456789";

interface Started {
  runtime: RuntimeUnderTest;
  running?: RunningRuntime;
  failure?: unknown;
  databaseUrl?: string;
  upstash?: UpstashServer;
  /** Which cache backend the runtime was configured with. */
  cache: "redis" | "upstash" | "memory";
}

const startRuntime = async (runtime: RuntimeUnderTest): Promise<Started> => {
  const cache = !redisUrl ? "memory" : runtime.redisOverTcp ? "redis" : "upstash";
  const started: Started = { runtime, cache };
  try {
    const database = databaseUrl ? await createTestDatabase(`berth_smoke_${runtime.name}`) : undefined;
    if (database) {
      afterAll(() => database.drop());
      const migrated = await runCliProcess(["migrate"], { DATABASE_URL: database.url, APP_MODE: "test" });
      if (migrated.code !== 0) throw new Error(`release-step migration failed:\n${migrated.stderr}`);
      started.databaseUrl = database.url;
    }
    if (redisUrl && cache === "upstash") {
      const upstash = await startUpstashServer({ redisUrl });
      afterAll(() => upstash.stop());
      started.upstash = upstash;
    }
    started.running = await runtime.start({
      APP_MODE: "test",
      HEALTH_CACHE_TTL_MS: "0",
      OPS_TOKEN,
      ...(started.databaseUrl
        ? { DATABASE_URL: started.databaseUrl }
        : runtime.embeddedDatabase
          ? { PGLITE_DIR: "memory://" }
          : { DATABASE_URL: NO_DATABASE }),
      ...(cache === "redis" && redisUrl ? { REDIS_URL: redisUrl } : {}),
      ...(started.upstash
        ? { UPSTASH_REDIS_REST_URL: started.upstash.url, UPSTASH_REDIS_REST_TOKEN: started.upstash.token }
        : {}),
    });
  } catch (error) {
    started.failure = error;
  }
  return started;
};

// One after another, so each cold start is measured on a quiet machine.
const started = new Map<RuntimeName, Started>();
for (const runtime of runtimes) started.set(runtime.name, await startRuntime(runtime));

afterAll(() => {
  const lines = [...started.values()].map(({ runtime, running, failure }) =>
    running
      ? `  ${runtime.name.padEnd(8)} ${Math.round(running.coldStartMs)} ms`
      : `  ${runtime.name.padEnd(8)} did not start: ${failure}`,
  );
  console.log(`cold start (process start to first 200 from /livez):\n${lines.join("\n")}`);
});

interface RowContext {
  url: string;
  started: Started;
  /** A user of this runtime alone, so rate limits and notes never cross runtimes. */
  user: string;
}

interface Row {
  name: string;
  needsPostgres: boolean;
  /** Only for runtimes that run an ops server. */
  needsOpsServer?: boolean;
  run(context: RowContext): Promise<void>;
}

const PROBLEM = "application/problem+json";

// A fresh connection per request: a server may close a kept-alive connection whose request body
// it answered without reading (a 405, a 401), and a reused socket would then fail with
// ECONNRESET on the client, which says nothing about the runtime.
const call = (url: string, init: RequestInit = {}) => fetch(url, { ...init, keepalive: false });

const expectProblem = async (response: Response, status: number) => {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toStartWith(PROBLEM);
  const body = (await response.json()) as { type: string; title: string; status: number; requestId: string };
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  expect(body.requestId).toBe(response.headers.get("x-request-id") ?? "");
  return body as typeof body & { detail?: string; errors?: { path: string; message: string }[] };
};

const rows: Row[] = [
  {
    name: "/livez answers 200 without touching a backend",
    needsPostgres: false,
    async run({ url }) {
      const response = await call(`${url}/livez`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-request-id")).toBeTruthy();
      expect(await response.json()).toEqual({ status: "pass" });
    },
  },
  {
    name: "/readyz passes on the real Postgres",
    needsPostgres: true,
    async run({ url }) {
      const response = await call(`${url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "pass", checks: { database: "pass" } });
    },
  },
  {
    name: "/health reports the database, the configured cache and what this runtime can measure",
    needsPostgres: true,
    async run({ url, started: { runtime, cache, upstash } }) {
      const upstashCalls = () => [...(upstash?.hits.values() ?? [])].reduce((a, b) => a + b, 0);
      const callsBefore = upstashCalls();
      const response = await call(`${url}/health`);
      const body = (await response.json()) as {
        healthy: boolean;
        checks: Record<string, { status: string; message?: string; observedUnit?: string }>;
      };
      expect(response.status).toBe(200);
      expect(body.healthy).toBe(true);
      expect(body.checks.database).toMatchObject({ status: "pass", message: "Connected" });
      expect(body.checks.cache).toMatchObject({ status: "pass", message: `${cache}: Connected` });
      if (runtime.measuresMemory) expect(body.checks.memory).toMatchObject({ status: "pass", observedUnit: "MiB" });
      else expect(body.checks.memory).toMatchObject({ status: "pass", message: "not measured on this runtime" });
      // The cache check went through this runtime's Upstash server to the real Redis.
      if (upstash) expect(upstashCalls()).toBeGreaterThan(callsBefore);
    },
  },
  {
    name: "a note makes the round trip through the real Postgres",
    needsPostgres: true,
    async run({ url, user, started: { databaseUrl } }) {
      const headers = await authHeaders(user);
      const created = await call(`${url}/v1/notes`, {
        method: "POST",
        headers,
        body: JSON.stringify({ title: "from the smoke suite", body: "hello" }),
      });
      expect(created.status).toBe(201);
      const note = (await created.json()) as { id: string; title: string };
      const location = created.headers.get("location");
      expect(location).toBe(`/v1/notes/${note.id}`);

      const sql = postgres(databaseUrl ?? "", { max: 1, onnotice: () => {} });
      try {
        const [stored] = await sql<{ title: string; owner_id: string }[]>`
          select title, owner_id from notes where id = ${note.id}`;
        expect(stored).toEqual({ title: "from the smoke suite", owner_id: user });
      } finally {
        await sql.end();
      }

      const read = await call(`${url}${location}`, { headers });
      expect(read.status).toBe(200);
      const etag = read.headers.get("etag");
      expect(etag).toBeTruthy();
      expect(await read.json()).toMatchObject({ id: note.id, title: "from the smoke suite", body: "hello" });
      const unchanged = await call(`${url}${location}`, { headers: { ...headers, "If-None-Match": etag ?? "" } });
      expect(unchanged.status).toBe(304);

      const patched = await call(`${url}${location}`, {
        method: "PATCH",
        headers: { ...headers, "If-Match": etag ?? "" },
        body: JSON.stringify({ title: "renamed" }),
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ id: note.id, title: "renamed" });
      const stale = await call(`${url}${location}`, {
        method: "PATCH",
        headers: { ...headers, "If-Match": etag ?? "" },
        body: JSON.stringify({ title: "lost update" }),
      });
      await expectProblem(stale, 412);

      const list = (await (await call(`${url}/v1/notes?limit=10`, { headers })).json()) as { items: { id: string }[] };
      expect(list.items.map((item) => item.id)).toEqual([note.id]);
      const otherUser = await call(`${url}${location}`, { headers: await authHeaders(`${user}-other`) });
      await expectProblem(otherUser, 404);

      expect((await call(`${url}${location}`, { method: "DELETE", headers })).status).toBe(204);
      await expectProblem(await call(`${url}${location}`, { headers }), 404);
    },
  },
  {
    name: "the ops server answers /livez and /metrics openly, /health only with the ops token",
    needsPostgres: false,
    needsOpsServer: true,
    async run({ url, started: { running } }) {
      const ops = running?.opsUrl ?? "";
      expect((await call(`${ops}/livez`)).status).toBe(200);
      await call(`${url}/livez`);
      const metrics = await call(`${ops}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('http_requests_total{method="GET",route="/livez",status="200"}');
      expect(text).toContain("process_resident_memory_bytes");
      const anonymous = await call(`${ops}/health`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("content-type")).toStartWith(PROBLEM);
      const health = await call(`${ops}/health`, { headers: { Authorization: `Bearer ${OPS_TOKEN}` } });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ healthy: true });
    },
  },
  {
    name: "errors are problem+json: 404, 405, 400 malformed and invalid, 415",
    needsPostgres: false,
    async run({ url, user }) {
      const headers = await authHeaders(user);
      await expectProblem(await call(`${url}/no/such/route`), 404);
      const wrongMethod = await call(`${url}/v1/notes`, { method: "PUT", headers, body: "{}" });
      await expectProblem(wrongMethod, 405);
      expect(wrongMethod.headers.get("allow")).toContain("POST");
      const malformed = await call(`${url}/v1/notes`, { method: "POST", headers, body: "{not json" });
      await expectProblem(malformed, 400);
      const invalid = await call(`${url}/v1/notes`, { method: "POST", headers, body: JSON.stringify({ title: "" }) });
      const problem = await expectProblem(invalid, 400);
      expect(problem.errors?.some((e) => e.path.endsWith("title"))).toBe(true);
      const notJson = await call(`${url}/v1/notes`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "text/plain" },
        body: "title",
      });
      await expectProblem(notJson, 415);
    },
  },
  {
    name: "auth failures are 401 problem+json with WWW-Authenticate: Bearer",
    needsPostgres: false,
    async run({ url, user }) {
      const attempts: Record<string, string | undefined> = {
        missing: undefined,
        malformed: "Bearer not-a-jwt",
        "another secret": `Bearer ${await tokenFor(user, { secret: "x".repeat(40) })}`,
        expired: `Bearer ${await tokenFor(user, { ttlSeconds: -300 })}`,
      };
      for (const [what, authorization] of Object.entries(attempts)) {
        const response = await call(`${url}/v1/me`, { headers: authorization ? { Authorization: authorization } : {} });
        expect({ what, status: response.status }).toEqual({ what, status: 401 });
        expect(response.headers.get("www-authenticate")).toStartWith("Bearer");
        await expectProblem(response, 401);
      }
      const me = await call(`${url}/v1/me`, { headers: await authHeaders(user) });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ userId: user });
    },
  },
];

for (const runtime of runtimes) {
  describe(runtime.name, () => {
    for (const row of rows) {
      if (row.needsPostgres && !databaseUrl) continue;
      if (row.needsOpsServer && !runtime.opsServer) continue;
      test(row.name, async () => {
        const state = started.get(runtime.name);
        if (!state?.running) throw new Error(`${runtime.name} did not start: ${String(state?.failure)}`);
        try {
          await row.run({
            url: state.running.url,
            started: state,
            user: `smoke-${runtime.name}-${crypto.randomUUID()}`,
          });
        } catch (error) {
          console.error(`${runtime.name} output:\n${state.running.output().slice(-4000)}`);
          throw error;
        }
      }, 20_000);
    }
  });
}

import { afterAll, describe, expect, test } from "bun:test";
import { authHeaders, tokenFor } from "../api/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startService } from "../support/process";
import { serviceUrl } from "../support/services";

const jsonLines = (output: string) =>
  output
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// What the running service prints, captured from its stdout and stderr.
describe("service logs", () => {
  const databases: TestDatabase[] = [];
  // Each drop ends the database's sessions first, which a loaded machine can make slow.
  afterAll(() => Promise.all(databases.map((db) => db.drop())), { timeout: 30_000 });

  test("JSON lines: startup, one line per request with its time, level, request id, method, route, status, duration and user, shutdown; no credential anywhere", async () => {
    const dbPassword = `db-${crypto.randomUUID()}`;
    const redisPassword = `redis-${crypto.randomUUID()}`;
    const opsToken = `ops-${crypto.randomUUID()}-${crypto.randomUUID()}`;
    const database = await createTestDatabase("berth_logs");
    if (database) databases.push(database);
    // Postgres here trusts local connections, so a password in the URL is carried but never checked;
    // Redis has no password, so the one given makes every cache call fail (and fail open).
    const databaseUrl = database
      ? Object.assign(new URL(database.url), { password: dbPassword }).toString()
      : undefined;
    const redis = new URL(serviceUrl("TEST_REDIS_URL") ?? "redis://127.0.0.1:1");
    redis.password = redisPassword;
    const service = await startService(
      {
        APP_MODE: "test",
        // Without a real Postgres there is no database credential to leak; CI always has one.
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DIR: "memory://" }),
        REDIS_URL: redis.toString(),
        OPS_TOKEN: opsToken,
      },
      { args: ["--apply-migrations"] },
    );
    const token = await tokenFor("carol");
    const me = await fetch(`${service.url}/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const created = await fetch(`${service.url}/v1/notes`, {
      method: "POST",
      headers: await authHeaders("carol"),
      body: JSON.stringify({ title: "logged", body: "not logged" }),
    });
    expect(created.status).toBe(201);
    await fetch(`${service.url}/v1/me`, { headers: { Authorization: `Bearer ${token}x` } });
    await fetch(`${service.opsUrl}/health`, { headers: { Authorization: `Bearer ${opsToken}` } });
    expect(await service.stop("SIGTERM")).toBe(0);

    const output = service.output();
    const lines = jsonLines(output);
    for (const line of lines) {
      expect(typeof line.time).toBe("string");
      expect(["debug", "info", "warn", "error"]).toContain(line.level as string);
    }
    expect(lines.find((l) => String(l.msg).includes("listening on"))).toMatchObject({ level: "info", mode: "test" });

    const requests = lines.filter((l) => l.msg === "request" && l.route === "/v1/me");
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ method: "GET", route: "/v1/me", status: 200, userId: "carol" });
    expect(requests[0]?.requestId).toBe(me.headers.get("x-request-id"));
    expect(requests[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(requests[1]).toMatchObject({ status: 401 });
    expect(requests[1]?.userId).toBeUndefined();
    expect(lines.find((l) => l.msg === "request" && l.route === "/v1/notes")).toMatchObject({
      method: "POST",
      status: 201,
      userId: "carol",
    });
    const shutdown = lines.filter((l) => String(l.msg).startsWith("shutdown"));
    expect(shutdown.map((l) => l.step).filter(Boolean)).toEqual([
      "stop dashboard sampling",
      "close cache",
      "close database",
    ]);
    expect(shutdown.at(-1)?.msg).toBe("shutdown: complete");

    for (const secret of [dbPassword, redisPassword, opsToken, token, token.split(".")[2] ?? token]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toContain("not logged");
  }, 60_000);

  test("pretty lines in development, debug level by default", async () => {
    const service = await startService({
      APP_MODE: "development",
      PGLITE_DIR: "memory://",
      LOG_FORMAT: undefined,
      LOG_LEVEL: undefined,
    });
    await fetch(`${service.url}/v1/me`, { headers: await authHeaders("dave") });
    expect(await service.stop("SIGTERM")).toBe(0);
    const lines = service
      .output()
      .split("\n")
      .filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(3);
    const request = lines.find((l) => l.includes(" request ") && l.includes("route=/v1/me"));
    expect(request).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} \S*INFO\s*\S* request requestId=\S+ method=GET route=\/v1\/me status=200 durationMs=\S+ userId=dave$/,
    );
    expect(lines.some((l) => l.includes("listening on"))).toBe(true);
    expect(lines.some((l) => l.startsWith("{"))).toBe(false);
  }, 60_000);

  test("LOG_LEVEL=warn keeps only warnings and errors, such as a failed request", async () => {
    const service = await startService(
      {
        APP_MODE: "test",
        PGLITE_DIR: "memory://",
        LOG_LEVEL: "warn",
        SENTRY_DEBUG_ROUTE: "true",
      },
      { args: ["--apply-migrations"] },
    );
    await fetch(`${service.url}/v1/me`, { headers: await authHeaders("erin") });
    const failed = await fetch(`${service.url}/debug-sentry`, { headers: await authHeaders("erin") });
    expect(failed.status).toBe(500);
    expect(await service.stop("SIGTERM")).toBe(0);
    const lines = jsonLines(service.output());
    expect(lines.filter((l) => l.level === "info" || l.level === "debug")).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: "error", msg: "request", route: "/debug-sentry", status: 500, userId: "erin" }),
    );
  }, 60_000);
});

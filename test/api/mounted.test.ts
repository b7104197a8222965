import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { Database } from "../../src/db/types";
import { createLogger } from "../../src/logger";
import { createRegistry } from "../../src/monitoring/metrics/registry";
import { freshPglite } from "../fixtures/databases";
import { apiClient, bearer, buildTestApp } from "./app";

// A service built on berth mounts its app inside its own: every route, probes included, must be
// named, logged and counted exactly once per request there too.
describe("the app mounted inside another Hono app", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
  }, 30_000);
  afterAll(() => db.close());

  const mounted = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "info", format: "json", write: (l) => lines.push(JSON.parse(l)) });
    const metrics = createRegistry();
    const { app } = buildTestApp({ db, logger, monitoring: { metrics } });
    const root = new Hono().route("/", app);
    const requestLines = () => lines.filter((l) => l.msg === "request");
    return { root, requestLines, metrics };
  };

  const countOf = async (metrics: ReturnType<typeof createRegistry>, route: string, status: number) => {
    const text = await metrics.render();
    const line = text
      .split("\n")
      .find(
        (l) =>
          l.startsWith("http_requests_total{") && l.includes(`route="${route}"`) && l.includes(`status="${status}"`),
      );
    return line ? Number(line.split(" ").at(-1)) : 0;
  };

  type Client = ReturnType<typeof apiClient>;
  test.each([
    ["GET /livez", (c: Client) => c.livez.$get(), "/livez", 200, false],
    ["GET /readyz", (c: Client) => c.readyz.$get(), "/readyz", 200, false],
    ["GET /startupz", (c: Client) => c.startupz.$get(), "/startupz", 200, false],
    ["GET /health", (c: Client) => c.health.$get(), "/health", 200, false],
    ["GET /v1/notes without a token", (c: Client) => c.v1.notes.$get({ query: {} }), "/v1/notes", 401, false],
    ["GET /v1/notes with a token", (c: Client) => c.v1.notes.$get({ query: {} }), "/v1/notes", 200, true],
    ["GET /v1/me with a token", (c: Client) => c.v1.me.$get(), "/v1/me", 200, true],
  ] as const)("%s: one request id, one log line, one metric count", async (_, send, route, status, authed) => {
    const { root, requestLines, metrics } = mounted();
    // The app's routes keep their paths inside the root, so AppType describes the root's too.
    const res = await send(apiClient(root, authed ? await bearer("mounted") : {}));
    expect(res.status).toBe(status);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines()).toEqual([expect.objectContaining({ requestId: id, route, status })]);
    expect(await countOf(metrics, route, status)).toBe(1);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

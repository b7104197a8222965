import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AppEnv } from "../http";
import { createLogger } from "../logger";
import { createRegistry } from "./metrics/registry";
import { requestFrame } from "./request-frame";
import { UNMATCHED_ROUTE } from "./route";

// A miniature of the app's middleware order, so the log line and the metrics are checked against
// the same route labels without a database.
const miniApp = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (l) => lines.push(JSON.parse(l)) });
  const registry = createRegistry();
  const app = new Hono<AppEnv>();
  app.use(requestFrame({ logger, metrics: registry }));
  app.use("/v1/*", async (c, next) => {
    if (c.req.header("authorization") !== "Bearer ok") return c.text("no", 401);
    c.set("user", { id: "alice", expiresAt: new Date() });
    await next();
  });
  app.get("/v1/notes/:id", (c) => c.json({ id: c.req.param("id") }));
  app.get("/v1/fail", () => {
    throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  });
  app.get("/v1/bug", () => {
    throw new TypeError("x is undefined");
  });
  app.onError((_, c) => c.text("failed", 503));
  return { app, lines, registry };
};

const auth = { headers: { authorization: "Bearer ok" } };

describe("request log", () => {
  test("one line per request with the route pattern, status, duration, request id and user id", async () => {
    const { app, lines } = miniApp();
    const res = await app.request("/v1/notes/42", auth);
    expect(res.status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      msg: "request",
      requestId: res.headers.get("x-request-id"),
      method: "GET",
      route: "/v1/notes/:id",
      status: 200,
      userId: "alice",
    });
    expect(typeof lines[0]?.time).toBe("string");
    expect(lines[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  test("a request stopped before its handler still carries the route it matched; unknown paths share one label", async () => {
    const { app, lines } = miniApp();
    await app.request("/v1/notes/42");
    await app.request("/wp-login.php");
    await app.request("/v1/nope/nope", auth);
    expect(lines.map((l) => [l.route, l.status, l.userId])).toEqual([
      ["/v1/notes/:id", 401, undefined],
      [UNMATCHED_ROUTE, 404, undefined],
      [UNMATCHED_ROUTE, 404, "alice"],
    ]);
  });

  test("a 5xx logs at error level with the cause and its network code", async () => {
    const { app, lines } = miniApp();
    await app.request("/v1/fail", auth);
    expect(lines[0]).toMatchObject({
      level: "error",
      status: 503,
      error: "Error: connect ECONNREFUSED 127.0.0.1:5432",
      networkError: "ECONNREFUSED",
    });
  });
});

describe("http metrics", () => {
  test("counts by method, route and status add up to the traffic sent, 5xx split by cause", async () => {
    const { app, registry } = miniApp();
    for (let i = 0; i < 3; i++) await app.request(`/v1/notes/${i}`, auth);
    await app.request("/v1/notes/9");
    await app.request("/nowhere");
    await app.request("/elsewhere", { method: "POST" });
    await app.request("/v1/fail", auth);
    await app.request("/v1/bug", auth);
    await app.request("/v1/notes/1", { ...auth, method: "PROPFIND" });
    const text = await registry.render();
    const value = (series: string) =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith(`${series} `))
          ?.split(" ")[1],
      );
    expect(value('http_requests_total{method="GET",route="/v1/notes/:id",status="200"}')).toBe(3);
    expect(value('http_requests_total{method="GET",route="/v1/notes/:id",status="401"}')).toBe(1);
    expect(value('http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(value('http_requests_total{method="POST",route="unmatched",status="404"}')).toBe(1);
    expect(value('http_requests_total{method="OTHER",route="unmatched",status="404"}')).toBe(1);
    expect(value('http_request_duration_seconds_count{method="GET",route="/v1/notes/:id",status="200"}')).toBe(3);
    expect(value('http_server_errors_total{kind="network"}')).toBe(1);
    expect(value('http_server_errors_total{kind="application"}')).toBe(1);
    const total = text
      .split("\n")
      .filter((l) => l.startsWith("http_requests_total{"))
      .reduce((sum, l) => sum + Number(l.split(" ")[1]), 0);
    expect(total).toBe(9);
  });
});

// The note read as a Fastify 5 service on Node is usually assembled: @fastify/jwt (HS256, exp
// and sub required, 60 s tolerance), @fastify/helmet with berth's security headers, a per-user
// @fastify/rate-limit counter, a request id kept or generated, one pino line per request, a
// prom-client histogram, a validated uuid, an owner-scoped read by a named prepared statement
// over a pg pool of 10, ETag and 304, and RFC 9457 problems with berth's bodies for 401 and 404.
// With SENTRY_DSN set (and instrument.js imported first), Sentry reports errors through Fastify's
// error handler and tags each request's scope with the user, as berth does.
import { randomUUID } from "node:crypto";
import helmet from "@fastify/helmet";
import jwt from "@fastify/jwt";
import rateLimit from "@fastify/rate-limit";
import Fastify from "fastify";
import pg from "pg";
import client from "prom-client";

const env = process.env;
const Sentry = env.SENTRY_DSN ? await import("@sentry/node") : undefined;
const REQUEST_ID = /^[\w\-.:]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const app = Fastify({
  logger: { level: "info" },
  disableRequestLogging: true,
  requestIdHeader: false,
  genReqId: (req) => {
    const incoming = req.headers["x-request-id"];
    return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  },
});
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.POOL_MAX ?? 10) });
const duration = new client.Histogram({
  name: "http_request_duration_seconds",
  help: "Request duration by method, route and status",
  labelNames: ["method", "route", "status"],
});

const problem = (reply, status, title, detail, headers = {}) =>
  reply
    .code(status)
    .headers(headers)
    .type("application/problem+json")
    .send({ type: "about:blank", title, status, detail, requestId: reply.request.id });

if (Sentry) Sentry.setupFastifyErrorHandler(app);
await app.register(helmet, {
  contentSecurityPolicy: false,
  strictTransportSecurity: { maxAge: 15552000, includeSubDomains: true },
});
await app.register(jwt, {
  secret: env.AUTH_JWT_SECRET,
  verify: { algorithms: ["HS256"], requiredClaims: ["exp", "sub"], clockTolerance: 60_000 },
});
app.addHook("onRequest", async (request, reply) => {
  reply.header("x-request-id", request.id);
  if (request.headers.authorization === undefined) return;
  try {
    await request.jwtVerify();
    Sentry?.setUser({ id: request.user.sub });
  } catch (error) {
    request.authFailure = error;
  }
});
await app.register(rateLimit, {
  hook: "preHandler",
  max: Number(env.RATE_LIMIT_PER_MINUTE ?? 100),
  timeWindow: 60_000,
  enableDraftSpec: true,
  keyGenerator: (request) => request.user?.sub ?? request.ip,
});
app.addHook("onResponse", async (request, reply) => {
  const route = request.routeOptions.url ?? "unmatched";
  const status = reply.statusCode;
  duration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
  request.log.info({ method: request.method, route, status, durationMs: reply.elapsedTime, userId: request.user?.sub });
});

// Probes are not rate limited, as in berth.
app.get("/readyz", { config: { rateLimit: false } }, async () => ({ status: "pass" }));
app.get("/v1/notes/:id", async (request, reply) => {
  if (!request.user?.sub) {
    const failure = request.authFailure;
    const challenge = failure
      ? `Bearer realm="berth", error="invalid_token", error_description="${String(failure.message).replaceAll('"', "'")}"`
      : 'Bearer realm="berth"';
    return problem(reply, 401, "Unauthorized", failure ? failure.message : "missing bearer token", {
      "www-authenticate": challenge,
    });
  }
  const { id } = request.params;
  if (!UUID.test(id)) return problem(reply, 404, "Not Found", "No such note.");
  const { rows } = await pool.query({
    name: "note-by-id",
    text: "select id, title, body, version, created_at, updated_at from notes where id = $1 and owner_id = $2",
    values: [id, request.user.sub],
  });
  const [row] = rows;
  if (!row) return problem(reply, 404, "Not Found", "No such note.");
  const etag = `"v${row.version}"`;
  reply.header("etag", etag);
  reply.header("cache-control", "private, no-cache");
  const match = request.headers["if-none-match"];
  if (
    match !== undefined &&
    (match.trim() === "*" || match.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))
  )
    return reply.code(304).send();
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
});

await app.listen({ host: env.HOST ?? "127.0.0.1", port: Number(env.PORT ?? 8080) });

import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Config } from "../config";
import { HEALTH_JSON } from "../health/ietf";
import { HealthCheckSchema, HealthReportSchema, ProbeSchema } from "../health/schemas";
import { type AppEnv, apiHeaders, authErrors, cacheControl, probeHeaders, registerSharedComponents } from "../http";
import { API_REFERENCE_SCRIPT, SCRIPT_CACHE_CONTROL, serveApiReference } from "./api-reference";

const DOCUMENT_CACHE_CONTROL = "public, max-age=300";

/** An OpenAPI 3.1 document, as far as a client needs to tell it is one. */
const OPENAPI_DOCUMENT = {
  type: "object",
  required: ["openapi", "info", "paths"],
  properties: {
    openapi: { type: "string", pattern: "^3\\.1\\.\\d+$" },
    info: {
      type: "object",
      required: ["title", "version"],
      properties: { title: { type: "string" }, version: { type: "string" } },
    },
    paths: { type: "object", additionalProperties: { type: "object" } },
  },
} as const;

const text = { type: "string" } as const;
const probe = (description: string) => ({
  description,
  headers: probeHeaders,
  content: { "application/json": { schema: ProbeSchema } },
});
const health = (description: string) => ({
  description,
  headers: probeHeaders,
  content: { "application/json": { schema: HealthReportSchema }, [HEALTH_JSON]: { schema: HealthCheckSchema } },
});
const meta = (type: string, schema: object, caching?: ReturnType<typeof cacheControl>) => ({
  description: "OK",
  headers: { ...apiHeaders, ...(caching ? { "Cache-Control": caching } : {}) },
  content: { [type]: { schema } },
});

// Served by plain handlers (no request to validate), so documented here by hand. Probes answer
// before the rate limiter; the meta routes after it, hence their 429.
const PLAIN_ROUTES: {
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  responses: RouteConfig["responses"];
}[] = [
  {
    path: "/livez",
    operationId: "livez",
    tag: "probes",
    summary: "The process is up (no I/O; stays 200 while draining)",
    responses: { 200: probe("Up") },
  },
  {
    path: "/readyz",
    operationId: "readyz",
    tag: "probes",
    summary: "Critical checks pass and not draining",
    responses: {
      200: probe("Ready; `warn` when a non-critical check did not pass"),
      503: probe("Not ready: starting, draining or a critical check failed"),
    },
  },
  {
    path: "/startupz",
    operationId: "startupz",
    tag: "probes",
    summary: "Startup (migrations, first database round trip) is done",
    responses: { 200: probe("Started"), 503: probe("Still starting") },
  },
  {
    path: "/health",
    operationId: "health",
    tag: "probes",
    summary: "The full health report (application/health+json on request)",
    responses: {
      200: health("Healthy; `warn` when a non-critical check did not pass"),
      503: health("Unhealthy: a critical check failed, or the process is starting or draining"),
    },
  },
  {
    path: "/openapi.json",
    operationId: "openapiDocument",
    tag: "meta",
    summary: "This OpenAPI 3.1 document",
    responses: {
      200: meta("application/json", OPENAPI_DOCUMENT, cacheControl(DOCUMENT_CACHE_CONTROL)),
      429: authErrors[429],
    },
  },
  {
    path: "/docs",
    operationId: "apiReference",
    tag: "meta",
    summary: "Interactive API reference",
    responses: { 200: meta("text/html", text), 429: authErrors[429] },
  },
  {
    path: API_REFERENCE_SCRIPT,
    operationId: "apiReferenceScript",
    tag: "meta",
    summary: "The reference page's script",
    responses: { 200: meta("text/javascript", text, cacheControl(SCRIPT_CACHE_CONTROL)), 429: authErrors[429] },
  },
];

/**
 * Serves `/openapi.json`, an OpenAPI 3.1 document generated from the same zod schemas the routes
 * validate with (plus the plain probe and meta routes), and `/docs`, an interactive reference
 * (Scalar) reading it that loads nothing from elsewhere. Call after every route is registered.
 *
 * @example documentApi(app, config)
 */
export const documentApi = (app: OpenAPIHono<AppEnv>, config: Config) => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  registerSharedComponents(app.openAPIRegistry);
  for (const { path, operationId, tag, summary, responses } of PLAIN_ROUTES) {
    app.openAPIRegistry.registerPath({
      method: "get",
      path,
      operationId,
      tags: [tag],
      summary,
      description: summary,
      security: [],
      responses,
    });
  }
  // The document changes only with a deploy: any cache may keep it for a few minutes.
  app.use("/openapi.json", async (c, next) => {
    await next();
    c.header("Cache-Control", DOCUMENT_CACHE_CONTROL);
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "berth",
      version: config.version,
      description: "Notes API with health, auth and monitoring.",
      license: { name: "MIT", url: "https://opensource.org/license/mit" },
      contact: { name: "berth maintainers" },
    },
    // Relative: the document describes whichever host served it.
    servers: [{ url: "/" }],
    tags: [
      { name: "notes", description: "The caller's own notes" },
      { name: "auth", description: "The bearer token's identity" },
      { name: "probes", description: "Liveness, readiness, startup and the health report" },
      { name: "meta", description: "This document and its reference page" },
    ],
  });
  serveApiReference(app);
};

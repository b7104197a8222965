import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Config } from "../config";
import type { AppEnv } from "../http";
import { API_REFERENCE_SCRIPT, serveApiReference } from "./api-reference";

// Served by plain handlers (no request to validate), so documented here by hand.
const PLAIN_ROUTES: {
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  type: string;
  unavailable?: string;
}[] = [
  {
    path: "/livez",
    operationId: "livez",
    tag: "probes",
    summary: "The process is up (no I/O; stays 200 while draining)",
    type: "application/json",
  },
  {
    path: "/readyz",
    operationId: "readyz",
    tag: "probes",
    summary: "Critical checks pass and not draining",
    type: "application/json",
    unavailable: "Not ready: starting, draining or a critical check failed",
  },
  {
    path: "/startupz",
    operationId: "startupz",
    tag: "probes",
    summary: "Startup (migrations, first database round trip) is done",
    type: "application/json",
    unavailable: "Still starting",
  },
  {
    path: "/health",
    operationId: "health",
    tag: "probes",
    summary: "The full health report (application/health+json on request)",
    type: "application/json",
    unavailable: "Unhealthy: a critical check failed or the process is draining",
  },
  {
    path: "/openapi.json",
    operationId: "openapiDocument",
    tag: "meta",
    summary: "This OpenAPI 3.1 document",
    type: "application/json",
  },
  { path: "/docs", operationId: "apiReference", tag: "meta", summary: "Interactive API reference", type: "text/html" },
  {
    path: API_REFERENCE_SCRIPT,
    operationId: "apiReferenceScript",
    tag: "meta",
    summary: "The reference page's script",
    type: "text/javascript",
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
  for (const { path, operationId, tag, summary, type, unavailable } of PLAIN_ROUTES) {
    app.openAPIRegistry.registerPath({
      method: "get",
      path,
      operationId,
      tags: [tag],
      summary,
      description: summary,
      security: [],
      responses: {
        200: { description: "OK", content: { [type]: { schema: {} } } },
        ...(unavailable ? { 503: { description: unavailable, content: { [type]: { schema: {} } } } } : {}),
      },
    });
  }
  // The document changes only with a deploy: any cache may keep it for a few minutes.
  app.use("/openapi.json", async (c, next) => {
    await next();
    c.header("Cache-Control", "public, max-age=300");
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

import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../http";

/** Where the reference page loads Scalar's standalone bundle from: this service, never a CDN. */
export const API_REFERENCE_SCRIPT = "/docs/scalar.js";
/** The script changes only with the pinned package, so caches may keep it for an hour. */
export const SCRIPT_CACHE_CONTROL = "public, max-age=3600";

// The page may load only its own nonced scripts and talk only to this origin (the OpenAPI
// document and "try it" requests). Scalar's bundle injects its stylesheet and renders inline
// `style` attributes, which a nonce cannot cover, so styles need 'unsafe-inline'.
const pagePolicy = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [NONCE],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

// Scalar's standalone build, pinned exactly in package.json, imported as text so the bundler
// carries it into the service's bundle (a lazy chunk: loaded on the first request for it).
// The package's `exports` do not list the file, so it is reached by its path.
const loadScript = () =>
  import("../../node_modules/@scalar/api-reference/dist/browser/standalone.js", { with: { type: "text" } }).then(
    (module) => module.default,
  );

/**
 * Serves `/docs`, Scalar's interactive reference reading `/openapi.json`, with no request leaving
 * this origin: the script comes from {@link API_REFERENCE_SCRIPT}, fonts are the system's, and
 * Scalar's developer toolbar, telemetry, agent and hosted client are off.
 *
 * @example serveApiReference(app)
 */
export const serveApiReference = (app: OpenAPIHono<AppEnv>) => {
  app.get(API_REFERENCE_SCRIPT, async (c) => {
    c.header("Cache-Control", SCRIPT_CACHE_CONTROL);
    return c.body(await loadScript(), 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  app.get(
    "/docs",
    pagePolicy,
    Scalar((c) => ({
      url: "/openapi.json",
      pageTitle: "berth API",
      cdn: API_REFERENCE_SCRIPT,
      nonce: c.get("secureHeadersNonce"),
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: "never",
      hideClientButton: true,
      agent: { disabled: true },
      mcp: { disabled: true },
      // A short API: every group open, so the page shows each operation.
      defaultOpenAllTags: true,
      favicon: "data:,",
    })),
  );
};

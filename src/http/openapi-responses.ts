import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { PER_USER_CACHE_CONTROL } from "./cache-control";
import type { AppEnv } from "./env";

/** An RFC 9457 problem as every error response carries it (`problemResponse` writes it). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string().nullable(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const integer = (minimum: number) => ({ type: "integer" as const, minimum });
const RATE_LIMITED_WHEN = "Absent when RATE_LIMIT_PER_MINUTE is 0 or the cache is unreachable (limiting fails open).";

// Every response header berth sends on purpose, documented once under `#/components/headers`.
const HEADERS = {
  "X-Request-Id": {
    description: "Names this request in the log line and any error report; an inbound well-formed one is kept.",
    required: true,
    schema: { type: "string", pattern: "^[\\w\\-=]{1,255}$" },
  },
  "RateLimit-Limit": {
    description: `Requests allowed per window. ${RATE_LIMITED_WHEN}`,
    schema: integer(1),
  },
  "RateLimit-Remaining": { description: `Requests left in this window. ${RATE_LIMITED_WHEN}`, schema: integer(0) },
  "RateLimit-Reset": { description: `Seconds until the window resets. ${RATE_LIMITED_WHEN}`, schema: integer(1) },
  "RateLimit-Policy": {
    description: `The quota and its window in seconds, as \`600;w=60\`. ${RATE_LIMITED_WHEN}`,
    schema: { type: "string", pattern: "^\\d+;w=\\d+$" },
  },
  "Retry-After": { description: "Seconds to wait before retrying.", required: true, schema: integer(1) },
  "WWW-Authenticate": {
    description: 'The bearer challenge; `error="invalid_token"` when a token was sent and failed.',
    required: true,
    schema: { type: "string", pattern: '^Bearer realm="berth"' },
  },
  ETag: {
    description: "The note's entity tag, for `If-None-Match` and `If-Match`.",
    required: true,
    schema: { type: "string", pattern: '^(W/)?"[\\x21\\x23-\\x7e]*"$' },
  },
  Location: { description: "The created note's path.", required: true, schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "Present when this is the stored response of an earlier request with the same Idempotency-Key.",
    schema: { type: "string", const: "true" },
  },
  "Accept-JSON": {
    description: "The media type the body must be declared as.",
    required: true,
    schema: { type: "string", const: "application/json" },
  },
} as const;

const PARAMETERS = {
  "If-None-Match": {
    name: "If-None-Match",
    in: "header",
    description: "A tag from an earlier `ETag` (or `*`): answers 304 without a body when the note still matches.",
    schema: { type: "string" },
  },
  "If-Match": {
    name: "If-Match",
    in: "header",
    description: "A tag from an earlier `ETag` (or `*`): the change applies only to that version, else 412.",
    schema: { type: "string" },
  },
} as const;

type HeaderName = keyof typeof HEADERS;
type Headers = Record<string, { $ref: string } | ReturnType<typeof cacheControl>>;

const header = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });

/** A `Cache-Control` response header with the one value a route sends. */
export const cacheControl = (value: string) => ({
  description: "How caches may keep this response.",
  required: true,
  schema: { type: "string" as const, const: value },
});

/** The request headers routes take besides their own schemas: `parameters: [parameter("If-Match")]`. */
export const parameter = (name: keyof typeof PARAMETERS) => ({ $ref: `#/components/parameters/${name}` });

/** Registers the shared headers and parameters the route definitions refer to; `documentApi` calls it once. */
export const registerSharedComponents = (registry: OpenAPIHono<AppEnv>["openAPIRegistry"]) => {
  for (const [name, definition] of Object.entries(HEADERS)) registry.registerComponent("headers", name, definition);
  for (const [name, definition] of Object.entries(PARAMETERS)) {
    registry.registerComponent("parameters", name, definition);
  }
};

/** The headers of every response a probe sends: the request id, and no caching. */
export const probeHeaders = { "X-Request-Id": header("X-Request-Id"), "Cache-Control": cacheControl("no-store") };

/** The headers of every response after the rate limiter (everything but the probes), errors included. */
export const apiHeaders: Headers = {
  "X-Request-Id": header("X-Request-Id"),
  "RateLimit-Limit": header("RateLimit-Limit"),
  "RateLimit-Remaining": header("RateLimit-Remaining"),
  "RateLimit-Reset": header("RateLimit-Reset"),
  "RateLimit-Policy": header("RateLimit-Policy"),
};

/** The response headers of a per-user read: `Cache-Control: private, no-cache` and the ETag when there is one. */
export const perUserRead = (etag: boolean) => ({
  "Cache-Control": cacheControl(PER_USER_CACHE_CONTROL),
  ...(etag ? { ETag: header("ETag") } : {}),
});

/** Headers a response carries besides {@link apiHeaders}, by name: `headers("ETag", "Location")`. */
export const headers = (...names: HeaderName[]) => Object.fromEntries(names.map((name) => [name, header(name)]));

/**
 * A documented error response: `application/problem+json` with the problem schema, and the
 * headers every API response carries plus those given.
 *
 * @example responses: { 404: problem("No such note") }
 */
export const problem = (description: string, extra: Headers = {}) => ({
  description,
  headers: { ...apiHeaders, ...extra },
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/**
 * A documented JSON response of an API route, with the headers every API response carries plus
 * those given.
 *
 * @example responses: { 200: json("The note", NoteSchema, perUserRead(true)) }
 */
export const json = <T>(description: string, schema: T, extra: Headers = {}) => ({
  description,
  headers: { ...apiHeaders, ...extra },
  content: { "application/json": { schema } },
});

/** A documented response without a body (204, 304), with the headers every API response carries plus those given. */
export const empty = (description: string, extra: Headers = {}) => ({
  description,
  headers: { ...apiHeaders, ...extra },
});

/** The errors any authenticated route can answer, whatever it does. */
export const authErrors = {
  401: problem("Missing or invalid bearer token", headers("WWW-Authenticate")),
  429: problem("Rate limited: retry after `Retry-After` seconds", headers("Retry-After")),
};

/** A request body over BODY_LIMIT_BYTES (413), on every route a client can send a body to. */
export const tooLarge = { 413: problem("The body is over BODY_LIMIT_BYTES") };

/** A JSON body route's refusals: invalid (400), not declared as JSON (415). */
export const bodyErrors = {
  400: problem("The request is invalid; `errors` names each field"),
  415: problem("The body is not declared as JSON", { Accept: header("Accept-JSON") }),
};

/** What a route that queries the database answers when it fails: 500 for a fault, 503 while it is unreachable. */
export const databaseErrors = {
  500: problem("Unexpected error"),
  503: problem("The database is unavailable: retry after `Retry-After` seconds", headers("Retry-After")),
};

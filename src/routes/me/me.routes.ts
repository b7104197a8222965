import { createRoute, z } from "@hono/zod-openapi";
import { problem } from "../../http";

const MeSchema = z
  .object({ userId: z.string(), issuer: z.string().nullable(), expiresAt: z.iso.datetime() })
  .openapi("Me");

/** `GET /v1/me`: who the bearer token says the caller is. */
export const meRoute = createRoute({
  method: "get",
  path: "/v1/me",
  operationId: "getMe",
  description: "The verified bearer token's subject, issuer and expiry.",
  tags: ["auth"],
  summary: "Who the bearer token says you are",
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: "The authenticated user", content: { "application/json": { schema: MeSchema } } },
    401: problem("Missing or invalid bearer token"),
    429: problem("Rate limited; see Retry-After and RateLimit-*"),
    500: problem("Unexpected error"),
  },
});

export type MeRoute = typeof meRoute;

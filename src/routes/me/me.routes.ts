import { createRoute, z } from "@hono/zod-openapi";

const MeSchema = z
  .object({ userId: z.string(), issuer: z.string().nullable(), expiresAt: z.iso.datetime() })
  .openapi("Me");

/** `GET /v1/me`: who the bearer token says the caller is. */
export const meRoute = createRoute({
  method: "get",
  path: "/v1/me",
  tags: ["auth"],
  summary: "Who the bearer token says you are",
  security: [{ bearerAuth: [] }],
  responses: { 200: { description: "The authenticated user", content: { "application/json": { schema: MeSchema } } } },
});

export type MeRoute = typeof meRoute;

import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app/env";

const MeSchema = z
  .object({ userId: z.string(), issuer: z.string().nullable(), expiresAt: z.iso.datetime() })
  .openapi("Me");

const route = createRoute({
  method: "get",
  path: "/v1/me",
  tags: ["auth"],
  summary: "Who the bearer token says you are",
  security: [{ bearerAuth: [] }],
  responses: { 200: { description: "The authenticated user", content: { "application/json": { schema: MeSchema } } } },
});

/** `GET /v1/me`: the verified token's user. */
export const meRoutes = () =>
  new OpenAPIHono<AppEnv>().openapi(route, (c) => {
    const { id, issuer, expiresAt } = c.var.user;
    return c.json({ userId: id, issuer: issuer ?? null, expiresAt: expiresAt.toISOString() }, 200);
  });

import { createRoute, z } from "@hono/zod-openapi";
import { authErrors, json, perUserRead } from "../../http";

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
    200: json("The authenticated user", MeSchema, perUserRead(false)),
    ...authErrors,
  },
});

export type MeRoute = typeof meRoute;

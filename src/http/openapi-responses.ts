import { z } from "@hono/zod-openapi";

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

/**
 * A documented error response: `application/problem+json` with the problem schema.
 *
 * @example responses: { 404: problem("No such note") }
 */
export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

import type { Hook } from "@hono/zod-openapi";
import { Problem } from "./problem";

/** Turns a failed zod validation into a 400 problem listing each field; the OpenAPIHono default hook. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const issues = result.error.issues;
  throw new Problem(400, "The request is invalid.", {
    errors: issues.map((i) => ({
      path: [result.target, ...i.path.map(String)].join("."),
      message: i.message,
    })),
  });
};

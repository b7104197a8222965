import type { MiddlewareHandler } from "hono";
import { Problem } from "./problem";

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/** Answers 415 unless the request body is declared as JSON. */
export const requireJson: MiddlewareHandler = async function requireJson(c, next) {
  const type = c.req.header("Content-Type")?.split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA.test(type)) {
    throw new Problem(415, `Expected Content-Type: application/json, got ${type ? JSON.stringify(type) : "none"}.`, {
      headers: { Accept: "application/json" },
    });
  }
  await next();
};

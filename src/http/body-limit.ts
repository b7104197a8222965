import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Problem } from "./problem";

/**
 * Hono's `bodyLimit`, answering 413 as problem+json. A request without a body (every GET) passes
 * straight on, without an async step of its own.
 *
 * @example app.use(limitBody(config.bodyLimitBytes))
 */
export const limitBody = (maxSize: number): MiddlewareHandler => {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new Problem(413, `The request body is larger than ${maxSize} bytes.`);
    },
  });
  return function limitBody(c, next) {
    return c.req.raw.body ? limit(c, next) : next();
  };
};

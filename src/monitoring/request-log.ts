import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app/env";
import type { Logger } from "./logger";

/** One line per request: method, route pattern, status, duration, request id and user id. */
export const requestLog = (logger: Logger): MiddlewareHandler<AppEnv> =>
  async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const fields = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: c.req.routePath,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      userId: c.get("user")?.id,
    };
    if (status >= 500) logger.error("request", fields);
    else logger.info("request", fields);
  };

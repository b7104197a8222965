import type { Context } from "hono";
import { networkErrorCode } from "../errors/network";
import type { AppEnv } from "../http";
import { errorSummary, type Logger } from "../logger";
import type { RequestSummary } from "./route";

/**
 * One line per request: time, level, requestId, method, route pattern, status, durationMs and
 * userId. A 5xx logs at error level with the error that caused it, so network errors that Sentry
 * drops are still on record.
 *
 * @example const log = requestLog(logger); log(c, { route: "/livez", durationMs: 0.2 });
 */
export const requestLog =
  (logger: Logger) =>
  (c: Context<AppEnv>, { route, durationMs }: RequestSummary) => {
    const status = c.res.status;
    const fields = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route,
      status,
      durationMs: Math.round(durationMs * 100) / 100,
      userId: c.get("user")?.id,
    };
    if (status < 500) logger.info("request", fields);
    // The error itself (with its stack) is logged once by the error mapper; here, what and why.
    else if (c.error)
      logger.error("request", {
        ...fields,
        error: errorSummary(c.error),
        networkError: networkErrorCode(c.error),
      });
    else logger.error("request", fields);
  };

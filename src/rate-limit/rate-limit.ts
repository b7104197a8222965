import type { MiddlewareHandler } from "hono";
import type { Cache } from "../cache/types";
import type { AppEnv } from "../http";
import { Problem } from "../http";
import { type Logger, throttledWarning } from "../logger";
import { clientAddress, type TrustProxy } from "./client-address";

const WINDOW_MS = 60_000;

export interface RateLimitOptions {
  cache: Cache;
  /** RATE_LIMIT_PER_MINUTE; 0 turns rate limiting off. */
  limitPerMinute: number;
  trustProxy: TrustProxy;
  logger: Logger;
}

/**
 * A fixed one-minute window per authenticated user, else per client address, counted in the
 * shared cache so every instance enforces one budget. Every limited response carries the IETF
 * draft's `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) plus
 * `RateLimit-Policy`; over the limit it answers 429 with `Retry-After`. When the cache is down it
 * fails open: the request goes through and the outage is logged, one line every 10 s at most.
 *
 * @example app.use(authenticate({ verify })); app.use(rateLimit({ cache, limitPerMinute: 600, trustProxy: "none", logger }));
 */
export const rateLimit = ({ cache, limitPerMinute: limit, trustProxy, logger }: RateLimitOptions) => {
  const warn = throttledWarning(logger);

  const middleware: MiddlewareHandler<AppEnv> = async function rateLimit(c, next) {
    if (limit <= 0) return next();
    const user = c.get("user");
    const key = user ? `ratelimit:v1:user:${user.id}` : `ratelimit:v1:addr:${clientAddress(c, trustProxy)}`;
    let count: number;
    let resetMs: number;
    try {
      ({ count, resetMs } = await cache.increment(key, WINDOW_MS));
    } catch (error) {
      warn("rate limiting skipped: cache unavailable (failing open)", error);
      return next();
    }
    const reset = String(Math.max(1, Math.ceil(resetMs / 1000)));
    const headers = {
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": String(Math.max(0, limit - count)),
      "RateLimit-Reset": reset,
      "RateLimit-Policy": `${limit};w=${WINDOW_MS / 1000}`,
    };
    if (count > limit) {
      throw new Problem(429, `Rate limit of ${limit} requests per minute reached; retry in ${reset} s.`, {
        headers: { ...headers, "Retry-After": reset },
      });
    }
    // Before the handler, so this layer does not wait on the request: every answer here, errors
    // and the docs page included, is built through the context, which carries them.
    for (const name in headers) c.header(name, headers[name as keyof typeof headers]);
    return next();
  };
  return middleware;
};

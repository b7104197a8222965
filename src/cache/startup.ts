import type { Config } from "../config";
import { causeChain, dialFailureHint, maskedTarget } from "../errors/network";
import type { Logger } from "../logger";
import { type Cache, CacheUnavailableError } from "./types";

// What serving without the cache means.
const WITHOUT_CACHE =
  "serving without it until it answers: note reads go to the database, rate limiting lets requests through";

/**
 * One round trip to the configured remote cache before serving; when it fails, one warning line
 * naming the variable, the masked target and what to check. Serving goes on either way: a cache
 * outage degrades requests, never fails them. The memory backend is not checked.
 *
 * @example
 * const cache = openCache(config, { redis });
 * await warnIfCacheUnreachable({ cache, config, logger });
 */
export const warnIfCacheUnreachable = async ({
  cache,
  config,
  logger,
}: {
  cache: Cache;
  config: Config;
  logger: Logger;
}) => {
  if (cache.backend === "memory") return;
  try {
    await cache.get("berth:startup-check");
  } catch (error) {
    const [variable, url] =
      cache.backend === "upstash"
        ? ["UPSTASH_REDIS_REST_URL", config.cache.upstash?.url ?? ""]
        : [config.cache.redisVariable, config.cache.redisUrl ?? ""];
    // The hint of a failed dial, else the backend's own account (the innermost cache error).
    const why =
      dialFailureHint(error) ??
      causeChain(error).findLast((e) => e instanceof CacheUnavailableError)?.message ??
      String(error);
    logger.warn(`${variable}: cannot reach ${maskedTarget(url)}: ${why}; ${WITHOUT_CACHE}`);
  }
};

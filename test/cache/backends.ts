import { openCache } from "../../src/cache/open";
import { redisCache } from "../../src/cache/redis";
import type { Cache } from "../../src/cache/types";
import { type Env, loadConfig } from "../../src/config";
import { serviceUrl } from "../support/services";
import { startUpstashServer, type UpstashServer } from "../support/upstash-server";

/** A cache the way the service opens it: from configuration, through openCache. */
export const cacheFromEnv = (env: Env) => openCache(loadConfig({ APP_MODE: "test", ...env }), { redis: redisCache });

export interface CacheBackend {
  name: "memory" | "redis" | "upstash";
  /** Whether two instances see one store (Redis, Upstash), or each has its own (memory). */
  shared: boolean;
  /** A new cache instance of this kind; closed by the caller. */
  open: (env?: Env) => Promise<Cache>;
  /** Releases what the backend started (the Upstash test server); register at describe level. */
  stop: () => Promise<void>;
}

/**
 * Memory always; Redis over TCP and Upstash (through the test REST server) against the real
 * Redis when TEST_REDIS_URL is set, which CI=true requires.
 */
export const cacheBackends = (): CacheBackend[] => {
  const backends: CacheBackend[] = [
    { name: "memory", shared: false, open: async (env) => cacheFromEnv({ ...env }), stop: async () => {} },
  ];
  const redisUrl = serviceUrl("TEST_REDIS_URL");
  if (!redisUrl) return backends;
  let upstash: Promise<UpstashServer> | undefined;
  backends.push(
    {
      name: "redis",
      shared: true,
      open: async (env) => cacheFromEnv({ ...env, REDIS_URL: redisUrl }),
      stop: async () => {},
    },
    {
      name: "upstash",
      shared: true,
      open: async (env) => {
        upstash ??= startUpstashServer({ redisUrl });
        const { url, token } = await upstash;
        return cacheFromEnv({ ...env, UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token });
      },
      stop: async () => {
        await (await upstash)?.stop();
      },
    },
  );
  return backends;
};

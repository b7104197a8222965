import { RedisClient } from "bun";
import { INCREMENT_SCRIPT } from "./scripts";
import { type Cache, CacheUnavailableError, type RedisCacheOptions } from "./types";

/**
 * Redis over TCP with Bun's built-in client, which we dial ourselves: Bun's own reconnect
 * gives up after `maxRetries` and never re-dials after an idle or connect timeout. Commands
 * are never queued while disconnected; at most one dial runs at a time and, after one fails,
 * calls fail at once until `redialDelayMs` has passed, so an outage never holds a request.
 */
export const redisCache = (
  url: string,
  { connectTimeoutMs = 1000, commandTimeoutMs = 1000, redialDelayMs = 1000 }: RedisCacheOptions = {},
): Cache => {
  const client = new RedisClient(url, {
    connectionTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    autoReconnect: false,
  });
  let dialling: Promise<void> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let generation = 0;
  let closed = false;

  const dial = () =>
    client.connect().then(
      () => {
        generation += 1;
      },
      (error: unknown) => {
        failedAt = Date.now();
        throw new CacheUnavailableError(`redis unreachable: ${(error as Error)?.message ?? error}`, { cause: error });
      },
    );

  const ready = async () => {
    if (closed) throw new CacheUnavailableError("redis cache is closed");
    if (client.connected) return;
    if (!dialling) {
      const waitMs = failedAt + redialDelayMs - Date.now();
      if (waitMs > 0) throw new CacheUnavailableError(`redis unreachable; next dial in ${Math.ceil(waitMs)} ms`);
      dialling = dial().finally(() => {
        dialling = undefined;
      });
    }
    await dialling;
  };

  const send = async (command: string, args: string[]) => {
    await ready();
    // A connection that stops answering (a blackholed route, a frozen server) keeps `connected`
    // true and leaves every reply pending forever. Closing it rejects them all and makes the
    // next call dial again; the generation keeps a late timer off a newer connection.
    const sentOn = generation;
    const timer = setTimeout(() => {
      if (sentOn === generation && client.connected) client.close();
    }, commandTimeoutMs);
    try {
      return await client.send(command, args);
    } finally {
      clearTimeout(timer);
    }
  };

  const px = (ms: number) => String(Math.max(1, Math.ceil(ms)));

  return {
    backend: "redis",
    async get(key) {
      const value = await send("GET", [key]);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key, value, ttlMs) {
      await send("SET", [key, value, "PX", px(ttlMs)]);
    },
    async add(key, value, ttlMs) {
      return (await send("SET", [key, value, "PX", px(ttlMs), "NX"])) === "OK";
    },
    async delete(key) {
      await send("DEL", [key]);
    },
    async increment(key, windowMs) {
      const [count, ttl] = (await send("EVAL", [INCREMENT_SCRIPT, "1", key, px(windowMs)])) as [number, number];
      return { count: Number(count), resetMs: Number(ttl) };
    },
    async close() {
      closed = true;
      client.close();
    },
  };
};

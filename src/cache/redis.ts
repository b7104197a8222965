import { RedisClient } from "bun";
import { INCREMENT_SCRIPT } from "./scripts";
import type { Cache } from "./types";

/**
 * Redis over TCP with Bun's built-in client. Commands are not queued while disconnected (they
 * fail at once, so a Redis outage never holds a request); a broken connection is re-dialled on
 * the next call, at most one dial at a time.
 */
export const redisCache = (url: string, { connectTimeoutMs = 1000 } = {}): Cache => {
  const client = new RedisClient(url, {
    connectionTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    autoReconnect: false,
  });
  let dialling: Promise<void> | undefined;
  let closed = false;

  const ready = async () => {
    if (closed) throw new Error("redis cache is closed");
    if (client.connected) return;
    dialling ??= client.connect().finally(() => {
      dialling = undefined;
    });
    await dialling;
  };
  const send = async (command: string, args: string[]) => {
    await ready();
    return client.send(command, args);
  };

  return {
    backend: "redis",
    async get(key) {
      const value = await send("GET", [key]);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key, value, ttlMs) {
      await send("SET", [key, value, "PX", String(Math.max(1, Math.ceil(ttlMs)))]);
    },
    async add(key, value, ttlMs) {
      return (await send("SET", [key, value, "PX", String(Math.max(1, Math.ceil(ttlMs))), "NX"])) === "OK";
    },
    async delete(key) {
      await send("DEL", [key]);
    },
    async increment(key, windowMs) {
      const [count, ttl] = (await send("EVAL", [INCREMENT_SCRIPT, "1", key, String(Math.ceil(windowMs))])) as [
        number,
        number,
      ];
      return { count: Number(count), resetMs: Number(ttl) };
    },
    async close() {
      closed = true;
      client.close();
    },
  };
};

import { Redis } from "@upstash/redis";
import { INCREMENT_SCRIPT } from "./scripts";
import type { Cache } from "./types";

/** Upstash's REST API (`@upstash/redis`): plain fetch, so it runs on edge runtimes too. */
export const upstashCache = ({ url, token }: { url: string; token: string }): Cache => {
  const client = new Redis({
    url,
    token,
    retry: false,
    automaticDeserialization: false,
    enableTelemetry: false,
  });
  return {
    backend: "upstash",
    async get(key) {
      const value = await client.get<string>(key);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key, value, ttlMs) {
      await client.set(key, value, { px: Math.max(1, Math.ceil(ttlMs)) });
    },
    async add(key, value, ttlMs) {
      return (await client.set(key, value, { px: Math.max(1, Math.ceil(ttlMs)), nx: true })) === "OK";
    },
    async delete(key) {
      await client.del(key);
    },
    async increment(key, windowMs) {
      const [count, ttl] = await client.eval<string[], [number, number]>(
        INCREMENT_SCRIPT,
        [key],
        [String(Math.ceil(windowMs))],
      );
      return { count: Number(count), resetMs: Number(ttl) };
    },
    async close() {},
  };
};

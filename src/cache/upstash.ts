import { Redis } from "@upstash/redis";
import { INCREMENT_SCRIPT } from "./scripts";
import type { Cache } from "./types";

export interface UpstashCacheOptions {
  url: string;
  token: string;
  /** Each HTTP request is aborted after this long, so a hung endpoint frees its socket. */
  requestTimeoutMs?: number;
}

/** Upstash's REST API (`@upstash/redis`): plain fetch, so it runs on edge runtimes too. */
export const upstashCache = ({ url, token, requestTimeoutMs = 1000 }: UpstashCacheOptions): Cache => {
  const client = new Redis({
    url,
    token,
    retry: false,
    automaticDeserialization: false,
    enableTelemetry: false,
    // A function, not a signal: the SDK turns an aborted plain signal into a *successful*
    // reply whose result is the abort reason, but rethrows when the signal came from a function.
    signal: () => AbortSignal.timeout(requestTimeoutMs),
  });
  const px = (ms: number) => Math.max(1, Math.ceil(ms));
  return {
    backend: "upstash",
    async get(key) {
      const value = await client.get<string>(key);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key, value, ttlMs) {
      await client.set(key, value, { px: px(ttlMs) });
    },
    async add(key, value, ttlMs) {
      return (await client.set(key, value, { px: px(ttlMs), nx: true })) === "OK";
    },
    async delete(key) {
      await client.del(key);
    },
    async increment(key, windowMs) {
      const [count, ttl] = await client.eval<string[], [number, number]>(
        INCREMENT_SCRIPT,
        [key],
        [String(px(windowMs))],
      );
      return { count: Number(count), resetMs: Number(ttl) };
    },
    async close() {},
  };
};

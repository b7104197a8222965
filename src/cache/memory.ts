import { type Cache, CacheUnavailableError } from "./types";

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A bounded LRU with per-key TTL, local to this process. Map keeps insertion order, so the
 * first key is the least recently used one; a read moves its key to the end.
 */
export const memoryCache = ({ maxEntries = 10_000, now = () => Date.now() } = {}): Cache => {
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= now()) return undefined;
    entries.set(key, entry);
    return entry;
  };

  const put = (key: string, value: string, ttlMs: number) => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlMs });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };

  // The same contract as a remote backend: after close, every call fails as unavailable.
  let closed = false;
  const open = (op: string) => {
    if (closed) throw new CacheUnavailableError(`cache ${op} after close`);
  };

  return {
    backend: "memory",
    async get(key) {
      open("get");
      return live(key)?.value ?? null;
    },
    async set(key, value, ttlMs) {
      open("set");
      put(key, value, ttlMs);
    },
    async add(key, value, ttlMs) {
      open("add");
      if (live(key)) return false;
      put(key, value, ttlMs);
      return true;
    },
    async delete(key) {
      open("delete");
      entries.delete(key);
    },
    async increment(key, windowMs) {
      open("increment");
      const entry = live(key);
      if (!entry) {
        put(key, "1", windowMs);
        return { count: 1, resetMs: windowMs };
      }
      entry.value = String(Number(entry.value) + 1);
      return { count: Number(entry.value), resetMs: entry.expiresAt - now() };
    },
    async close() {
      closed = true;
      entries.clear();
    },
  };
};

import { type Cache, CacheUnavailableError } from "./types";

const bound = <T>(work: Promise<T>, ms: number, op: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CacheUnavailableError(`cache ${op} timed out after ${ms} ms`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (error) => {
        clearTimeout(timer);
        reject(
          error instanceof CacheUnavailableError
            ? error
            : new CacheUnavailableError(`cache ${op} failed: ${(error as Error)?.message ?? error}`, { cause: error }),
        );
      },
    );
  });

/** Holds every cache call to `timeoutMs`; a slow or failing backend becomes CacheUnavailableError. */
export const boundedCache = (cache: Cache, timeoutMs: number): Cache => ({
  backend: cache.backend,
  get: (key) => bound(cache.get(key), timeoutMs, "get"),
  set: (key, value, ttlMs) => bound(cache.set(key, value, ttlMs), timeoutMs, "set"),
  add: (key, value, ttlMs) => bound(cache.add(key, value, ttlMs), timeoutMs, "add"),
  delete: (key) => bound(cache.delete(key), timeoutMs, "delete"),
  increment: (key, windowMs) => bound(cache.increment(key, windowMs), timeoutMs, "increment"),
  close: () => cache.close(),
});

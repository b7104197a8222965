import { type Cache, CacheUnavailableError } from "./types";

const bound = <T>(work: () => Promise<T>, ms: number, op: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CacheUnavailableError(`cache ${op} timed out after ${ms} ms`, { code: "ETIMEDOUT" })),
      ms,
    );
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(
        error instanceof CacheUnavailableError
          ? error
          : new CacheUnavailableError(`cache ${op} failed: ${(error as Error)?.message ?? error}`, { cause: error }),
      );
    };
    work().then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, fail);
  });

/**
 * Holds every cache call to `timeoutMs`: a slow, failing or closed backend becomes
 * CacheUnavailableError, whatever the backend throws. `close` is idempotent.
 */
export const boundedCache = (cache: Cache, timeoutMs: number): Cache => {
  let closing: Promise<void> | undefined;
  const call = <T>(op: string, work: () => Promise<T>) =>
    closing ? Promise.reject(new CacheUnavailableError(`cache ${op} after close`)) : bound(work, timeoutMs, op);
  return {
    backend: cache.backend,
    get: (key) => call("get", () => cache.get(key)),
    set: (key, value, ttlMs) => call("set", () => cache.set(key, value, ttlMs)),
    add: (key, value, ttlMs) => call("add", () => cache.add(key, value, ttlMs)),
    delete: (key) => call("delete", () => cache.delete(key)),
    increment: (key, windowMs) => call("increment", () => cache.increment(key, windowMs)),
    close: () => {
      closing ??= cache.close();
      return closing;
    },
  };
};

import { TransactionRollbackError } from "drizzle-orm";
import type { Database, Orm } from "../db/types";
import { Problem } from "../http";
import { type Logger, throttledWarning } from "../logger";
import { createIdempotencyStore, type StoredResponse } from "./store";

export interface IdempotentRequest {
  ownerId: string;
  key: string;
  fingerprint: string;
  /** The work, run once per key inside a transaction that also stores its response. */
  perform: (tx: Orm) => Promise<StoredResponse>;
}

// Expired keys are purged by the requests that use keys, about one in this many.
const PURGE_EVERY = 100;

/**
 * `Idempotency-Key` semantics over the database: the first request with a key runs its work and
 * stores the response in the same transaction; the same key and request within 24 h gets that
 * response back (`replayed`), another request body 422, and a retry while the first is still
 * running 409. Keys live in Postgres, not the cache, so the guard commits with the note it
 * guards and holds across instances even when the cache is per process or down.
 *
 * @example
 * const { response, replayed } = await idempotent.run({ ownerId, key, fingerprint, perform });
 */
export const createIdempotency = (db: Database, logger: Logger) => {
  const store = createIdempotencyStore(db);
  // Both are tidying: a key left behind expires on its own, so the request goes on regardless.
  // They fail together with the database, so each says so once in a while, not on every request.
  const warn = throttledWarning(logger);
  const degraded = (what: string) => (error: unknown) => warn(`idempotency: ${what} failed`, error);
  let uses = 0;
  return {
    async run({ ownerId, key, fingerprint, perform }: IdempotentRequest) {
      if (++uses % PURGE_EVERY === 0) void store.purgeExpired().catch(degraded("purging expired keys"));
      const claim = await store.claim(ownerId, key, fingerprint);
      if (claim.kind === "mismatch") {
        throw new Problem(422, "This Idempotency-Key was already used with a different request; use a new key.");
      }
      if (claim.kind === "in-flight") {
        throw new Problem(409, "A request with this Idempotency-Key is still in progress; retry it shortly.", {
          headers: { "Retry-After": "1" },
        });
      }
      if (claim.kind === "replay") return { response: claim.response, replayed: true };
      try {
        const response = await db.run((orm) =>
          orm.transaction(async (tx) => {
            const result = await perform(tx);
            if (!(await store.complete(tx, ownerId, key, claim.token, result))) tx.rollback();
            return result;
          }),
        );
        return { response, replayed: false };
      } catch (error) {
        await store.release(ownerId, key, claim.token).catch(degraded("releasing a key after a failed request"));
        if (error instanceof TransactionRollbackError) {
          throw new Problem(409, "A retry took this Idempotency-Key over while the request ran; retry it.", {
            headers: { "Retry-After": "1" },
          });
        }
        throw error;
      }
    },
  };
};

export type Idempotency = ReturnType<typeof createIdempotency>;

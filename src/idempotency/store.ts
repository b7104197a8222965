import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { idempotencyKeys } from "../db/schema";
import type { Database, Orm } from "../db/types";

/** How long a completed key replays its response. */
export const REPLAY_WINDOW = "24 hours";
/** How long a claim may stay in flight before a retry may take it over (its holder died or hung). */
export const CLAIM_LEASE = "60 seconds";

/** The response a completed key replays. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  | { kind: "claimed"; token: string }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "mismatch" }
  | { kind: "in-flight" };

const key = (ownerId: string, k: string) => and(eq(idempotencyKeys.ownerId, ownerId), eq(idempotencyKeys.key, k));

/** Idempotency keys in the database, scoped per owner; every call is bounded by the database deadline. */
export const createIdempotencyStore = (db: Database) => {
  const claimOnce = (ownerId: string, k: string, fingerprint: string) =>
    db.run(async (orm): Promise<Claim | undefined> => {
      const token = crypto.randomUUID();
      const lockedUntil = sql`now() + interval '${sql.raw(CLAIM_LEASE)}'`;
      const expiresAt = sql`now() + interval '${sql.raw(REPLAY_WINDOW)}'`;
      // One statement decides who owns the key: insert it, or take over an expired key or an
      // abandoned claim for the same request. Concurrent claimants serialise on the primary key.
      const [won] = await orm
        .insert(idempotencyKeys)
        .values({ ownerId, key: k, fingerprint, lockToken: token, lockedUntil, expiresAt })
        .onConflictDoUpdate({
          target: [idempotencyKeys.ownerId, idempotencyKeys.key],
          set: {
            fingerprint,
            lockToken: token,
            lockedUntil,
            responseStatus: null,
            responseHeaders: null,
            responseBody: null,
            createdAt: sql`now()`,
            expiresAt,
          },
          setWhere: or(
            lt(idempotencyKeys.expiresAt, sql`now()`),
            and(
              isNull(idempotencyKeys.responseStatus),
              lt(idempotencyKeys.lockedUntil, sql`now()`),
              eq(idempotencyKeys.fingerprint, fingerprint),
            ),
          ),
        })
        .returning({ token: idempotencyKeys.lockToken });
      if (won?.token === token) return { kind: "claimed", token };
      const [held] = await orm.select().from(idempotencyKeys).where(key(ownerId, k));
      if (!held) return undefined;
      if (held.fingerprint !== fingerprint) return { kind: "mismatch" };
      if (held.responseStatus === null) return { kind: "in-flight" };
      return {
        kind: "replay",
        response: { status: held.responseStatus, headers: held.responseHeaders ?? {}, body: held.responseBody ?? "" },
      };
    });

  return {
    /** Claims a key for a request, or says why not: its stored response, another body, or still in flight. */
    async claim(ownerId: string, k: string, fingerprint: string): Promise<Claim> {
      // A key released between our insert and our read is gone; claiming again settles it.
      for (let attempt = 0; attempt < 3; attempt++) {
        const claim = await claimOnce(ownerId, k, fingerprint);
        if (claim) return claim;
      }
      return { kind: "in-flight" };
    },

    /** Stores the response on a claim this caller still holds, inside the caller's transaction; false if lost. */
    async complete(tx: Orm, ownerId: string, k: string, token: string, response: StoredResponse) {
      const rows = await tx
        .update(idempotencyKeys)
        .set({
          lockToken: null,
          lockedUntil: null,
          responseStatus: response.status,
          responseHeaders: response.headers,
          responseBody: response.body,
        })
        .where(and(key(ownerId, k), eq(idempotencyKeys.lockToken, token)))
        .returning({ key: idempotencyKeys.key });
      return rows.length > 0;
    },

    /** Gives up a claim whose work failed, so a retry can run at once instead of after the lease. */
    release: (ownerId: string, k: string, token: string) =>
      db.run((orm) =>
        orm
          .delete(idempotencyKeys)
          .where(and(key(ownerId, k), eq(idempotencyKeys.lockToken, token), isNull(idempotencyKeys.responseStatus))),
      ),

    /** Deletes up to `limit` expired keys; called now and then so the table stays the size of a day's keys. */
    purgeExpired: (limit = 100) =>
      db.run((orm) =>
        orm.execute(
          sql`delete from ${idempotencyKeys} where ctid in (select ctid from ${idempotencyKeys} where ${idempotencyKeys.expiresAt} < now() limit ${limit})`,
        ),
      ),
  };
};

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

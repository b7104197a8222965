import { sql } from "drizzle-orm";
import { rowsOf } from "../database";
import type { Orm } from "../types";

/** Advisory lock key shared by every berth process migrating one database ("berthmig"). */
export const MIGRATION_LOCK_KEY = 0x626572746d6967n % 2n ** 63n;

export class MigrationLockTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(
      `could not take the migration lock within ${waitedMs} ms: another process is migrating this database ` +
        "(or holds pg_advisory_lock(" +
        `${MIGRATION_LOCK_KEY})). Wait for it to finish, or find it in pg_locks.`,
    );
    this.name = "MigrationLockTimeoutError";
  }
}

/**
 * Runs `work` holding the migration advisory lock on the same connection, polling
 * `pg_try_advisory_lock` until `timeoutMs`; the lock is released whatever `work` does.
 */
export const withMigrationLock = async <T>(
  orm: Orm,
  work: () => Promise<T>,
  { timeoutMs = 60_000, pollMs = 250 } = {},
): Promise<T> => {
  const started = Date.now();
  for (;;) {
    const [row] = rowsOf<{ locked: boolean }>(
      await orm.execute(sql`select pg_try_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint) as locked`),
    );
    if (row?.locked) break;
    if (Date.now() - started >= timeoutMs) throw new MigrationLockTimeoutError(Date.now() - started);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  try {
    return await work();
  } finally {
    await orm.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`);
  }
};

import type { Cache } from "../../cache/types";
import type { NoteRow } from "../../db/schema";
import { type Logger, throttledWarning } from "../../logger";
import type { NotesRepository } from "./repository";

const key = (ownerId: string, id: string) => `note:v1:${ownerId}:${id}`;

const revive = (json: string): NoteRow => {
  const row = JSON.parse(json) as NoteRow;
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
};

/**
 * Single-note reads go through the cache; every write invalidates. A cache outage only costs
 * the cache: reads fall through to the database and the failure is logged, one line every 10 s
 * at most. A TTL of 0 turns the read-through cache off.
 */
export const createNotesService = (
  repo: NotesRepository,
  sharedCache: Cache | undefined,
  ttlMs: number,
  log: Logger,
) => {
  const cache = ttlMs > 0 ? sharedCache : undefined;
  const warn = throttledWarning(log);
  const bypass = (op: string) => (error: unknown) => {
    warn("cache unavailable; bypassing", error, { op });
    return undefined;
  };
  const invalidate = async (ownerId: string, id: string) => {
    await cache?.delete(key(ownerId, id)).catch(bypass("delete"));
  };
  const readThrough = (cache: Cache) => async (ownerId: string, id: string) => {
    const cached = await cache.get(key(ownerId, id)).catch(bypass("get"));
    if (cached) return revive(cached);
    const row = await repo.find(ownerId, id);
    if (row) await cache.set(key(ownerId, id), JSON.stringify(row), ttlMs).catch(bypass("set"));
    return row;
  };
  return {
    ...repo,
    // With the cache off a read is the repository's own, with no step in between.
    find: cache ? readThrough(cache) : repo.find,
    async update(...args: Parameters<NotesRepository["update"]>) {
      const row = await repo.update(...args);
      await invalidate(args[0], args[1]);
      return row;
    },
    async remove(...args: Parameters<NotesRepository["remove"]>) {
      const gone = await repo.remove(...args);
      await invalidate(args[0], args[1]);
      return gone;
    },
  };
};

export type NotesService = ReturnType<typeof createNotesService>;

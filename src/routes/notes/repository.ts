import { and, eq, sql } from "drizzle-orm";
import { type NoteRow, notes } from "../../db/schema";
import type { Database, Orm } from "../../db/types";

/** Hot statements built once per connection and reused (Drizzle's default path describes every query). */
const prepared = new WeakMap<Orm, ReturnType<typeof prepare>>();
const prepare = (orm: Orm) => ({
  byId: orm
    .select()
    .from(notes)
    .where(and(eq(notes.id, sql.placeholder("id")), eq(notes.ownerId, sql.placeholder("ownerId"))))
    .prepare("note_by_id"),
});
/** The note statements prepared on `orm` (built on first use); the bench's Hono floor runs them too. */
export const noteStatements = (orm: Orm) => {
  let s = prepared.get(orm);
  if (!s) {
    s = prepare(orm);
    prepared.set(orm, s);
  }
  return s;
};

export interface Keyset {
  createdAt: Date;
  id: string;
}

export interface NewNote {
  title: string;
  body: string;
}

/** Inserts a note with the given connection or transaction (an idempotent create runs it in one). */
export const insertNote = async (orm: Orm, ownerId: string, input: NewNote) => {
  const [row] = await orm
    .insert(notes)
    .values({ ownerId, ...input })
    .returning();
  return row as NoteRow;
};

/** Reads and writes notes, always scoped to their owner; every call is bounded by the database deadline. */
export const createNotesRepository = (db: Database) => ({
  create: (ownerId: string, input: NewNote) => db.run((orm) => insertNote(orm, ownerId, input)),

  find: (ownerId: string, id: string) =>
    db.run((orm) =>
      noteStatements(orm)
        .byId.execute({ id, ownerId })
        .then(([row]) => row as NoteRow | undefined),
    ),

  /** Newest first; `after` is the last row of the previous page. Fetches one extra row to know if more follow. */
  list: (ownerId: string, limit: number, after?: Keyset) =>
    db.run((orm) =>
      orm
        .select()
        .from(notes)
        .where(
          and(
            eq(notes.ownerId, ownerId),
            // A row comparison is one index range condition: the scan starts at the cursor.
            after
              ? sql`(${notes.createdAt}, ${notes.id}) < (${after.createdAt.toISOString()}, ${after.id})`
              : undefined,
          ),
        )
        // NULLS LAST as in notes_owner_created_idx: plain DESC means NULLS FIRST, which that index
        // cannot serve, and Postgres would sort every one of the owner's notes for each page.
        .orderBy(sql`${notes.createdAt} desc nulls last`, sql`${notes.id} desc nulls last`)
        .limit(limit + 1),
    ),

  /** Updates when the version still matches (if one is given); undefined when no such note or stale. */
  update: (ownerId: string, id: string, patch: { title?: string; body?: string }, expectedVersion?: number) =>
    db.run(async (orm) => {
      const [row] = await orm
        .update(notes)
        .set({ ...patch, version: sql`${notes.version} + 1`, updatedAt: sql`now()` })
        .where(
          and(
            eq(notes.id, id),
            eq(notes.ownerId, ownerId),
            expectedVersion === undefined ? undefined : eq(notes.version, expectedVersion),
          ),
        )
        .returning();
      return row as NoteRow | undefined;
    }),

  /** Deletes when the version still matches (if one is given); true when a row went. */
  remove: (ownerId: string, id: string, expectedVersion?: number) =>
    db.run(async (orm) => {
      const rows = await orm
        .delete(notes)
        .where(
          and(
            eq(notes.id, id),
            eq(notes.ownerId, ownerId),
            expectedVersion === undefined ? undefined : eq(notes.version, expectedVersion),
          ),
        )
        .returning({ id: notes.id });
      return rows.length > 0;
    }),
});

export type NotesRepository = ReturnType<typeof createNotesRepository>;

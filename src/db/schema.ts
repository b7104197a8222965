import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * A user's note. Timestamps keep millisecond precision so that a keyset cursor built from a
 * JavaScript Date matches the stored value exactly; `version` backs the ETag and `If-Match`.
 */
export const notes = pgTable(
  "notes",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    ownerId: text("owner_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("notes_owner_created_idx").on(t.ownerId, t.createdAt.desc(), t.id.desc())],
);

export type NoteRow = typeof notes.$inferSelect;

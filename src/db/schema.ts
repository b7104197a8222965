import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

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

/**
 * One `Idempotency-Key` per user: claimed before the work runs (lock token and lease), then
 * completed with the response in the same transaction that did the work, and replayed until
 * `expires_at`. In the database rather than the cache because the claim and the note it guards
 * must commit together, and every instance shares the database even when the cache is per process.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    ownerId: text("owner_id").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    lockToken: uuid("lock_token"),
    lockedUntil: timestamp("locked_until", { withTimezone: true, precision: 3 }),
    responseStatus: integer("response_status"),
    responseHeaders: jsonb("response_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

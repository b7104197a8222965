-- The column went out of the schema one release ago; nothing still serving reads or writes it.
-- squawk-ignore ban-drop-column -- the release before this one stopped reading and writing "summary"
ALTER TABLE "notes" DROP COLUMN "summary";
--> statement-breakpoint
-- squawk-ignore require-concurrent-index-creation -- "note_tags" stays under a thousand rows; the build takes milliseconds
CREATE INDEX IF NOT EXISTS "note_tags_label_idx" ON "note_tags" USING btree ("label");

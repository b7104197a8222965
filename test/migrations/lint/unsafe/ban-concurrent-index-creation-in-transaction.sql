ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
CREATE INDEX CONCURRENTLY "notes_title_idx" ON "notes" USING btree ("title");

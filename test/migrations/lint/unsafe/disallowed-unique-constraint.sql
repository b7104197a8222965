ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_title_unique" UNIQUE ("title");

ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_title_not_blank" CHECK ("title" <> '');

ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
DROP INDEX "notes_owner_created_idx";

ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ADD COLUMN "pinned" boolean NOT NULL;

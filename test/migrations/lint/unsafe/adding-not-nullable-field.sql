ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ALTER COLUMN "summary" SET NOT NULL;

ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ALTER COLUMN "title" DROP NOT NULL;

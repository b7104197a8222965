ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ALTER COLUMN "version" SET DATA TYPE bigint;

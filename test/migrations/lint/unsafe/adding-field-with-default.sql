ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "notes" ADD COLUMN "shard" uuid DEFAULT gen_random_uuid();

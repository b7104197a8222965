ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
DROP TABLE "idempotency_keys";

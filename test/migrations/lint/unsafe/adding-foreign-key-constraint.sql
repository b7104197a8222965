ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_note_fk" FOREIGN KEY ("lock_token") REFERENCES "notes"("id");

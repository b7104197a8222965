ALTER TABLE "notes" ADD COLUMN "summary" text;
--> statement-breakpoint
-- squawk-ignore ban-drop-column
ALTER TABLE "notes" DROP COLUMN "body";

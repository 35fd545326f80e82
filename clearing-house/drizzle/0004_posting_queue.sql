CREATE TABLE "posting_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"card_number" text NOT NULL,
	"application" text NOT NULL
);
--> statement-breakpoint
-- Held events stored before the queue existed: their cards start in it.
INSERT INTO "posting_queue" ("card_number", "application")
SELECT DISTINCT "card_number", "application" FROM "events" WHERE "posting_status" = 'held';

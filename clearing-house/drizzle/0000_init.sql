CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"site_code" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_site_code_unique" UNIQUE("site_code"),
	CONSTRAINT "organisations_kind_valid" CHECK ("organisations"."kind" in ('clearing','operator','school','clinic')),
	CONSTRAINT "organisations_id_code" CHECK ("organisations"."id" ~ '^[a-z0-9][a-z0-9_.:-]{0,63}$')
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_sha256" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "sessions_token_hash_hex" CHECK ("sessions"."token_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "sessions_expiry_after_creation" CHECK ("sessions"."expires_at" > "sessions"."created_at")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"organisation_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_role_valid" CHECK ("users"."role" in ('clearing_admin','operator_staff','school_staff','clinic_staff'))
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"device_id" bigint PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"organisation_id" text,
	"certificate_pem" text NOT NULL,
	"certificate_serial_hex" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"journal_key_id" text NOT NULL,
	"journal_public_key_hex" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"flagged_at" timestamp with time zone,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_certificate_serial_hex_unique" UNIQUE("certificate_serial_hex"),
	CONSTRAINT "devices_id_range" CHECK ("devices"."device_id" between 1 and 4294967295),
	CONSTRAINT "devices_status_valid" CHECK ("devices"."status" in ('active','revoked')),
	CONSTRAINT "devices_journal_key_hex" CHECK ("devices"."journal_public_key_hex" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "devices_serial_hex" CHECK ("devices"."certificate_serial_hex" ~ '^[0-9a-f]+$')
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"device_id" bigint NOT NULL,
	"batch_seq" bigint NOT NULL,
	"bytes_sha256" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"event_count" integer NOT NULL,
	"first_seq" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "batches_device_id_batch_seq_pk" PRIMARY KEY("device_id","batch_seq"),
	CONSTRAINT "batches_status_valid" CHECK ("batches"."status" in ('accepted','quarantined')),
	CONSTRAINT "batches_reason_iff_quarantined" CHECK (("batches"."status" = 'quarantined') = ("batches"."reason" is not null)),
	CONSTRAINT "batches_seq_range" CHECK ("batches"."batch_seq" >= 1 and "batches"."first_seq" >= 1 and "batches"."last_seq" >= "batches"."first_seq"),
	CONSTRAINT "batches_hash_hex" CHECK ("batches"."bytes_sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "events" (
	"device_id" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"batch_seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"application" text NOT NULL,
	"card_number" text NOT NULL,
	"tmc" bigint,
	"tmv_hex" text,
	"amount_vnd" bigint NOT NULL,
	"balance_before_vnd" bigint,
	"balance_after_vnd" bigint,
	"operator_id" text,
	"route_id" text,
	"stop_id" text,
	"fare_product_id" text,
	"rider_category" text,
	"contract_slot" integer,
	"action_id" text,
	"site_code" bigint,
	"gate_no" integer,
	"reason" text,
	"detail" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"posting_status" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_device_id_seq_pk" PRIMARY KEY("device_id","seq"),
	CONSTRAINT "events_amount_range" CHECK ("events"."amount_vnd" >= 0),
	CONSTRAINT "events_posting_status_valid" CHECK ("events"."posting_status" in ('held','posted','recorded','tmc_duplicate')),
	CONSTRAINT "events_held_has_tmc" CHECK ("events"."posting_status" <> 'held' or "events"."tmc" is not null)
);
--> statement-breakpoint
CREATE TABLE "quarantine" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" bigint NOT NULL,
	"batch_seq" bigint,
	"bytes_sha256" text NOT NULL,
	"bytes_base64" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "card_states" (
	"card_number" text NOT NULL,
	"application" text NOT NULL,
	"last_tmc" bigint NOT NULL,
	"last_reported_balance_vnd" bigint,
	"last_event_at" timestamp with time zone,
	"last_device_id" bigint,
	CONSTRAINT "card_states_card_number_application_pk" PRIMARY KEY("card_number","application"),
	CONSTRAINT "card_states_tmc_range" CHECK ("card_states"."last_tmc" >= 0)
);
--> statement-breakpoint
CREATE TABLE "cards" (
	"card_number" text PRIMARY KEY NOT NULL,
	"organisation_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cards_number_digits" CHECK ("cards"."card_number" ~ '^[0-9]{16}$'),
	CONSTRAINT "cards_status_valid" CHECK ("cards"."status" in ('active','blocked'))
);
--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"organisation_id" text,
	"card_number" text,
	"floor_vnd" bigint,
	"debits_pending_vnd" bigint DEFAULT 0 NOT NULL,
	"debits_posted_vnd" bigint DEFAULT 0 NOT NULL,
	"credits_pending_vnd" bigint DEFAULT 0 NOT NULL,
	"credits_posted_vnd" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_kind_valid" CHECK ("ledger_accounts"."kind" in ('card_purse','operator_revenue','school_canteen','stripe_clearing','refunds','fees','cash','suspense')),
	CONSTRAINT "ledger_accounts_totals_non_negative" CHECK ("ledger_accounts"."debits_pending_vnd" >= 0 and "ledger_accounts"."debits_posted_vnd" >= 0 and "ledger_accounts"."credits_pending_vnd" >= 0 and "ledger_accounts"."credits_posted_vnd" >= 0),
	CONSTRAINT "ledger_accounts_floor" CHECK ("ledger_accounts"."floor_vnd" is null or "ledger_accounts"."credits_posted_vnd" - "ledger_accounts"."debits_posted_vnd" - "ledger_accounts"."debits_pending_vnd" >= "ledger_accounts"."floor_vnd"),
	CONSTRAINT "ledger_accounts_purse_has_floor" CHECK ("ledger_accounts"."kind" <> 'card_purse' or "ledger_accounts"."floor_vnd" is not null)
);
--> statement-breakpoint
CREATE TABLE "ledger_transfers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"debit_account_id" text NOT NULL,
	"credit_account_id" text NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"phase" text NOT NULL,
	"pending_id" uuid,
	"code" text NOT NULL,
	"event_device_id" bigint,
	"event_seq" bigint,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transfers_pending_id_unique" UNIQUE("pending_id"),
	CONSTRAINT "ledger_transfers_amount_positive" CHECK ("ledger_transfers"."amount_vnd" > 0),
	CONSTRAINT "ledger_transfers_two_accounts" CHECK ("ledger_transfers"."debit_account_id" <> "ledger_transfers"."credit_account_id"),
	CONSTRAINT "ledger_transfers_phase_valid" CHECK ("ledger_transfers"."phase" in ('posted','pending','post_pending','void_pending')),
	CONSTRAINT "ledger_transfers_resolution_names_pending" CHECK (("ledger_transfers"."phase" in ('post_pending','void_pending')) = ("ledger_transfers"."pending_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "reconciliation_exceptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"card_number" text,
	"application" text,
	"device_id" bigint,
	"seq" bigint,
	"operator_id" text,
	"amount_vnd" bigint,
	"detail" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reconciliation_exceptions_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "reconciliation_exceptions_status_valid" CHECK ("reconciliation_exceptions"."status" in ('open','resolved'))
);
--> statement-breakpoint
CREATE TABLE "payment_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"order_id" uuid,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "topup_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"card_number" text NOT NULL,
	"application" text NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"status" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"payment_intent_id" text,
	"pending_transfer_id" uuid NOT NULL,
	"action_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topup_orders_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "topup_orders_payment_intent_id_unique" UNIQUE("payment_intent_id"),
	CONSTRAINT "topup_orders_action_id_unique" UNIQUE("action_id"),
	CONSTRAINT "topup_orders_amount_positive" CHECK ("topup_orders"."amount_vnd" > 0),
	CONSTRAINT "topup_orders_application" CHECK ("topup_orders"."application" in ('transit','canteen')),
	CONSTRAINT "topup_orders_status_valid" CHECK ("topup_orders"."status" in ('created','paid','applied','failed','refunded'))
);
--> statement-breakpoint
CREATE TABLE "list_entries" (
	"kind" text NOT NULL,
	"entry_key" text NOT NULL,
	"card_number" text NOT NULL,
	"payload" jsonb NOT NULL,
	"added_version" bigint NOT NULL,
	"removed_version" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "list_entries_kind_entry_key_added_version_pk" PRIMARY KEY("kind","entry_key","added_version"),
	CONSTRAINT "list_entries_removed_after_added" CHECK ("list_entries"."removed_version" is null or "list_entries"."removed_version" > "list_entries"."added_version")
);
--> statement-breakpoint
CREATE TABLE "list_versions" (
	"kind" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "list_versions_kind_valid" CHECK ("list_versions"."kind" in ('deny','action')),
	CONSTRAINT "list_versions_non_negative" CHECK ("list_versions"."version" >= 0)
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_device_id_devices_device_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("device_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_states" ADD CONSTRAINT "card_states_card_number_cards_card_number_fk" FOREIGN KEY ("card_number") REFERENCES "public"."cards"("card_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_order_id_topup_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."topup_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topup_orders" ADD CONSTRAINT "topup_orders_card_number_cards_card_number_fk" FOREIGN KEY ("card_number") REFERENCES "public"."cards"("card_number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topup_orders" ADD CONSTRAINT "topup_orders_pending_transfer_id_ledger_transfers_id_fk" FOREIGN KEY ("pending_transfer_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "events_held" ON "events" USING btree ("card_number","application") WHERE "events"."posting_status" = 'held';--> statement-breakpoint
CREATE INDEX "events_at" ON "events" USING brin ("at");--> statement-breakpoint
CREATE INDEX "quarantine_device" ON "quarantine" USING btree ("device_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "quarantine_upload" ON "quarantine" USING btree ("device_id","bytes_sha256");--> statement-breakpoint
CREATE INDEX "ledger_transfers_debit" ON "ledger_transfers" USING btree ("debit_account_id","at");--> statement-breakpoint
CREATE INDEX "ledger_transfers_credit" ON "ledger_transfers" USING btree ("credit_account_id","at");--> statement-breakpoint
CREATE INDEX "reconciliation_exceptions_card" ON "reconciliation_exceptions" USING btree ("card_number");--> statement-breakpoint
CREATE INDEX "reconciliation_exceptions_at" ON "reconciliation_exceptions" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "list_entries_live" ON "list_entries" USING btree ("kind","entry_key") WHERE "list_entries"."removed_version" is null;
CREATE TABLE "school_closures" (
	"organisation_id" text NOT NULL,
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "school_closures_organisation_id_day_pk" PRIMARY KEY("organisation_id","day"),
	CONSTRAINT "school_closures_reason_length" CHECK (char_length("school_closures"."reason") between 1 and 200)
);
--> statement-breakpoint
CREATE TABLE "school_schedules" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"starts_at_local" text NOT NULL,
	"late_after_minutes" integer NOT NULL,
	"ends_at_local" text NOT NULL,
	"school_weekdays" smallint[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "school_schedules_starts_hh_mm" CHECK ("school_schedules"."starts_at_local" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
	CONSTRAINT "school_schedules_ends_hh_mm" CHECK ("school_schedules"."ends_at_local" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
	CONSTRAINT "school_schedules_late_before_end" CHECK ((substr("school_schedules"."starts_at_local", 1, 2)::int * 60 + substr("school_schedules"."starts_at_local", 4, 2)::int) + "school_schedules"."late_after_minutes" < (substr("school_schedules"."ends_at_local", 1, 2)::int * 60 + substr("school_schedules"."ends_at_local", 4, 2)::int)),
	CONSTRAINT "school_schedules_late_after_range" CHECK ("school_schedules"."late_after_minutes" between 0 and 180),
	CONSTRAINT "school_schedules_weekdays_valid" CHECK (cardinality("school_schedules"."school_weekdays") between 1 and 7 and "school_schedules"."school_weekdays" <@ ARRAY[1,2,3,4,5,6,7]::smallint[])
);
--> statement-breakpoint
ALTER TABLE "school_closures" ADD CONSTRAINT "school_closures_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_schedules" ADD CONSTRAINT "school_schedules_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;
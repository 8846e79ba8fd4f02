CREATE TABLE `envelopes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` integer NOT NULL,
	`endpoint` text NOT NULL,
	`project_id` integer NOT NULL,
	`public_key` text,
	`event_id` text,
	`item_types` text NOT NULL,
	`main_type` text NOT NULL,
	`platform` text,
	`sdk_name` text,
	`sdk_version` text,
	`trace_id` text,
	`release` text,
	`environment` text,
	`title` text,
	`level` text,
	`event_ts` integer,
	`size` integer NOT NULL,
	`request_meta` text NOT NULL,
	`body` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `envelopes_main_type_idx` ON `envelopes` (`main_type`);--> statement-breakpoint
CREATE INDEX `envelopes_platform_idx` ON `envelopes` (`platform`);--> statement-breakpoint
CREATE INDEX `envelopes_project_idx` ON `envelopes` (`project_id`);--> statement-breakpoint
CREATE INDEX `envelopes_trace_idx` ON `envelopes` (`trace_id`);--> statement-breakpoint
CREATE INDEX `envelopes_event_id_idx` ON `envelopes` (`event_id`);
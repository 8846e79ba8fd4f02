CREATE TABLE `envelope_items` (
	`envelope_id` integer NOT NULL,
	`position` integer NOT NULL,
	`type` text NOT NULL,
	`length` integer NOT NULL,
	`content_type` text,
	`filename` text,
	`attachment_type` text,
	`ids` text,
	`known` integer NOT NULL,
	PRIMARY KEY(`envelope_id`, `position`),
	FOREIGN KEY (`envelope_id`) REFERENCES `envelopes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `envelope_items_type_idx` ON `envelope_items` (`type`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`envelope_id` integer,
	`created_at` integer NOT NULL,
	`project_id` integer NOT NULL,
	`upstream` text NOT NULL,
	`categories` text NOT NULL,
	`body` blob,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`project_id`,`id`);--> statement-breakpoint
CREATE TABLE `replay_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`envelope_id` integer NOT NULL,
	`destination` text NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`old_event_id` text,
	`new_event_id` text,
	`new_trace_id` text,
	FOREIGN KEY (`run_id`) REFERENCES `replay_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `replay_outcomes_run_idx` ON `replay_outcomes` (`run_id`);--> statement-breakpoint
CREATE TABLE `replay_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`options` text NOT NULL,
	`selected` integer DEFAULT 0 NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`accepted` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`rate_limited` integer DEFAULT 0 NOT NULL,
	`by_status` text NOT NULL,
	`error` text
);
--> statement-breakpoint
ALTER TABLE `envelopes` ADD `body_encoding` text DEFAULT 'identity' NOT NULL;
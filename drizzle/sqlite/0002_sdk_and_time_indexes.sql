CREATE INDEX `envelopes_sdk_idx` ON `envelopes` (`sdk_name`);--> statement-breakpoint
CREATE INDEX `envelopes_received_idx` ON `envelopes` (`received_at`);
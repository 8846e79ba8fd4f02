CREATE TABLE `store_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `origin` text;--> statement-breakpoint
-- A random id per database: what Undertakers compare to tell their own database from another's
-- (host name and path can repeat across containers and cloned machines).
INSERT INTO `store_meta` (`key`, `value`) VALUES ('store_id', lower(hex(randomblob(8))));

ALTER TABLE `sites` ADD `retention_days` integer DEFAULT 400 NOT NULL;--> statement-breakpoint
ALTER TABLE `sites` ADD `retention_cursor` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `retention_done_at` integer;
CREATE TABLE `site_fences` (
	`site_id` text PRIMARY KEY NOT NULL,
	`fenced_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `sites` ADD `shard` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sites` ADD `move_to` integer;--> statement-breakpoint
ALTER TABLE `sites` ADD `move_state` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `move_cursor` text;
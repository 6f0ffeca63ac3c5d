CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`model` text NOT NULL,
	`trigger_id` text NOT NULL,
	`crossing` integer NOT NULL,
	`webhook` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` integer,
	`claimed_until` integer,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_crossing` ON `alerts` (`lead_id`,`model`,`trigger_id`,`crossing`);--> statement-breakpoint
CREATE INDEX `alerts_due` ON `alerts` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `alerts_site` ON `alerts` (`site_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `co_views` (
	`site_id` text NOT NULL,
	`a` text NOT NULL,
	`b` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `a`, `b`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `conversions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`value` real,
	`ts` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversions_lead` ON `conversions` (`lead_id`);--> statement-breakpoint
CREATE INDEX `conversions_site_ts` ON `conversions` (`site_id`,`ts`);--> statement-breakpoint
CREATE TABLE `events` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`lead_id` text NOT NULL,
	`n` integer NOT NULL,
	`visitor_id` text,
	`session_id` text,
	`type` text NOT NULL,
	`name` text,
	`ts` integer NOT NULL,
	`url` text,
	`path` text,
	`ref` text,
	`title` text,
	`props` text,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `events_lead_n` ON `events` (`lead_id`,`n`);--> statement-breakpoint
CREATE TABLE `lead_scores` (
	`lead_id` text NOT NULL,
	`model` text NOT NULL,
	`site_id` text NOT NULL,
	`model_version` integer NOT NULL,
	`score` real NOT NULL,
	`fit` real NOT NULL,
	`interest` real NOT NULL,
	`tier` text NOT NULL,
	`code` integer NOT NULL,
	`readiness` integer NOT NULL,
	`state` text NOT NULL,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`lead_id`, `model`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `lead_scores_rank` ON `lead_scores` (`site_id`,`model`,`score`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`email` text,
	`name` text,
	`phone` text,
	`traits` text DEFAULT '{}' NOT NULL,
	`country` text,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`event_count` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`converted_at` integer,
	`conversion_value` real
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leads_site_email` ON `leads` (`site_id`,`email`);--> statement-breakpoint
CREATE TABLE `model_versions` (
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`document` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `name`, `version`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `models` (
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`position` integer NOT NULL,
	`document` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`rescore_cursor` text,
	`rescore_done` integer DEFAULT 0 NOT NULL,
	`rescore_total` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `name`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `products` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text,
	`category` text,
	`price` real,
	`url` text,
	`image` text,
	`views` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `products_popular` ON `products` (`site_id`,`views`);--> statement-breakpoint
CREATE TABLE `promo_codes` (
	`site_id` text NOT NULL,
	`model` text NOT NULL,
	`promo_id` text NOT NULL,
	`code` text NOT NULL,
	`lead_id` text,
	`assigned_at` integer,
	PRIMARY KEY(`site_id`, `model`, `promo_id`, `code`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `promo_codes_lead` ON `promo_codes` (`site_id`,`model`,`promo_id`,`lead_id`) WHERE lead_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `sessions` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`lead_id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`referrer` text,
	`landing` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`country` text,
	`events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `sessions_lead` ON `sessions` (`lead_id`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`secret_hash` text NOT NULL,
	`webhook_secret` text NOT NULL,
	`origins` text NOT NULL,
	`rate_visitor_per_min` integer DEFAULT 120 NOT NULL,
	`rate_site_per_min` integer DEFAULT 60000 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_public_key_unique` ON `sites` (`public_key`);--> statement-breakpoint
CREATE TABLE `visitors` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`lead_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `visitors_lead` ON `visitors` (`lead_id`);
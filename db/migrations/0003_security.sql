CREATE TABLE `daily_salts` (
	`day` integer PRIMARY KEY NOT NULL,
	`salt` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dashboard_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`csrf` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dashboard_sessions_site` ON `dashboard_sessions` (`site_id`);--> statement-breakpoint
CREATE TABLE `promo_grants` (
	`site_id` text NOT NULL,
	`model` text NOT NULL,
	`promo_id` text NOT NULL,
	`client` text NOT NULL,
	`day` integer NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `model`, `promo_id`, `client`, `day`)
);
--> statement-breakpoint
ALTER TABLE `leads` ADD `identity` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `claimed_email` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `trait_sources` text;--> statement-breakpoint
CREATE INDEX `leads_site_claim` ON `leads` (`site_id`,`claimed_email`) WHERE claimed_email IS NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `imported` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `pages` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `webhook_secret_prev` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `webhook_secret_prev_until` integer;--> statement-breakpoint
ALTER TABLE `sites` ADD `identity_secret` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `catalog_hosts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `sites` ADD `keep_params` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
UPDATE `sites` SET `identity_secret` = 'idsec_' || lower(hex(randomblob(32))) WHERE `identity_secret` IS NULL;--> statement-breakpoint
UPDATE `leads` SET `identity` = CASE WHEN EXISTS (SELECT 1 FROM `visitors` v WHERE v.`lead_id` = `leads`.`id`) THEN 'claimed' ELSE 'verified' END WHERE `email` IS NOT NULL;

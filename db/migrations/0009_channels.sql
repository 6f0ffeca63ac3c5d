-- Issue 14: alert channels and the daily digest.
-- alerts.channel: the trigger's channel when the alert fired, as JSON ({"channel":"email","to":[…],"format":"adf"},
-- {"channel":"slack"}, …); NULL for the signed webhook (every row written before this migration).
ALTER TABLE `alerts` ADD `channel` text;--> statement-breakpoint
-- One row per site, model and local day: the claim that makes the cron send a digest once a day even
-- when several isolates run it (read and written in the directory, the first database).
CREATE TABLE `digest_claims` (
	`site_id` text NOT NULL,
	`model` text NOT NULL,
	`day` text NOT NULL,
	`claimed_until` integer,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	PRIMARY KEY(`site_id`, `model`, `day`)
);

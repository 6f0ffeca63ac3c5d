-- Issue 15: the events that count as conversions, per site (JSON object
-- {"<event name>": {"valueProp": "<prop>"}}; {} = none), editable with
-- PATCH /v1/admin/sites/:id.
ALTER TABLE `sites` ADD `conversion_events` text DEFAULT '{}' NOT NULL;

-- Bulk import (issue 13): a lead may carry the id it has in the site's CRM; an
-- import addresses it by that id as by its email (one id, one lead per site).
ALTER TABLE `leads` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `leads_site_external` ON `leads` (`site_id`,`external_id`) WHERE external_id IS NOT NULL;

-- Issue 12: the fence of a site moving away is enforced by the database, for every
-- writer. Until now only guarded batches (ingest, import, rescoring) checked it, so
-- an admin write (a catalog upload, an erasure, a model change) or a promo grant that
-- reached the source while the site switched shards could land after the catch-up
-- had copied its table and be lost with the source's rows. Now any insert, update
-- or delete of a fenced site's row aborts its whole batch; the caller learns why
-- from data (the fence row), never from this message.
--
-- `cleaning` opens deletes only: the mover empties the source (shards/move.ts clean)
-- once every reader has the new shard; inserts and updates stay refused for good.
ALTER TABLE `site_fences` ADD `cleaning` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `fence_models_insert` BEFORE INSERT ON `models` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_models_update` BEFORE UPDATE ON `models` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_models_delete` BEFORE DELETE ON `models` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_model_versions_insert` BEFORE INSERT ON `model_versions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_model_versions_update` BEFORE UPDATE ON `model_versions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_model_versions_delete` BEFORE DELETE ON `model_versions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_leads_insert` BEFORE INSERT ON `leads` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_leads_update` BEFORE UPDATE ON `leads` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_leads_delete` BEFORE DELETE ON `leads` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_visitors_insert` BEFORE INSERT ON `visitors` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_visitors_update` BEFORE UPDATE ON `visitors` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_visitors_delete` BEFORE DELETE ON `visitors` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_sessions_insert` BEFORE INSERT ON `sessions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_sessions_update` BEFORE UPDATE ON `sessions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_sessions_delete` BEFORE DELETE ON `sessions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_events_insert` BEFORE INSERT ON `events` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_events_update` BEFORE UPDATE ON `events` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_events_delete` BEFORE DELETE ON `events` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_lead_scores_insert` BEFORE INSERT ON `lead_scores` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_lead_scores_update` BEFORE UPDATE ON `lead_scores` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_lead_scores_delete` BEFORE DELETE ON `lead_scores` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_alerts_insert` BEFORE INSERT ON `alerts` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_alerts_update` BEFORE UPDATE ON `alerts` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_alerts_delete` BEFORE DELETE ON `alerts` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_promo_codes_insert` BEFORE INSERT ON `promo_codes` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_promo_codes_update` BEFORE UPDATE ON `promo_codes` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_promo_codes_delete` BEFORE DELETE ON `promo_codes` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_promo_grants_insert` BEFORE INSERT ON `promo_grants` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_promo_grants_update` BEFORE UPDATE ON `promo_grants` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_promo_grants_delete` BEFORE DELETE ON `promo_grants` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_products_insert` BEFORE INSERT ON `products` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_products_update` BEFORE UPDATE ON `products` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_products_delete` BEFORE DELETE ON `products` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_co_views_insert` BEFORE INSERT ON `co_views` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_co_views_update` BEFORE UPDATE ON `co_views` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_co_views_delete` BEFORE DELETE ON `co_views` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_conversions_insert` BEFORE INSERT ON `conversions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = NEW.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_conversions_update` BEFORE UPDATE ON `conversions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;
--> statement-breakpoint
CREATE TRIGGER `fence_conversions_delete` BEFORE DELETE ON `conversions` WHEN EXISTS (SELECT 1 FROM site_fences WHERE site_id = OLD.site_id AND cleaning = 0) BEGIN SELECT RAISE(ABORT, 'site_fenced'); END;

-- Issue 13 part 3: every lead keeps its first touch (where it came from), set by the ingest
-- planner from the lead's first page view or session start, only while empty: later visits,
-- from any browser, add evidence but never overwrite it.
ALTER TABLE leads ADD COLUMN first_touch_at INTEGER;
ALTER TABLE leads ADD COLUMN first_referrer TEXT;
ALTER TABLE leads ADD COLUMN first_utm_source TEXT;
ALTER TABLE leads ADD COLUMN first_utm_medium TEXT;
ALTER TABLE leads ADD COLUMN first_utm_campaign TEXT;
ALTER TABLE leads ADD COLUMN first_landing TEXT;

-- Issue 12 part 4: the lead row carries what its current session gained since
-- that session's row was last written (JSON: id, lastSeen, events, pages, and
-- what the row is known to hold). A beacon in the same session then writes
-- only the lead row it writes anyway, not the session row too.
ALTER TABLE `leads` ADD `live_session` text;
--> statement-breakpoint
-- No query searches lead_scores by score (the lead list sorts the site's leads,
-- joined by primary key), and each score change paid a row write for this index.
DROP INDEX `lead_scores_rank`;

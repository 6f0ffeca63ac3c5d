// A session as it is now: its row plus what its lead's live session gained
// since the row was written (leads.live_session, see ingest/live-session.ts).
// Every reader of a session's last seen, event count or pages goes through
// these fragments; `s` is the sessions row, `l` its lead (joined on s.lead_id).

/** The lead's delta when it is this session's, else NULL. */
const delta = "(CASE WHEN l.live_session->>'$.id' = s.id THEN l.live_session END)";

export const liveLastSeen = `max(s.last_seen, coalesce(${delta}->>'$.lastSeen', 0))`;
export const liveEvents = `(s.events + coalesce(${delta}->>'$.events', 0))`;
export const livePageCount = `(SELECT count(*) FROM (SELECT value FROM json_each(coalesce(s.pages, '[]')) UNION SELECT value FROM json_each(coalesce(${delta}->'$.pages', '[]'))))`;

// The lead's live session: what its current session gained since that
// session's row was last written, carried on the lead row (leads.live_session).
// A visit is many beacons in one session; each one writes the lead row anyway
// (its version, last seen, event count), so a beacon that only adds to the
// live session writes no session row: one D1 row write less per request. The
// session row is written when a session starts, when its products change, when
// the beacon brings what only the row can take (referrer, UTM, an earlier
// start, a first landing page), and when another session becomes live (the
// delta is flushed into the old session's row then).
//
// Pure: the planner (plan.ts) decides with it; readers of sessions add the
// delta in SQL (store/leads/live.ts).
import type { SessionTouch } from "./normalize";

export interface LiveSession {
  id: string;
  /** What the session row is known to hold: a start no later than this, and whether it has a landing page. */
  started: number;
  landing: boolean;
  /** Gained since the row was written: the latest event's time (0: none), events, distinct pages. */
  lastSeen: number;
  events: number;
  pages: string[];
}

export interface SessionPlan {
  /** Session rows to write (upserts), in order; a flushed delta comes as a touch of the old live session. */
  writes: SessionTouch[];
  /** The lead's live session after this request. */
  live: LiveSession | null;
}

/** Distinct pages kept per session (normalize.ts keeps as many per touch). */
const MAX_PAGES = 20;

export function parseLive(json: string | null | undefined): LiveSession | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<LiveSession> | null;
    return v && typeof v.id === "string" ? { id: v.id, started: v.started ?? 0, landing: v.landing === true, lastSeen: v.lastSeen ?? 0, events: v.events ?? 0, pages: v.pages ?? [] } : null;
  } catch {
    return null;
  }
}

/**
 * The session writes of a request and the lead's live session after it.
 * `ownsRow(id)`: whether a row write is needed for that session whatever the
 * delta says (its products changed).
 */
export function planSessions(touches: SessionTouch[], live: LiveSession | null, mustWrite: (id: string) => boolean): SessionPlan {
  if (touches.length === 0) return { writes: [], live };
  const only = touches.length === 1 ? touches[0]! : null;
  if (only && live && only.id === live.id && !mustWrite(only.id) && addsOnly(only, live)) return { writes: [], live: accumulate(live, only) };

  const writes = touches.map((t) => (live && t.id === live.id ? withDelta(t, live) : t));
  if (live && live.events > 0 && !touches.some((t) => t.id === live.id)) writes.unshift(flushOf(live));
  // The session of the latest event becomes live, with nothing gained yet.
  const last = touches.reduce((a, b) => (b.lastSeen >= a.lastSeen ? b : a));
  const known = live && live.id === last.id ? live : null;
  const next: LiveSession = { id: last.id, started: Math.min(last.startedAt, known?.started ?? Infinity), landing: last.landing !== null || known?.landing === true, lastSeen: 0, events: 0, pages: [] };
  return { writes, live: next };
}

/** The touch of a lead's live session that writes its delta into the row (before a merge or a switch). */
export function flushOf(live: LiveSession): SessionTouch {
  return {
    id: live.id,
    startedAt: live.started,
    lastSeen: live.lastSeen,
    referrer: null,
    landing: null,
    utm: { utm_source: null, utm_medium: null, utm_campaign: null, utm_term: null, utm_content: null },
    events: live.events,
    pages: live.pages,
  };
}

/** Whether the touch only adds what the delta can carry: nothing the row must take itself. */
function addsOnly(t: SessionTouch, live: LiveSession): boolean {
  return t.startedAt >= live.started && (t.landing === null || live.landing) && t.referrer === null && Object.values(t.utm).every((v) => v === null);
}

function accumulate(live: LiveSession, t: SessionTouch): LiveSession {
  return { ...live, lastSeen: Math.max(live.lastSeen, t.lastSeen), events: live.events + t.events, pages: union(live.pages, t.pages) };
}

function withDelta(t: SessionTouch, live: LiveSession): SessionTouch {
  return { ...t, lastSeen: Math.max(t.lastSeen, live.lastSeen), events: t.events + live.events, pages: union(live.pages, t.pages) };
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].slice(0, MAX_PAGES);

// SQL for the ingest path. Statements are built here and run by the caller in
// exactly two batches: one read batch (RT1) and one write batch (RT2), which D1
// runs as one transaction, so a request is either wholly written or not at all.
import type { LeadState, ScoreResult } from "../scoring/engine";
import type { StoredEvent, SessionTouch } from "./normalize";

export interface LeadRow {
  id: string;
  site_id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  traits: string;
  country: string | null;
  first_seen: number;
  last_seen: number;
  event_count: number;
  version: number;
  identity: string | null;
  claimed_email: string | null;
  trait_sources: string | null;
}

export interface ModelRow {
  name: string;
  version: number;
  position: number;
  document: string;
}

/** A lead_scores row as the ingest path reads it: the engine state and the figures derived from it. */
export interface ScoreRow {
  lead_id: string;
  model: string;
  model_version: number;
  state: string;
  score: number;
  fit: number;
  interest: number;
  tier: string;
  code: number;
  readiness: number;
}

export interface EventRow {
  id: string;
  lead_id: string;
  type: StoredEvent["type"];
  name: string | null;
  ts: number;
  url: string | null;
  path: string | null;
  session_id: string | null;
  props: string | null;
}

const LEAD_COLS =
  "l.id, l.site_id, l.email, l.name, l.phone, l.traits, l.country, l.first_seen, l.last_seen, l.event_count, l.version, l.identity, l.claimed_email, l.trait_sources";

export const reads = {
  leadByVisitor: (db: D1Database, siteId: string, visitor: string) =>
    db
      .prepare(`SELECT ${LEAD_COLS} FROM visitors v JOIN leads l ON l.id = v.lead_id WHERE v.site_id = ?1 AND v.id = ?2`)
      .bind(siteId, visitor),
  leadByEmail: (db: D1Database, siteId: string, email: string) =>
    db.prepare(`SELECT ${LEAD_COLS} FROM leads l WHERE l.site_id = ?1 AND l.email = ?2`).bind(siteId, email),
  models: (db: D1Database, siteId: string) =>
    db.prepare("SELECT name, version, position, document FROM models WHERE site_id = ?1 ORDER BY position").bind(siteId),
  /**
   * Score states of the leads a request may touch (by visitor and by email).
   * Two `=` lookups joined by UNION, not `IN (…) OR IN (…)`: SQLite answers an
   * OR of subqueries with a full scan, which made every request O(leads).
   */
  scores: (db: D1Database, siteId: string, visitor: string | null, email: string | null) =>
    db
      .prepare(
        `SELECT lead_id, model, model_version, state, score, fit, interest, tier, code, readiness FROM lead_scores
           WHERE lead_id = (SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2)
         UNION
         SELECT lead_id, model, model_version, state, score, fit, interest, tier, code, readiness FROM lead_scores
           WHERE lead_id = (SELECT id FROM leads WHERE site_id = ?1 AND email = ?3)`,
      )
      .bind(siteId, visitor, email),
  existingEvents: (db: D1Database, siteId: string, ids: string[]) =>
    db
      .prepare("SELECT id FROM events WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))")
      .bind(siteId, JSON.stringify(ids)),
  /** Full history in arrival order, the target's events before a merged lead's (as the merge numbers them). */
  history: (db: D1Database, target: string, merged: string | null) =>
    db
      .prepare(
        `SELECT id, lead_id, type, name, ts, url, path, session_id, props FROM events
         WHERE lead_id = ?1 OR lead_id = ?2 ORDER BY lead_id = ?1 DESC, n`,
      )
      .bind(target, merged),
};

/** The message of the error a failed guard raises; the caller retries on it. */
export const CONFLICT_MARK = "malformed JSON";

/**
 * Optimistic concurrency guard of every write batch: the batch fails as a whole
 * (nothing is written) unless each lead still has the version this request
 * read, the visitor still points at the lead it read, and the site's models are
 * the versions it scored with. Resent or concurrently stored events are refused
 * by the events primary key (UNIQUE constraint). `json('conflict')` is the way
 * to raise an error from plain SQL without writing anything.
 */
export interface GuardSpec {
  siteId: string;
  expected: { id: string; version: number | null }[];
  visitor: { id: string; lead: string | null } | null;
  modelsSignature: string | null;
}

/** The guard's condition, its parameters numbered from ?{at+1}. */
function guardCondition(at: number): string {
  const p = (n: number) => `?${at + n}`;
  return `(SELECT count(*) FROM json_each(${p(1)}) x
            WHERE (SELECT version FROM leads WHERE id = x.value->>'$.id') IS NOT x.value->>'$.v') = 0
         AND (${p(3)} IS NULL OR (SELECT lead_id FROM visitors WHERE site_id = ${p(2)} AND id = ${p(3)}) IS ${p(4)})
         AND (${p(5)} IS NULL OR coalesce((SELECT group_concat(s, ',') FROM (SELECT name || ':' || version AS s FROM models WHERE site_id = ${p(2)} ORDER BY position)), '') = ${p(5)})`;
}

function guardParams(g: GuardSpec): unknown[] {
  return [JSON.stringify(g.expected.map((e) => ({ id: e.id, v: e.version }))), g.siteId, g.visitor?.id ?? null, g.visitor?.lead ?? null, g.modelsSignature];
}

/** The guard on its own, for batches that insert no event (the guard then rides on the insert). */
export function guard(db: D1Database, g: GuardSpec) {
  return db.prepare(`SELECT json(CASE WHEN ${guardCondition(0)} THEN '1' ELSE 'conflict' END) AS ok`).bind(...guardParams(g));
}

export interface ScoreWrite {
  lead: string;
  model: string;
  version: number;
  score: number;
  fit: number;
  interest: number;
  tier: string;
  code: number;
  readiness: number;
  /** The engine state, as JSON text. */
  state: string;
}

export function scoreWrite(lead: string, model: string, version: number, r: ScoreResult, state: LeadState): ScoreWrite {
  return {
    lead,
    model,
    version,
    score: r.score,
    fit: r.fit,
    interest: r.interest,
    tier: r.tier,
    code: r.code,
    readiness: r.readiness,
    state: JSON.stringify(state),
  };
}

export function toScoreRow(w: ScoreWrite): ScoreRow {
  return { lead_id: w.lead, model: w.model, model_version: w.version, state: w.state, score: w.score, fit: w.fit, interest: w.interest, tier: w.tier, code: w.code, readiness: w.readiness };
}

export interface LeadWrite {
  id: string;
  siteId: string;
  email: string | null;
  identity: string | null;
  claimedEmail: string | null;
  /** JSON of the trait sources, or null when every trait came from a browser. */
  traitSources: string | null;
  name: string | null;
  phone: string | null;
  traits: string;
  country: string | null;
  seenFrom: number;
  seenTo: number;
  newEvents: number;
}

export const writes = {
  insertLead: (db: D1Database, l: LeadWrite) =>
    db
      .prepare(
        `INSERT INTO leads (id, site_id, email, name, phone, traits, country, first_seen, last_seen, event_count, version, identity, claimed_email, trait_sources)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13)`,
      )
      .bind(l.id, l.siteId, l.email, l.name, l.phone, l.traits, l.country, l.seenFrom, l.seenTo, l.newEvents, l.identity, l.claimedEmail, l.traitSources),
  // Only the columns that changed are assigned: SQLite rewrites an index entry
  // whenever an indexed column is assigned, and D1 bills each as a row write.
  updateLead: (db: D1Database, l: LeadWrite, before: LeadRow) => {
    const sets = ["first_seen = min(first_seen, ?2)", "last_seen = max(last_seen, ?3)", "event_count = event_count + ?4", "version = version + 1"];
    const args: unknown[] = [l.id, l.seenFrom, l.seenTo, l.newEvents];
    const set = (col: string, value: unknown, old: unknown) => {
      if (value === old) return;
      args.push(value);
      sets.push(`${col} = ?${args.length}`);
    };
    set("email", l.email, before.email);
    set("name", l.name, before.name);
    set("phone", l.phone, before.phone);
    set("traits", l.traits, before.traits);
    set("identity", l.identity, before.identity);
    set("claimed_email", l.claimedEmail, before.claimed_email);
    set("trait_sources", l.traitSources, before.trait_sources);
    if (l.country) set("country", l.country, before.country);
    return db.prepare(`UPDATE leads SET ${sets.join(", ")} WHERE id = ?1`).bind(...args);
  },
  mapVisitor: (db: D1Database, siteId: string, visitor: string, leadId: string, now: number) =>
    db
      .prepare(
        `INSERT INTO visitors (site_id, id, lead_id, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site_id, id) DO UPDATE SET lead_id = excluded.lead_id`,
      )
      .bind(siteId, visitor, leadId, now),
  touchSession: (db: D1Database, siteId: string, leadId: string, visitor: string | null, s: SessionTouch, country: string | null, products: string[] | null) =>
    db
      .prepare(
        `INSERT INTO sessions (site_id, id, lead_id, visitor_id, started_at, last_seen, referrer, landing,
           utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, events, products, pages)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (site_id, id) DO UPDATE SET
           started_at = min(started_at, excluded.started_at), last_seen = max(last_seen, excluded.last_seen),
           referrer = coalesce(referrer, excluded.referrer), landing = coalesce(landing, excluded.landing),
           utm_source = coalesce(utm_source, excluded.utm_source), utm_medium = coalesce(utm_medium, excluded.utm_medium),
           utm_campaign = coalesce(utm_campaign, excluded.utm_campaign), utm_term = coalesce(utm_term, excluded.utm_term),
           utm_content = coalesce(utm_content, excluded.utm_content), events = events + excluded.events,
           products = coalesce(excluded.products, products),
           pages = CASE WHEN excluded.pages IS NULL THEN pages ELSE (
             SELECT json_group_array(value) FROM (SELECT value FROM (
               SELECT value FROM json_each(coalesce(sessions.pages, '[]')) UNION SELECT value FROM json_each(excluded.pages)
             ) LIMIT 20)) END`,
      )
      .bind(
        siteId, s.id, leadId, visitor ?? "", s.startedAt, s.lastSeen, s.referrer, s.landing,
        s.utm.utm_source, s.utm.utm_medium, s.utm.utm_campaign, s.utm.utm_term, s.utm.utm_content, country, s.events,
        products ? JSON.stringify(products) : null, s.pages.length ? JSON.stringify(s.pages) : null,
      ),
  /** All of a request's events in one statement: one bound JSON array, whatever the count. */
  /**
   * `after`: the lead's last event number; the batch's events follow it in
   * order. With `g`, the guard is evaluated by this statement (one statement
   * less per request), which must then come first in its batch, before any
   * write changes what the guard reads.
   */
  insertEvents: (db: D1Database, siteId: string, leadId: string, visitor: string | null, events: StoredEvent[], after: number, now: number, g?: GuardSpec) =>
    db
      .prepare(
        `INSERT INTO events (site_id, id, lead_id, n, visitor_id, session_id, type, name, ts, url, path, ref, title, props, received_at)
         SELECT ?1, e->>'$.id', ?2, ?6 + k + 1, ?3, e->>'$.sessionId', e->>'$.type', e->>'$.name', e->>'$.ts',
                e->>'$.url', e->>'$.path', e->>'$.ref', e->>'$.title', e->'$.props', ?4
         FROM (SELECT key AS k, value AS e FROM json_each(?5))
         ${g ? `WHERE json(CASE WHEN ${guardCondition(6)} THEN '1' ELSE 'conflict' END) IS NOT NULL` : ""}`,
      )
      .bind(siteId, leadId, visitor, now, JSON.stringify(events), after, ...(g ? guardParams(g) : [])),
  /** Score rows of many leads or models in one statement (one bound JSON array). */
  upsertScores: (db: D1Database, siteId: string, now: number, rows: ScoreWrite[]) =>
    db
      .prepare(
        `INSERT INTO lead_scores (lead_id, model, site_id, model_version, score, fit, interest, tier, code, readiness, state, scored_at)
         SELECT x->>'$.lead', x->>'$.model', ?1, x->>'$.version', x->>'$.score', x->>'$.fit', x->>'$.interest',
                x->>'$.tier', x->>'$.code', x->>'$.readiness', x->>'$.state', ?2
         FROM (SELECT value AS x FROM json_each(?3)) WHERE true
         ON CONFLICT (lead_id, model) DO UPDATE SET model_version = excluded.model_version, score = excluded.score,
           fit = excluded.fit, interest = excluded.interest, tier = excluded.tier, code = excluded.code,
           readiness = excluded.readiness, state = excluded.state, scored_at = excluded.scored_at`,
      )
      .bind(siteId, now, JSON.stringify(rows)),
  /** Moves everything of an anonymous lead into the lead that owns the email it just identified with. */
  /** `offset`: the target's event count; the merged events are numbered after its own. */
  mergeLead: (db: D1Database, from: string, into: string, offset: number) => [
    db.prepare("UPDATE events SET lead_id = ?2, n = n + ?3 WHERE lead_id = ?1").bind(from, into, offset),
    db.prepare("UPDATE sessions SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
    db.prepare("UPDATE visitors SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
    db.prepare("UPDATE alerts SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
    // Codes move with the lead; where the target already holds a code of the
    // same promo (one per lead), the merged lead's code is released to the pool.
    db.prepare("UPDATE OR IGNORE promo_codes SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
    db.prepare("UPDATE promo_codes SET lead_id = NULL, assigned_at = NULL WHERE lead_id = ?1").bind(from),
    db.prepare("UPDATE conversions SET lead_id = ?2 WHERE lead_id = ?1").bind(from, into),
    db.prepare("DELETE FROM lead_scores WHERE lead_id = ?1").bind(from),
    db.prepare("DELETE FROM leads WHERE id = ?1").bind(from),
  ],
  /**
   * A lead that held an email only by a browser's claim gives it up to verified
   * identity: it keeps its visitors and events, and the email becomes its claim.
   */
  evictClaim: (db: D1Database, lead: LeadRow) =>
    db
      .prepare("UPDATE leads SET email = NULL, identity = NULL, claimed_email = ?2, version = version + 1 WHERE id = ?1")
      .bind(lead.id, lead.email),
  insertAlert: (
    db: D1Database,
    a: { id: string; siteId: string; leadId: string; model: string; triggerId: string; crossing: number; webhook: string | null; payload: string; now: number },
  ) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO alerts (id, site_id, lead_id, model, trigger_id, crossing, webhook, status, attempts, next_attempt_at, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?9, ?8, ?9)`,
      )
      .bind(a.id, a.siteId, a.leadId, a.model, a.triggerId, a.crossing, a.webhook, a.payload, a.now),
};

// Promo codes (SPEC §6): a lead whose promo condition holds gets one code from
// the promo's list; the same lead always gets the same code back; no code goes
// to two leads. All three are properties of single SQL statements (D1 runs each
// atomically), not of application logic that could interleave:
// - allocation is one UPDATE that picks a free code and checks the lead has none;
// - a partial unique index (site, model, promo, lead) makes a second code for
//   the same lead impossible even if two allocations raced.
//
// A code list is a shared resource that a browser must not drain: visitor ids
// are free, so every new id is a new lead. Browser allocations are therefore
// also capped per connecting client (its salted daily hash, abuse/client.ts),
// promo and day, and a promo may require evidence of a real visit (a session
// of some length, some distinct pages). Both are conditions of the same UPDATE,
// and the grant counter is written in the same batch, so concurrent requests
// cannot overshoot a cap by more than the requests racing in one instant.
import type { Promo } from "../scoring/model";
import { dayOf } from "../abuse/client";

export interface HeldCode {
  lead_id: string;
  model: string;
  promo_id: string;
  code: string;
}

/** Who asks for a code: a browser (capped by client, evidence required) or the site's server (trusted). */
export type Requester = { kind: "server" } | { kind: "browser"; client: string | null };

export interface Allocation {
  model: string;
  promo: Promo;
}

// Parameters ?6.. of allocate/grant: client, day, cap, evidence seconds, evidence pages.
function guardParams(promo: Promo, who: Requester, now: number): unknown[] {
  const browser = who.kind === "browser";
  const client = browser ? who.client : null;
  const ev = browser ? promo.requires : null;
  return [client, dayOf(now), promo.perClientPerDay, ev ? ev.minSessionSeconds * 1000 : null, ev ? ev.minPages : null];
}

export const promoSql = {
  /** Codes of a model's promos become available (existing ones and their holders are kept). */
  addCodes: (db: D1Database, siteId: string, model: string, promoId: string, codes: string[]) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO promo_codes (site_id, model, promo_id, code)
         SELECT ?1, ?2, ?3, value FROM json_each(?4)`,
      )
      .bind(siteId, model, promoId, JSON.stringify(codes)),

  allocate: (db: D1Database, siteId: string, a: Allocation, leadId: string, now: number, who: Requester) =>
    db
      .prepare(
        `UPDATE promo_codes SET lead_id = ?4, assigned_at = ?5
         WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3
           AND code = (SELECT code FROM promo_codes WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3 AND lead_id IS NULL ORDER BY code LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM promo_codes WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3 AND lead_id = ?4)
           AND (?6 IS NULL OR coalesce((SELECT n FROM promo_grants WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3 AND client = ?6 AND day = ?7), 0) < ?8)
           AND (?9 IS NULL OR EXISTS (SELECT 1 FROM sessions WHERE lead_id = ?4 AND site_id = ?1
                 AND last_seen - started_at >= ?9 AND json_array_length(coalesce(pages, '[]')) >= ?10))`,
      )
      .bind(siteId, a.model, a.promo.id, leadId, now, ...guardParams(a.promo, who, now)),

  /** Counts a code this batch gave to the lead against the client's daily cap (runs after allocate). */
  grant: (db: D1Database, siteId: string, a: Allocation, leadId: string, now: number, who: Requester) =>
    db
      .prepare(
        `INSERT INTO promo_grants (site_id, model, promo_id, client, day, n)
         SELECT ?1, ?2, ?3, ?6, ?7, 1 WHERE ?6 IS NOT NULL
           AND EXISTS (SELECT 1 FROM promo_codes WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3 AND lead_id = ?4 AND assigned_at = ?5)
         ON CONFLICT (site_id, model, promo_id, client, day) DO UPDATE SET n = n + 1`,
      )
      .bind(siteId, a.model, a.promo.id, leadId, now, ...guardParams(a.promo, who, now).slice(0, 2)),

  heldBy: (db: D1Database, siteId: string, leadId: string) =>
    db.prepare("SELECT lead_id, model, promo_id, code FROM promo_codes WHERE site_id = ?1 AND lead_id = ?2").bind(siteId, leadId),

  /** Codes held by the lead(s) a request may touch, for RT1 (callers keep only their target's). */
  heldByVisitorOrEmail: (db: D1Database, siteId: string, visitor: string | null, email: string | null) =>
    db
      .prepare(
        `SELECT lead_id, model, promo_id, code FROM promo_codes WHERE site_id = ?1 AND lead_id = (SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2)
         UNION
         SELECT lead_id, model, promo_id, code FROM promo_codes WHERE site_id = ?1 AND lead_id = (SELECT id FROM leads WHERE site_id = ?1 AND email = ?3)`,
      )
      .bind(siteId, visitor, email),

  /** Grant counters of past days are no longer needed by any cap. */
  purgeGrants: (db: D1Database, now: number) => db.prepare("DELETE FROM promo_grants WHERE day < ?1").bind(dayOf(now) - 1),
};

/** Eligible promos (per model) the lead holds no code for yet: these get an allocation. */
export function toAllocate(eligible: { model: string; promos: Promo[] }[], held: HeldCode[], leadId: string): Allocation[] {
  const out: Allocation[] = [];
  for (const e of eligible)
    for (const p of e.promos)
      if (!held.some((h) => h.lead_id === leadId && h.model === e.model && h.promo_id === p.id)) out.push({ model: e.model, promo: p });
  return out;
}

/** The promos of a model whose condition holds (by id, as the engine reports them). */
export const holdingPromos = (promos: Promo[], ids: string[]) => promos.filter((p) => ids.includes(p.id));

/** The statements that allocate and count each allocation, in order. */
export function allocationStatements(db: D1Database, siteId: string, allocations: Allocation[], leadId: string, now: number, who: Requester): D1PreparedStatement[] {
  return allocations.flatMap((a) => [promoSql.allocate(db, siteId, a, leadId, now, who), promoSql.grant(db, siteId, a, leadId, now, who)]);
}

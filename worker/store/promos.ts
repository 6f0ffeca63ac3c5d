// Promo codes and their per-client grant counters. The guarantees of SPEC §6
// (one code per lead and promo, never a code to two leads, a client's daily
// cap) are properties of these single statements: see worker/promos/promos.ts.
import type { Promo } from "../scoring/model";
import type { LeadTableRow, PromoCodeRow } from "./rows";
import { dayOf } from "./sites";
import { liveLastSeen, livePageCount } from "./leads/live";

/** A code a lead holds. */
export type HeldCode = Pick<PromoCodeRow, "model" | "promo_id" | "code"> & { lead_id: NonNullable<PromoCodeRow["lead_id"]> };

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
           AND (?9 IS NULL OR EXISTS (SELECT 1 FROM sessions s JOIN leads l ON l.id = s.lead_id WHERE s.lead_id = ?4 AND s.site_id = ?1
                 AND ${liveLastSeen} - s.started_at >= ?9 AND ${livePageCount} >= ?10))`,
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
  // A site switching shards is skipped (its fence refuses the delete, which would fail the whole statement).
  purgeGrants: (db: D1Database, now: number) =>
    db.prepare("DELETE FROM promo_grants WHERE day < ?1 AND site_id NOT IN (SELECT site_id FROM site_fences WHERE cleaning = 0)").bind(dayOf(now) - 1),
};

/** Every code of a site with its holder, by model, promo and code. */
export type SiteCodeRow = Pick<PromoCodeRow, "model" | "promo_id" | "code" | "lead_id" | "assigned_at"> & Pick<LeadTableRow, "email" | "name">;

export async function codesOfSite(db: D1Database, siteId: string): Promise<SiteCodeRow[]> {
  const rows = await db
    .prepare(
      `SELECT p.model, p.promo_id, p.code, p.lead_id, p.assigned_at, l.email, l.name
       FROM promo_codes p LEFT JOIN leads l ON l.id = p.lead_id WHERE p.site_id = ?1 ORDER BY p.model, p.promo_id, p.code`,
    )
    .bind(siteId)
    .all<SiteCodeRow>();
  return rows.results;
}

/** A deleted model's codes, held ones included. */
export const deleteModelCodes = (db: D1Database, siteId: string, model: string) =>
  db.prepare("DELETE FROM promo_codes WHERE site_id = ?1 AND model = ?2").bind(siteId, model);

/**
 * An erased lead's codes stay given out, held by the tombstone `erased:<code>`
 * (unique per promo, as the partial unique index on lead_id requires).
 */
export const tombstoneLeadCodes = (db: D1Database, siteId: string, leadId: string) =>
  db.prepare("UPDATE promo_codes SET lead_id = 'erased:' || code WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId);

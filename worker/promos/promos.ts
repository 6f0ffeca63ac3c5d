// Promo codes (SPEC §6): a lead whose promo condition holds gets one code from
// the promo's list; the same lead always gets the same code back; no code goes
// to two leads. All three are properties of single SQL statements (D1 runs each
// atomically), not of application logic that could interleave:
// - allocation is one UPDATE that picks a free code and checks the lead has none;
// - a partial unique index (site, model, promo, lead) makes a second code for
//   the same lead impossible even if two allocations raced.

export interface HeldCode {
  model: string;
  promo_id: string;
  code: string;
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

  allocate: (db: D1Database, siteId: string, model: string, promoId: string, leadId: string, now: number) =>
    db
      .prepare(
        `UPDATE promo_codes SET lead_id = ?4, assigned_at = ?5
         WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3
           AND code = (SELECT code FROM promo_codes WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3 AND lead_id IS NULL ORDER BY code LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM promo_codes WHERE site_id = ?1 AND model = ?2 AND promo_id = ?3 AND lead_id = ?4)`,
      )
      .bind(siteId, model, promoId, leadId, now),

  heldBy: (db: D1Database, siteId: string, leadId: string) =>
    db.prepare("SELECT model, promo_id, code FROM promo_codes WHERE site_id = ?1 AND lead_id = ?2").bind(siteId, leadId),

  /** Codes held by the lead(s) a request may touch, for RT1. */
  heldByVisitorOrEmail: (db: D1Database, siteId: string, visitor: string | null, email: string | null) =>
    db
      .prepare(
        `SELECT model, promo_id, code FROM promo_codes WHERE site_id = ?1 AND lead_id = (SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2)
         UNION
         SELECT model, promo_id, code FROM promo_codes WHERE site_id = ?1 AND lead_id = (SELECT id FROM leads WHERE site_id = ?1 AND email = ?3)`,
      )
      .bind(siteId, visitor, email),
};

/** Eligible promos (per model) the lead holds no code for yet: these get an allocation. */
export function toAllocate(eligible: { model: string; promos: string[] }[], held: HeldCode[]): { model: string; promo: string }[] {
  const out: { model: string; promo: string }[] = [];
  for (const e of eligible)
    for (const p of e.promos) if (!held.some((h) => h.model === e.model && h.promo_id === p)) out.push({ model: e.model, promo: p });
  return out;
}

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
import { promoSql, type Allocation, type HeldCode, type Requester } from "../store/promos";

export type { Allocation, HeldCode, Requester };
// Transitional: worker/scheduled.ts imports promoSql (purgeGrants) from here.
export { promoSql };

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

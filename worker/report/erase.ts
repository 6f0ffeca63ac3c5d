/**
 * Erasing a lead (SPEC §3 `DELETE /v1/admin/leads/:id`, right to be forgotten): in one D1 batch
 * (one transaction) its events, sessions, visitors, scores, alerts (their payloads hold the
 * lead's name, email and phone), conversions and the lead row go.
 *
 * Promo codes: a code that was given out stays used (SPEC §6: a code never goes to two leads,
 * and the person may still redeem it), but the reference to the lead is replaced by the
 * tombstone `erased:<code>` (unique per promo, as the partial unique index on lead_id requires),
 * so nothing links the code to a person any more and allocation, which takes only codes with
 * lead_id NULL, never hands it out again.
 *
 * Anonymous aggregates stay: product view counts and co-views hold no lead reference.
 * Every statement is scoped by site, so another site's lead id erases nothing.
 */

/** true when the lead existed (and is now gone). */
export async function eraseLead(db: D1Database, siteId: string, leadId: string): Promise<boolean> {
  const res = await db.batch([
    db.prepare("DELETE FROM events WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("DELETE FROM sessions WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("DELETE FROM visitors WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("DELETE FROM lead_scores WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("DELETE FROM alerts WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("DELETE FROM conversions WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("UPDATE promo_codes SET lead_id = 'erased:' || code WHERE lead_id = ?1 AND site_id = ?2").bind(leadId, siteId),
    db.prepare("DELETE FROM leads WHERE id = ?1 AND site_id = ?2 RETURNING id").bind(leadId, siteId),
  ]);
  return (res[res.length - 1]!.results as unknown[]).length > 0;
}

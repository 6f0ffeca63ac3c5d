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

import { deleteLeadAlerts } from "../store/alerts";
import { deleteLeadEvents } from "../store/events/queries";
import { deleteLead, deleteLeadSessions, deleteLeadVisitors } from "../store/leads/queries";
import { tombstoneLeadCodes } from "../store/promos";
import { deleteLeadConversions } from "../store/reports";
import { deleteLeadScores } from "../store/scores/queries";

/** true when the lead existed (and is now gone). */
export async function eraseLead(db: D1Database, siteId: string, leadId: string): Promise<boolean> {
  const res = await db.batch([
    deleteLeadEvents(db, siteId, leadId),
    deleteLeadSessions(db, siteId, leadId),
    deleteLeadVisitors(db, siteId, leadId),
    deleteLeadScores(db, siteId, leadId),
    deleteLeadAlerts(db, siteId, leadId),
    deleteLeadConversions(db, siteId, leadId),
    tombstoneLeadCodes(db, siteId, leadId),
    // Last: its RETURNING says whether the lead existed.
    deleteLead(db, siteId, leadId),
  ]);
  return res[res.length - 1]!.results.length > 0;
}

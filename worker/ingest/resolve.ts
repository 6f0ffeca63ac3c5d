// Which lead a request's events belong to. Pure: decided from what RT1 read.
import { derivedId } from "../lib/crypto";
import type { LeadRow } from "./store";

export interface Resolution {
  /** The lead the events are written to (existing row, or created by this request). */
  target: LeadRow | null;
  targetId: string;
  /** An anonymous lead folded into `target` (its history moves over). */
  mergeFrom: LeadRow | null;
  /** The visitor must be (re)pointed at the target. */
  mapVisitor: boolean;
  /** The email to set on the target. */
  email: string | null;
}

/**
 * A visitor's events go to the lead it points at. An email changes that:
 * - owned by another lead: an anonymous visitor lead is merged into it (one person,
 *   two devices); a visitor lead with another email is a different person, so
 *   only the visitor moves;
 * - owned by nobody: an anonymous lead takes it; a lead with another email
 *   leaves it, and a new lead for this email is created.
 * New leads get ids derived from (site, visitor) or (site, email), so two
 * concurrent first requests agree on the id and the guard keeps one of them.
 */
export async function resolveLead(
  siteId: string,
  visitor: string | null,
  email: string | null,
  byVisitor: LeadRow | null,
  byEmail: LeadRow | null,
): Promise<Resolution> {
  const fresh = (key: string) => derivedId("ld_", siteId, key);
  if (!email) {
    if (byVisitor) return { target: byVisitor, targetId: byVisitor.id, mergeFrom: null, mapVisitor: false, email: byVisitor.email };
    return { target: null, targetId: await fresh("v:" + visitor), mergeFrom: null, mapVisitor: !!visitor, email: null };
  }
  if (byEmail) {
    if (!byVisitor || byVisitor.id === byEmail.id)
      return { target: byEmail, targetId: byEmail.id, mergeFrom: null, mapVisitor: !!visitor && !byVisitor, email };
    return {
      target: byEmail,
      targetId: byEmail.id,
      mergeFrom: byVisitor.email ? null : byVisitor,
      mapVisitor: !!visitor,
      email,
    };
  }
  if (byVisitor && (!byVisitor.email || byVisitor.email === email))
    return { target: byVisitor, targetId: byVisitor.id, mergeFrom: null, mapVisitor: false, email };
  return { target: null, targetId: await fresh("e:" + email), mergeFrom: null, mapVisitor: !!visitor, email };
}

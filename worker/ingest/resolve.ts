// Which lead a request's events belong to. Pure: decided from what RT1 read.
import { ApiError } from "../http/errors";
import { derivedId } from "../lib/crypto";
import type { LeadRow } from "../store/leads/ingest";

export type Identity = "claimed" | "verified";

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
  /** How the target's email is established after this request. */
  identity: Identity | null;
  /** An email the target claims that another lead holds (null: none). */
  claimedEmail: string | null;
  /** A lead that held the email only by a claim and loses it to verified identity. */
  evict: LeadRow | null;
}

/**
 * A visitor's events go to the lead it points at. An email changes that, and
 * how depends on whether the email is *verified* (signed identify, server call)
 * or only *claimed* (a browser's plain identify):
 *
 * | email is held by          | claimed                                 | verified                                   |
 * |---------------------------|-----------------------------------------|--------------------------------------------|
 * | nobody                    | the visitor's anonymous lead takes it   | the same, as verified                      |
 * | the visitor's own lead    | nothing changes                         | the lead becomes verified                  |
 * | another lead              | never touched: the visitor's own lead   | verified holder: the anonymous visitor     |
 * |                           | (or a new one) records the claim        | lead merges into it, else the visitor moves|
 * |                           |                                         | claimed holder: it loses the email (and    |
 * |                           |                                         | keeps the claim); the visitor's lead takes it |
 *
 * A visitor lead that holds another email is a different person: a new lead is
 * made for the new email. New leads get ids derived from what the request says,
 * so two concurrent first requests agree on the id and the guard keeps one.
 */
export async function resolveLead(
  siteId: string,
  visitor: string | null,
  email: string | null,
  verified: boolean,
  byVisitor: LeadRow | null,
  byEmail: LeadRow | null,
): Promise<Resolution> {
  const fresh = (key: string) => derivedId("ld_", siteId, key);
  const keep = (l: LeadRow) => ({ email: l.email, identity: (l.identity as Identity | null) ?? null, claimedEmail: l.claimed_email ?? null });
  const none = { mergeFrom: null, mapVisitor: false, evict: null };
  const identity: Identity = verified ? "verified" : "claimed";
  if (!email) {
    if (byVisitor) return { ...none, target: byVisitor, targetId: byVisitor.id, ...keep(byVisitor) };
    return { ...none, target: null, targetId: await fresh("v:" + visitor), mapVisitor: !!visitor, email: null, identity: null, claimedEmail: null };
  }

  // The email's holder is the visitor's own lead.
  if (byEmail && byVisitor && byEmail.id === byVisitor.id) {
    const upgraded = verified || byEmail.identity === "verified" ? "verified" : "claimed";
    return { ...none, target: byEmail, targetId: byEmail.id, email, identity: upgraded, claimedEmail: byEmail.claimed_email === email ? null : (byEmail.claimed_email ?? null) };
  }

  // Held by another lead, and this is only a claim: record it on the visitor's own lead.
  if (byEmail && !verified) {
    if (byVisitor) return { ...none, target: byVisitor, targetId: byVisitor.id, ...keep(byVisitor), claimedEmail: email };
    return { ...none, target: null, targetId: await fresh("v:" + visitor), mapVisitor: !!visitor, email: null, identity: null, claimedEmail: email };
  }

  // Held by a verified lead; or a server call about an email (no browser in it):
  // its events go to whoever holds the email, and a claim stays a claim.
  if (byEmail && (byEmail.identity !== "claimed" || !visitor)) {
    const mergeFrom = byVisitor && !byVisitor.email ? byVisitor : null;
    const stays = !visitor && byEmail.identity === "claimed" ? "claimed" : "verified";
    return { target: byEmail, targetId: byEmail.id, mergeFrom, mapVisitor: !!visitor, email, identity: stays, claimedEmail: byEmail.claimed_email ?? null, evict: null };
  }

  // Verified identity for an email a claim holds (or nobody): the claim gives way.
  const evict = byEmail;
  if (byVisitor && (!byVisitor.email || byVisitor.email === email))
    return { ...none, target: byVisitor, targetId: byVisitor.id, email, identity, claimedEmail: null, evict };
  const key = `e:${email}\u0000${visitor ?? ""}\u0000${identity}`;
  return { ...none, target: null, targetId: await fresh(key), mapVisitor: !!visitor, email, identity, claimedEmail: null, evict };
}

/**
 * The site owner accepts a claim (the dashboard's merge action): the visitor's
 * lead folds into the lead holding the email, whatever the claim's strength.
 */
export function acceptClaim(byVisitor: LeadRow | null, byEmail: LeadRow | null): Resolution {
  if (!byVisitor || !byEmail || byVisitor.id === byEmail.id || byVisitor.email)
    throw new ApiError(409, "conflict", "The leads changed meanwhile; reload and try again.");
  return {
    target: byEmail,
    targetId: byEmail.id,
    mergeFrom: byVisitor,
    mapVisitor: true,
    email: byEmail.email,
    identity: (byEmail.identity as Identity | null) ?? "verified",
    claimedEmail: byEmail.claimed_email ?? null,
    evict: null,
  };
}

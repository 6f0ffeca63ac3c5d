// The owner's merge action for an unverified claim (POST /v1/admin/leads/:id/merge):
// a browser that claimed an email another lead holds stays its own lead until
// somebody who can tell decides they are one person. The merge itself is the
// ingest pipeline's (history moves, scores recomputed under every model,
// triggers and promos as for any merge), run as a server call.
import { ApiError, notFound } from "../http/errors";
import { ingest, type IngestOutcome, type IngestSite } from "../ingest/ingest";
import { rowsOf } from "../store/batch";
import { firstVisitor, leadEmail, type LeadEmail } from "../store/leads/queries";
import type { VisitorRow } from "../store/rows";

export async function mergeClaim(db: D1Database, site: IngestSite, fromId: string, intoId: string, now: number): Promise<IngestOutcome> {
  const [from, into, visitor] = await db.batch([leadEmail(db, site.id, fromId), leadEmail(db, site.id, intoId), firstVisitor(db, site.id, fromId)]);
  const f = rowsOf<LeadEmail>(from)[0];
  const t = rowsOf<LeadEmail>(into)[0];
  if (!f) throw notFound("Lead");
  if (!t) throw notFound(`Lead "${intoId}"`);
  if (f.id === t.id) throw new ApiError(409, "conflict", "A lead cannot be merged into itself.");
  if (f.email) throw new ApiError(409, "conflict", "This lead holds an email of its own; only anonymous or claiming leads are merged.");
  if (!t.email) throw new ApiError(409, "conflict", "The lead to merge into holds no email.");
  const v = rowsOf<Pick<VisitorRow, "id">>(visitor)[0];
  if (!v) throw new ApiError(409, "conflict", "This lead has no browser visitor to move.");
  return ingest(db, {
    site,
    source: "server",
    visitor: v.id,
    email: t.email,
    session: undefined,
    events: [],
    traits: undefined,
    country: null,
    now,
    acceptClaim: true,
  });
}

/** POST /v1/admin/leads/:id/merge (routes/leads.ts): the lead the claim was merged into. */
export interface MergeResult {
  lead: string;
}

// The owner's merge action for an unverified claim (POST /v1/admin/leads/:id/merge):
// a browser that claimed an email another lead holds stays its own lead until
// somebody who can tell decides they are one person. The merge itself is the
// ingest pipeline's (history moves, scores recomputed under every model,
// triggers and promos as for any merge), run as a server call.
import { ApiError, notFound } from "../http/errors";
import { ingest, type IngestOutcome, type IngestSite } from "../ingest/ingest";

export async function mergeClaim(db: D1Database, site: IngestSite, fromId: string, intoId: string, now: number): Promise<IngestOutcome> {
  const [from, into, visitor] = await db.batch([
    db.prepare("SELECT id, email FROM leads WHERE id = ?1 AND site_id = ?2").bind(fromId, site.id),
    db.prepare("SELECT id, email FROM leads WHERE id = ?1 AND site_id = ?2").bind(intoId, site.id),
    db.prepare("SELECT id FROM visitors WHERE site_id = ?1 AND lead_id = ?2 ORDER BY created_at LIMIT 1").bind(site.id, fromId),
  ]);
  const f = from!.results[0] as { id: string; email: string | null } | undefined;
  const t = into!.results[0] as { id: string; email: string | null } | undefined;
  if (!f) throw notFound("Lead");
  if (!t) throw notFound(`Lead "${intoId}"`);
  if (f.id === t.id) throw new ApiError(409, "conflict", "A lead cannot be merged into itself.");
  if (f.email) throw new ApiError(409, "conflict", "This lead holds an email of its own; only anonymous or claiming leads are merged.");
  if (!t.email) throw new ApiError(409, "conflict", "The lead to merge into holds no email.");
  const v = visitor!.results[0] as { id: string } | undefined;
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

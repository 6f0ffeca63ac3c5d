// GET /v1/hints: the hints of a visitor as of now, without an event. One read
// batch; a write only when a promo holds that the lead has no code for yet
// (e.g. a promo added to the model after the lead's last event).
import { evaluate, toLeadState } from "../scoring/engine";
import { siteModels } from "../ingest/score-models";
import type { ModelRow } from "../store/scores/ingest";
import { allocationStatements, holdingPromos, toAllocate, type Requester } from "../promos/promos";
import { recommend } from "../recommend/recommend";
import { rowsOf } from "../store/batch";
import { visitorLeadTraits } from "../store/leads/queries";
import { primaryModel } from "../store/models";
import { promoSql, type HeldCode } from "../store/promos";
import type { LeadScoreRow, LeadTableRow } from "../store/rows";
import { primaryStateOfVisitor } from "../store/scores/queries";
import { COLD, hintsOf, type Hints } from "./hints";

export async function readHints(
  db: D1Database,
  siteId: string,
  visitor: string,
  opts: { recommend: number; product: string | null },
  now: number,
  who: Requester = { kind: "browser", client: null },
): Promise<Hints> {
  const [lead, models, state, held] = await db.batch([
    visitorLeadTraits(db, siteId, visitor),
    primaryModel(db, siteId),
    primaryStateOfVisitor(db, siteId, visitor),
    promoSql.heldByVisitorOrEmail(db, siteId, visitor, null),
  ]);
  const l = rowsOf<Pick<LeadTableRow, "id" | "traits">>(lead)[0];
  const sm = siteModels(siteId, rowsOf<ModelRow>(models))[0];
  const recs = opts.recommend > 0 ? recommend(db, siteId, l?.id ?? null, opts.product, opts.recommend) : Promise.resolve([]);
  if (!l || !sm) return { ...COLD, recommendations: await recs };

  const st = rowsOf<Pick<LeadScoreRow, "state">>(state)[0];
  const r = evaluate(sm.model, toLeadState(st ? JSON.parse(st.state) : null), JSON.parse(l.traits) as Record<string, unknown>, now);
  let codes = rowsOf<HeldCode>(held).filter((h) => h.lead_id === l.id);
  const missing = toAllocate([{ model: sm.name, promos: holdingPromos(sm.model.promos, r.promos) }], codes, l.id);
  if (missing.length) {
    const res = await db.batch([...allocationStatements(db, siteId, missing, l.id, now, who), promoSql.heldBy(db, siteId, l.id)]);
    codes = rowsOf<HeldCode>(res[res.length - 1]);
  }
  return { ...hintsOf(sm.model, sm.name, r, codes), recommendations: await recs };
}

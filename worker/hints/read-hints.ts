// GET /v1/hints: the hints of a visitor as of now, without an event. One read
// batch; a write only when a promo holds that the lead has no code for yet
// (e.g. a promo added to the model after the lead's last event).
import { evaluate, toLeadState } from "../scoring/engine";
import { siteModels } from "../ingest/score-models";
import type { ModelRow } from "../ingest/store";
import { allocationStatements, holdingPromos, promoSql, toAllocate, type HeldCode, type Requester } from "../promos/promos";
import { recommend } from "../recommend/recommend";
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
    db.prepare("SELECT l.id, l.traits FROM visitors v JOIN leads l ON l.id = v.lead_id WHERE v.site_id = ?1 AND v.id = ?2").bind(siteId, visitor),
    db.prepare("SELECT name, version, position, document FROM models WHERE site_id = ?1 ORDER BY position LIMIT 1").bind(siteId),
    db
      .prepare(
        `SELECT s.state FROM lead_scores s WHERE s.lead_id = (SELECT lead_id FROM visitors WHERE site_id = ?1 AND id = ?2)
           AND s.model = (SELECT name FROM models WHERE site_id = ?1 ORDER BY position LIMIT 1)`,
      )
      .bind(siteId, visitor),
    promoSql.heldByVisitorOrEmail(db, siteId, visitor, null),
  ]);
  const l = lead!.results[0] as { id: string; traits: string } | undefined;
  const sm = siteModels(siteId, models!.results as unknown as ModelRow[])[0];
  const recs = opts.recommend > 0 ? recommend(db, siteId, l?.id ?? null, opts.product, opts.recommend) : Promise.resolve([]);
  if (!l || !sm) return { ...COLD, recommendations: await recs };

  const st = state!.results[0] as { state: string } | undefined;
  const r = evaluate(sm.model, toLeadState(st ? JSON.parse(st.state) : null), JSON.parse(l.traits) as Record<string, unknown>, now);
  let codes = (held!.results as unknown as HeldCode[]).filter((h) => h.lead_id === l.id);
  const missing = toAllocate([{ model: sm.name, promos: holdingPromos(sm.model.promos, r.promos) }], codes, l.id);
  if (missing.length) {
    const res = await db.batch([...allocationStatements(db, siteId, missing, l.id, now, who), promoSql.heldBy(db, siteId, l.id)]);
    codes = res[res.length - 1]!.results as unknown as HeldCode[];
  }
  return { ...hintsOf(sm.model, sm.name, r, codes), recommendations: await recs };
}

// GET /v1/recommendations (SPEC §6): items viewed together with the current
// product first, then the visitor's preferred categories, then what is popular;
// never the current product, never what the visitor bought; each with a reason.
// One D1 round trip; unknown visitors and products simply fall through to popular.
import { purchasedIds, type Product } from "./catalog";
import { isHttpUrl } from "./product-urls";

export type Reason = "viewed-together" | "category" | "popular";
export interface Recommendation extends Product {
  reason: Reason;
}

const PRODUCT_COLS = "p.id, p.name, p.category, p.price, p.url, p.image";

export async function recommend(
  db: D1Database,
  siteId: string,
  leadId: string | null,
  product: string | null,
  limit: number,
): Promise<Recommendation[]> {
  const pool = limit * 3 + 10;
  const [co, cats, pop, bought] = await db.batch([
    db
      .prepare(`SELECT ${PRODUCT_COLS} FROM co_views c JOIN products p ON p.site_id = c.site_id AND p.id = c.b WHERE c.site_id = ?1 AND c.a = ?2 ORDER BY c.n DESC, p.views DESC, p.id LIMIT ?3`)
      .bind(siteId, product ?? "", pool),
    // The lead's categories by how often it viewed them (its last 200 product
    // views), the most recently viewed first among equals.
    db
      .prepare(
        `SELECT p.category AS category, count(*) AS views, max(v.seq) AS last FROM
           (SELECT props->>'$.id' AS pid, n AS seq FROM events WHERE lead_id = ?2 AND type = 'product_view' ORDER BY n DESC LIMIT 200) v
         JOIN products p ON p.site_id = ?1 AND p.id = v.pid WHERE p.category IS NOT NULL
         GROUP BY p.category ORDER BY views DESC, last DESC LIMIT 3`,
      )
      .bind(siteId, leadId ?? ""),
    db.prepare(`SELECT ${PRODUCT_COLS} FROM products p WHERE p.site_id = ?1 ORDER BY p.views DESC, p.id LIMIT ?2`).bind(siteId, Math.max(pool, 200)),
    db.prepare("SELECT props FROM events WHERE lead_id = ?1 AND type = 'purchase' LIMIT 500").bind(leadId ?? ""),
  ]);
  const exclude = new Set<string>(product ? [product] : []);
  for (const r of bought!.results as { props: string | null }[]) for (const id of purchasedIds(r.props ? JSON.parse(r.props) : null)) exclude.add(id);

  const out: Recommendation[] = [];
  const take = (items: Product[], reason: Reason) => {
    for (const p of items) {
      if (out.length >= limit) return;
      if (exclude.has(p.id)) continue;
      exclude.add(p.id);
      // Rows stored before links were checked may hold anything: only http(s) goes out.
      out.push({ ...p, url: isHttpUrl(p.url) ? p.url : null, image: isHttpUrl(p.image) ? p.image : null, reason });
    }
  };
  take(co!.results as unknown as Product[], "viewed-together");
  const popular = pop!.results as unknown as Product[];
  const categories = (cats!.results as { category: string }[]).map((c) => c.category);
  for (const c of categories) take(popular.filter((p) => p.category === c), "category");
  take(popular, "popular");
  return out;
}

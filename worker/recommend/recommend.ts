// GET /v1/recommendations (SPEC §6): items viewed together with the current
// product first, then the visitor's preferred categories, then what is popular;
// never the current product, never what the visitor bought; each with a reason.
// One D1 round trip; unknown visitors and products simply fall through to popular.
import { popularProducts, viewedWith } from "../store/catalog";
import { purchasesOf, viewedCategories } from "../store/events/queries";
import type { EventTableRow, ProductRow } from "../store/rows";
import { purchasedIds, type Product } from "./catalog";
import { isHttpUrl } from "./product-urls";

export type Reason = "viewed-together" | "category" | "popular";
export interface Recommendation extends Product {
  reason: Reason;
}

export async function recommend(
  db: D1Database,
  siteId: string,
  leadId: string | null,
  product: string | null,
  limit: number,
): Promise<Recommendation[]> {
  const pool = limit * 3 + 10;
  const [co, cats, pop, bought] = await db.batch([
    viewedWith(db, siteId, product ?? "", pool),
    viewedCategories(db, siteId, leadId ?? ""),
    popularProducts(db, siteId, Math.max(pool, 200)),
    purchasesOf(db, leadId ?? ""),
  ]);
  const exclude = new Set<string>(product ? [product] : []);
  for (const r of bought!.results as Pick<EventTableRow, "props">[]) for (const id of purchasedIds(r.props ? JSON.parse(r.props) : null)) exclude.add(id);

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
  const categories = (cats!.results as { category: NonNullable<ProductRow["category"]> }[]).map((c) => c.category);
  for (const c of categories) take(popular.filter((p) => p.category === c), "category");
  take(popular, "popular");
  return out;
}

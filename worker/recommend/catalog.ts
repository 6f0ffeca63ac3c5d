// The product catalog: learned from `product_view` events (their props) and
// importable with PUT /v1/admin/products. A view bumps the product's counter.
import type { StoredEvent } from "../ingest/normalize";
import type { CoView } from "./coviews";

export interface Product {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  url: string | null;
  image: string | null;
}

/** A product as an event or import describes it; `pageUrl` (where it was viewed) is the url only when none is known. */
export type ProductWrite = Product & { views: number; pageUrl?: string | null };

const s = (v: unknown, max = 500): string | null => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : typeof v === "number" ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(+v) ? +v : null);

/** The product a product_view event describes (its `props.id` is required). */
export function productOf(e: StoredEvent): (Product & { pageUrl: string | null }) | null {
  if (e.type !== "product_view" || !e.props) return null;
  const id = s(e.props.id, 128);
  if (!id) return null;
  return { id, name: s(e.props.name), category: s(e.props.category, 128), price: num(e.props.price), url: s(e.props.url, 2048), image: s(e.props.image, 2048), pageUrl: e.url };
}

/** Ids a lead bought, from purchase events: `props.items[].id` or `props.id`. */
export function purchasedIds(props: Record<string, unknown> | null): string[] {
  if (!props) return [];
  const out: string[] = [];
  const one = s(props.id, 128);
  if (one) out.push(one);
  if (Array.isArray(props.items))
    for (const it of props.items) {
      const id = it && typeof it === "object" ? s((it as Record<string, unknown>).id, 128) : s(it, 128);
      if (id) out.push(id);
    }
  return out;
}

export const catalogSql = {
  /** Upserts products; `views` is added (0 for imports). Known fields are never erased by a sparser event. */
  upsert: (db: D1Database, siteId: string, now: number, items: ProductWrite[]) =>
    db
      .prepare(
        `INSERT INTO products (site_id, id, name, category, price, url, image, views, updated_at)
         SELECT ?1, x->>'$.id', x->>'$.name', x->>'$.category', x->>'$.price', x->>'$.url', x->>'$.image', x->>'$.views', ?2
         FROM (SELECT value AS x FROM json_each(?3)) WHERE true
         ON CONFLICT (site_id, id) DO UPDATE SET
           name = coalesce(excluded.name, name), category = coalesce(excluded.category, category),
           price = coalesce(excluded.price, price), image = coalesce(excluded.image, image),
           url = coalesce(excluded.url, url),
           views = views + excluded.views, updated_at = excluded.updated_at`,
      )
      .bind(siteId, now, JSON.stringify(items)),
  /** Where a product was viewed is its url only until one is known. */
  fillUrls: (db: D1Database, siteId: string, items: ProductWrite[]) =>
    db
      .prepare(
        `UPDATE products SET url = j.value->>'$.u' FROM json_each(?2) j
         WHERE products.site_id = ?1 AND products.id = j.value->>'$.id' AND products.url IS NULL`,
      )
      .bind(siteId, JSON.stringify(items.filter((i) => !i.url && i.pageUrl).map((i) => ({ id: i.id, u: i.pageUrl })))),
  coViews: (db: D1Database, siteId: string, pairs: CoView[]) =>
    db
      .prepare(
        `INSERT INTO co_views (site_id, a, b, n)
         SELECT ?1, x->>'$.a', x->>'$.b', x->>'$.n' FROM (SELECT value AS x FROM json_each(?2)) WHERE true
         ON CONFLICT (site_id, a, b) DO UPDATE SET n = n + excluded.n`,
      )
      .bind(siteId, JSON.stringify(pairs)),
  sessionProducts: (db: D1Database, siteId: string, sessions: string[]) =>
    db.prepare("SELECT id, products FROM sessions WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))").bind(siteId, JSON.stringify(sessions)),
};

/** What a batch's product views write: product rows (views summed) and co-view pairs. */
export function catalogFromEvents(events: StoredEvent[]): { products: ProductWrite[]; viewsBySession: Map<string, string[]> } {
  const byId = new Map<string, ProductWrite>();
  const viewsBySession = new Map<string, string[]>();
  for (const e of events) {
    const p = productOf(e);
    if (!p) continue;
    const cur = byId.get(p.id);
    if (cur) {
      cur.views++;
      // Later views of the same product in a batch fill in what earlier ones lacked.
      cur.name = p.name ?? cur.name;
      cur.category = p.category ?? cur.category;
      cur.price = p.price ?? cur.price;
      cur.url = p.url ?? cur.url;
      cur.image = p.image ?? cur.image;
    } else byId.set(p.id, { ...p, views: 1 });
    if (e.sessionId) viewsBySession.set(e.sessionId, [...(viewsBySession.get(e.sessionId) ?? []), p.id]);
  }
  return { products: [...byId.values()], viewsBySession };
}

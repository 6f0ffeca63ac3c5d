// The product catalog: learned from `product_view` events (their props) and
// importable with PUT /v1/admin/products. A view bumps the product's counter.
//
// Who may write what (issue 11: a beacon is whatever the client says): an import is the
// merchant's word and wins; it marks the product imported, and beacons never change an
// imported product again (only its view count). Beacons may add products and fill fields
// that are still empty, never overwrite one: so a learned product keeps its first
// description until the merchant imports it. That can keep a wrong first description, but
// the alternative lets any visitor rename, reprice or relink any product. Beacon links and
// images must point at the site's own hosts (product-urls.ts).
import type { StoredEvent } from "../ingest/normalize";
import type { CoView } from "./coviews";
import { hostRule, siteUrl, type CatalogPolicy } from "./product-urls";

export interface Product {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  url: string | null;
  image: string | null;
}

/** A product as an event describes it; `pageUrl` (where it was viewed) is the url only when none is known. */
export type ProductWrite = Product & { views: number; pageUrl?: string | null };

/** A product as an import gives it: a field left out keeps its value, a null clears it. */
export type ProductImport = { id: string } & Partial<Omit<Product, "id">>;

const s = (v: unknown, max = 500): string | null => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : typeof v === "number" ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(+v) ? +v : null);
/** The bounds an import accepts (routes/catalog.ts), so a beacon cannot store a price an import could not. */
const price = (v: unknown): number | null => {
  const n = num(v);
  return n !== null && n >= 0 && n <= 1e12 ? n : null;
};

/**
 * The product a product_view event describes (its `props.id` is required). Links and images
 * off the site's hosts are dropped; so is the page url when it is off-site.
 */
export function productOf(e: StoredEvent, allowedHost: (hostname: string) => boolean): (Product & { pageUrl: string | null }) | null {
  if (e.type !== "product_view" || !e.props) return null;
  const id = s(e.props.id, 128);
  if (!id) return null;
  return {
    id,
    name: s(e.props.name),
    category: s(e.props.category, 128),
    price: price(e.props.price),
    url: siteUrl(s(e.props.url, 2048), e.url, allowedHost),
    image: siteUrl(s(e.props.image, 2048), e.url, allowedHost),
    pageUrl: siteUrl(e.url, null, allowedHost),
  };
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
  /**
   * Products learned from beacons; `views` is added. A field is only filled while empty, and
   * an imported product keeps every field (only its views count).
   */
  upsert: (db: D1Database, siteId: string, now: number, items: ProductWrite[]) =>
    db
      .prepare(
        `INSERT INTO products (site_id, id, name, category, price, url, image, views, updated_at)
         SELECT ?1, x->>'$.id', x->>'$.name', x->>'$.category', x->>'$.price', x->>'$.url', x->>'$.image', x->>'$.views', ?2
         FROM (SELECT value AS x FROM json_each(?3)) WHERE true
         ON CONFLICT (site_id, id) DO UPDATE SET
           name = iif(imported, name, coalesce(name, excluded.name)),
           category = iif(imported, category, coalesce(category, excluded.category)),
           price = iif(imported, price, coalesce(price, excluded.price)),
           url = iif(imported, url, coalesce(url, excluded.url)),
           image = iif(imported, image, coalesce(image, excluded.image)),
           views = views + excluded.views, updated_at = iif(imported, updated_at, excluded.updated_at)`,
      )
      .bind(siteId, now, JSON.stringify(items)),
  /** Where a product was viewed is its url only until one is known, and never for an imported product. */
  fillUrls: (db: D1Database, siteId: string, items: ProductWrite[]) =>
    db
      .prepare(
        `UPDATE products SET url = j.value->>'$.u' FROM json_each(?2) j
         WHERE products.site_id = ?1 AND products.id = j.value->>'$.id' AND products.url IS NULL AND products.imported = 0`,
      )
      .bind(siteId, JSON.stringify(items.filter((i) => !i.url && i.pageUrl).map((i) => ({ id: i.id, u: i.pageUrl })))),
  /**
   * An import (at most ~100 products per call, for D1's statement limits): two statements for
   * one batch. Existing products get the fields the import gives (null clears one, a left-out
   * field is kept) and become imported; new ones are inserted as imported.
   */
  importProducts: (db: D1Database, siteId: string, now: number, items: ProductImport[]) => {
    const json = JSON.stringify(items);
    const field = (f: keyof Omit<Product, "id">) => `${f} = CASE WHEN json_type(j.value, '$.${f}') IS NULL THEN products.${f} ELSE j.value->>'$.${f}' END`;
    return [
      db
        .prepare(
          `UPDATE products SET ${(["name", "category", "price", "url", "image"] as const).map(field).join(", ")}, imported = 1, updated_at = ?2
           FROM json_each(?3) j WHERE products.site_id = ?1 AND products.id = j.value->>'$.id'`,
        )
        .bind(siteId, now, json),
      db
        .prepare(
          `INSERT INTO products (site_id, id, name, category, price, url, image, views, imported, updated_at)
           SELECT ?1, x->>'$.id', x->>'$.name', x->>'$.category', x->>'$.price', x->>'$.url', x->>'$.image', 0, 1, ?2
           FROM (SELECT value AS x FROM json_each(?3)) WHERE true
           ON CONFLICT (site_id, id) DO NOTHING`,
        )
        .bind(siteId, now, json),
    ];
  },
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
export function catalogFromEvents(events: StoredEvent[], policy: CatalogPolicy): { products: ProductWrite[]; viewsBySession: Map<string, string[]> } {
  // Built on the first product view only: most batches have none.
  let rule: ((hostname: string) => boolean) | null = null;
  const allowedHost = (hostname: string) => (rule ??= hostRule(policy))(hostname);
  const byId = new Map<string, ProductWrite>();
  const viewsBySession = new Map<string, string[]>();
  for (const e of events) {
    const p = productOf(e, allowedHost);
    if (!p) continue;
    const cur = byId.get(p.id);
    if (cur) {
      cur.views++;
      // Later views in a batch fill what earlier ones lacked, as across batches: first wins.
      cur.name ??= p.name;
      cur.category ??= p.category;
      cur.price ??= p.price;
      cur.url ??= p.url;
      cur.image ??= p.image;
      cur.pageUrl ??= p.pageUrl;
    } else byId.set(p.id, { ...p, views: 1 });
    if (e.sessionId) viewsBySession.set(e.sessionId, [...(viewsBySession.get(e.sessionId) ?? []), p.id]);
  }
  return { products: [...byId.values()], viewsBySession };
}

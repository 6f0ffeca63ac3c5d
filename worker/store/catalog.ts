// The catalog: products (learned from beacons, or imported) and item-to-item
// co-views. Who may write which field is decided here, in the statements
// (worker/recommend/catalog.ts explains the policy).
import type { CoViewRow, ProductRow } from "./rows";

/** A product as recommendations and imports describe it. */
export type Product = Pick<ProductRow, "id" | "name" | "category" | "price" | "url" | "image">;

/** A product as an event describes it; `pageUrl` (where it was viewed) is the url only when none is known. */
export type ProductWrite = Product & { views: number; pageUrl?: string | null };

/** A product as an import gives it: a field left out keeps its value, a null clears it. */
export type ProductImport = { id: string } & Partial<Omit<Product, "id">>;

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
  coViews: (db: D1Database, siteId: string, pairs: Pick<CoViewRow, "a" | "b" | "n">[]) =>
    db
      .prepare(
        `INSERT INTO co_views (site_id, a, b, n)
         SELECT ?1, x->>'$.a', x->>'$.b', x->>'$.n' FROM (SELECT value AS x FROM json_each(?2)) WHERE true
         ON CONFLICT (site_id, a, b) DO UPDATE SET n = n + excluded.n`,
      )
      .bind(siteId, JSON.stringify(pairs)),
};

/** The site's catalog for its owner: the 500 most viewed (`imported` is 0 or 1). */
export type ListedProduct = Product & Pick<ProductRow, "views" | "imported">;

export async function productList(db: D1Database, siteId: string): Promise<ListedProduct[]> {
  const rows = await db
    .prepare("SELECT id, name, category, price, url, image, views, imported = 1 AS imported FROM products WHERE site_id = ?1 ORDER BY views DESC, id LIMIT 500")
    .bind(siteId)
    .all<ListedProduct>();
  return rows.results;
}

const PRODUCT_COLS = "p.id, p.name, p.category, p.price, p.url, p.image";

/** Products most often viewed in a session with `product`. */
export const viewedWith = (db: D1Database, siteId: string, product: string, limit: number) =>
  db
    .prepare(`SELECT ${PRODUCT_COLS} FROM co_views c JOIN products p ON p.site_id = c.site_id AND p.id = c.b WHERE c.site_id = ?1 AND c.a = ?2 ORDER BY c.n DESC, p.views DESC, p.id LIMIT ?3`)
    .bind(siteId, product, limit);

/** The site's most viewed products (a scan of its primary-key prefix: views has no index). */
export const popularProducts = (db: D1Database, siteId: string, limit: number) =>
  db.prepare(`SELECT ${PRODUCT_COLS} FROM products p WHERE p.site_id = ?1 ORDER BY p.views DESC, p.id LIMIT ?2`).bind(siteId, limit);

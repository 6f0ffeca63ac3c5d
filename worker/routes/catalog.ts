// PUT /v1/admin/products (catalog import) and the promo-code admin routes.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { readJson } from "../http/body";
import { notFound } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { text } from "../lib/zod";
import { getModel } from "../models/models";
import { isHttpUrl, MAX_URL_LENGTH } from "../recommend/product-urls";
import { catalogSql, productList, type ProductImport } from "../store/catalog";
import { codesOfSite, promoSql } from "../store/promos";

export const catalogRoutes = new Hono<AppEnv>();

const optional = (max: number) => z.optional(z.nullable(text(max)));
// Recommendations put these into every visitor's page: only absolute http(s) links.
const link = z.optional(z.nullable(z.string().check(z.maxLength(MAX_URL_LENGTH), z.refine(isHttpUrl, "must be an absolute http(s) URL"))));
const productsBody = z.object({
  products: z
    .array(
      z.object({
        id: text(128, 1),
        name: optional(500),
        category: optional(128),
        price: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(1e12)))),
        url: link,
        image: link,
      }),
    )
    .check(z.minLength(1), z.maxLength(500)),
});

/**
 * The merchant's catalog: imported products are theirs (beacons only count views from then
 * on). A field left out keeps its current value, `null` clears it; a product given twice
 * takes its last entry.
 */
catalogRoutes.put("/products", async (c) => {
  const body = parseOrThrow(productsBody, await readJson(c), "catalog");
  const site = c.get("site");
  const byId = new Map<string, ProductImport>();
  for (const p of body.products) {
    const item: ProductImport = { id: p.id };
    for (const k of ["name", "category", "price", "url", "image"] as const) if (p[k] !== undefined) Object.assign(item, { [k]: p[k] });
    byId.set(p.id, item);
  }
  const items = [...byId.values()];
  // 100 products per statement keeps each bound JSON well under D1's limits.
  const now = Date.now();
  const stmts = [];
  for (let i = 0; i < items.length; i += 100) stmts.push(...catalogSql.importProducts(c.var.db, site.id, now, items.slice(i, i + 100)));
  await c.var.db.batch(stmts);
  return c.json({ imported: body.products.length });
});

catalogRoutes.get("/products", async (c) => {
  const rows = await productList(c.var.db, c.get("site").id);
  return c.json({ products: rows.map((r) => ({ ...r, imported: r.imported === 1 })) });
});

/** Every promo of every model: its codes and which lead holds which. */
catalogRoutes.get("/promos", async (c) => {
  const rows = await codesOfSite(c.var.db, c.get("site").id);
  const promos = new Map<string, { model: string; promo: string; available: number; codes: unknown[] }>();
  for (const r of rows) {
    const k = `${r.model}\u0000${r.promo_id}`;
    const p = promos.get(k) ?? { model: r.model, promo: r.promo_id, available: 0, codes: [] };
    if (!r.lead_id) p.available++;
    p.codes.push({ code: r.code, lead: r.lead_id ? { id: r.lead_id, email: r.email, name: r.name } : null, assignedAt: r.assigned_at });
    promos.set(k, p);
  }
  return c.json({ promos: [...promos.values()] });
});

const codesBody = z.object({ codes: z.array(text(64, 1)).check(z.minLength(1), z.maxLength(10_000)) });

catalogRoutes.post("/promos/:model/:promo/codes", async (c) => {
  const site = c.get("site");
  const { model, promo } = c.req.param();
  const m = await getModel(c.var.db, site.id, model);
  const doc = m?.document as { promos?: { id: string }[] } | undefined;
  if (!m || !doc?.promos?.some((p) => p.id === promo)) throw notFound(`Promo "${promo}" of model "${model}"`);
  const body = parseOrThrow(codesBody, await readJson(c), "codes");
  const stmts = [];
  for (let i = 0; i < body.codes.length; i += 1000) stmts.push(promoSql.addCodes(c.var.db, site.id, model, promo, body.codes.slice(i, i + 1000)));
  const res = await c.var.db.batch(stmts);
  return c.json({ added: res.reduce((n, r) => n + (r.meta.changes ?? 0), 0) }, 201);
});

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
import type { Product, ProductImport, ProductWrite } from "../store/catalog";
import { hostRule, siteUrl, type CatalogPolicy } from "./product-urls";

export type { Product, ProductImport, ProductWrite };

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

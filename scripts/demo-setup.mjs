// Puts the demo sites' scoring models and the shop's catalog in place through
// the real admin API (idempotent: a PUT of the same model is just a new version).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { root } from "./local.mjs";

const demoFile = (...p) => join(root, "demo", ...p);

export function shopCatalog() {
  const ctx = { window: {}, localStorage: { getItem: () => null, setItem() {} } };
  vm.runInNewContext(readFileSync(demoFile("shop", "catalog.js"), "utf8"), ctx);
  return ctx.window.CATALOG.map(({ emoji: _e, ...p }) => ({ ...p, url: `/demo/shop/product.html?id=${encodeURIComponent(p.id)}` }));
}

async function put(base, key, path, body, method = "PUT") {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `keys`: demoKeys() from seed.mjs. */
export async function setupDemo(base, keys) {
  for (const demo of ["shop", "dealer", "saas"]) {
    const file = demoFile(demo, "model.json");
    if (!existsSync(file) || !keys[demo]) continue;
    await put(base, keys[demo].secretKey, `/v1/admin/models/${demo}`, JSON.parse(readFileSync(file, "utf8")));
  }
  // Product links on the origin the demo pages are opened on (npm start prints
  // localhost), so recommendations never mix 127.0.0.1 and localhost.
  const pages = base.replace("//127.0.0.1:", "//localhost:");
  const products = shopCatalog().map((p) => ({ ...p, url: pages + p.url }));
  await put(base, keys.shop.secretKey, "/v1/admin/products", { products });
  // Paying at the shop's checkout (a `purchase` event) is a conversion, with its value.
  await put(base, keys.shop.secretKey, `/v1/admin/sites/${keys.shop.id}`, { conversionEvents: { purchase: { valueProp: "value" } } }, "PATCH");
}

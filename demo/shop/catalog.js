// The demo shop's catalog: the pages render it, `npm start` imports it with
// PUT /v1/admin/products (so recommendations have names, prices and images).
window.CATALOG = [
  { id: "trail-boots", name: "Trail boots", category: "shoes", price: 129, emoji: "🥾" },
  { id: "city-runners", name: "City runners", category: "shoes", price: 89, emoji: "👟" },
  { id: "sandals", name: "Beach sandals", category: "shoes", price: 39, emoji: "🩴" },
  { id: "wool-socks", name: "Wool socks", category: "socks", price: 14, emoji: "🧦" },
  { id: "rain-jacket", name: "Rain jacket", category: "jackets", price: 149, emoji: "🧥" },
  { id: "down-vest", name: "Down vest", category: "jackets", price: 99, emoji: "🦺" },
  { id: "beanie", name: "Merino beanie", category: "hats", price: 24, emoji: "🧢" },
  { id: "backpack", name: "Day backpack", category: "bags", price: 79, emoji: "🎒" },
];
/** Why a product is recommended, in words (the API's reason codes: viewed-together, category, popular). */
window.reasonText = (reason, category) =>
  reason === "viewed-together" ? "Often viewed together" : reason === "category" ? "More " + (category ? "in " + category : "like this") : reason === "popular" ? "Popular right now" : String(reason || "");
window.productUrl = (id) => `/demo/shop/product.html?id=${encodeURIComponent(id)}`;
window.cart = {
  get: () => JSON.parse(localStorage.getItem("demo-cart") || "[]"),
  set: (items) => localStorage.setItem("demo-cart", JSON.stringify(items)),
};

// Rendering: every string that may come from the server (recommendation names,
// ids, prices) is put in the page as text, never as markup. These pages share
// their origin with the dashboard, and product names can be planted by any
// browser through a product_view beacon.
/** `tag` with an id, a class, `data-*` attributes, an http(s) `href` only, and children as text (or elements). */
window.el = (tag, attrs, children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "id") e.id = v;
    else if (k === "href") safeUrl(v) && e.setAttribute("href", v);
    else if (/^data-[a-z-]+$/.test(k)) e.setAttribute(k, String(v));
    else if (k === "aria-hidden") e.setAttribute(k, String(v));
  }
  for (const c of children || []) e.append(c instanceof Node ? c : String(c ?? ""));
  return e;
};
/** True for http(s) URLs (relative ones resolve against the page): never javascript:, data: and the like. */
window.safeUrl = (u) => {
  try {
    return /^https?:$/.test(new URL(String(u), location.href).protocol);
  } catch {
    return false;
  }
};
/** Replaces the children of the element with id `id`. */
window.render = (id, nodes) => document.getElementById(id).replaceChildren(...nodes);

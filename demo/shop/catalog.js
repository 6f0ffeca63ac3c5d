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
window.productUrl = (id) => `/demo/shop/product.html?id=${encodeURIComponent(id)}`;
window.cart = {
  get: () => JSON.parse(localStorage.getItem("demo-cart") || "[]"),
  set: (items) => localStorage.setItem("demo-cart", JSON.stringify(items)),
};

// `npm run demo:traffic`: a few hundred realistic visitor journeys through the
// real HTTP API of a running `npm start`, so the dashboard has something true
// to show: cold browsers, warm shoppers, hot buyers, car buyers who get a
// test-drive alert, trial signups, a student, job seekers on the careers page.
// Usage: node scripts/demo-traffic.mjs [--journeys 300] [--base http://localhost:8787]
import { demoKeys } from "./seed.mjs";
import { shopCatalog } from "./demo-setup.mjs";
import { clientHeader } from "./simulated-client.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BASE = arg("base", "http://localhost:8787");
const JOURNEYS = Number(arg("journeys", 300));
const keys = demoKeys();
let seed = 20261128;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = (a) => a[Math.floor(rand() * a.length)];
const FIRST = ["Sam", "Alex", "Maria", "Jonas", "Aiko", "Priya", "Omar", "Lena", "Chris", "Fatima", "Noah", "Mia", "Luca", "Sofia", "Ben"];
const LAST = ["Meyer", "Garcia", "Kim", "Okafor", "Rossi", "Nowak", "Silva", "Dubois", "Khan", "Jensen"];
let n = 0;
const uid = (p) => `${p}-${Date.now().toString(36)}-${(n++).toString(36)}-${Math.floor(rand() * 1e6).toString(36)}`;

async function collect(demo, visitor, session, events, traits) {
  const res = await fetch(`${BASE}/v1/collect`, {
    method: "POST",
    headers: { "content-type": "text/plain", origin: BASE, ...clientHeader(visitor) },
    body: JSON.stringify({ site: keys[demo].publicKey, visitor, session, events, ...(traits ? { traits } : {}) }),
  });
  if (res.status !== 200) throw new Error(`collect ${demo}: ${res.status} ${await res.text()}`);
  return (await res.json()).hints;
}

async function adminPost(demo, path, body) {
  const res = await fetch(`${BASE}/v1/admin${path}`, { method: "POST", headers: { authorization: `Bearer ${keys[demo].secretKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.status;
}

const ev = (type, path, extra = {}) => ({ id: uid("e"), type, ts: Date.now(), url: `${BASE}${path}`, title: path, ...extra });
const person = () => {
  const first = pick(FIRST);
  const last = pick(LAST);
  return { name: `${first} ${last}`, email: `${first}.${last}.${Math.floor(rand() * 1e5)}@example.com`.toLowerCase(), phone: `+1 555 ${String(Math.floor(rand() * 1e4)).padStart(4, "0")}` };
};

const products = shopCatalog();
const journeys = {
  async shopCold() {
    const v = uid("v");
    await collect("shop", v, uid("s"), [ev("session_start", "/demo/shop/", { props: { referrer: "https://www.google.com/" } }), ev("page_view", "/demo/shop/")]);
  },
  async shopWarm() {
    const v = uid("v");
    const s = uid("s");
    const seen = [pick(products), pick(products), pick(products)];
    await collect("shop", v, s, [ev("session_start", "/demo/shop/", { props: { utm_source: "newsletter", utm_campaign: "fall" } }), ev("page_view", "/demo/shop/")]);
    await collect("shop", v, s, seen.map((p) => ev("product_view", `/demo/shop/product.html?id=${p.id}`, { props: { id: p.id, name: p.name, category: p.category, price: p.price } })));
    const h = await collect("shop", v, s, [ev("cart", `/demo/shop/product.html?id=${seen[0].id}`, { props: { id: seen[0].id, qty: 1, price: seen[0].price } })]);
    return h;
  },
  async shopBuyer() {
    const v = uid("v");
    const s = uid("s");
    const p = pick(products);
    const who = person();
    await collect("shop", v, s, [ev("session_start", "/demo/shop/"), ev("product_view", `/demo/shop/product.html?id=${p.id}`, { props: { id: p.id, name: p.name, category: p.category, price: p.price } })]);
    await collect("shop", v, s, [ev("cart", "/demo/shop/cart.html", { props: { id: p.id, qty: 1, price: p.price } }), ev("page_view", "/demo/shop/checkout.html")]);
    await collect("shop", v, s, [ev("identify", "/demo/shop/checkout.html", { props: { email: who.email } }), ev("purchase", "/demo/shop/checkout.html", { props: { order: uid("o"), value: p.price, items: [{ id: p.id }] } })]);
    await adminPost("shop", "/conversions", { visitor: v, value: p.price });
  },
  async dealerHot() {
    const v = uid("v");
    const who = person();
    await collect("dealer", v, uid("s"), [ev("page_view", "/demo/dealer/"), ev("identify", "/demo/dealer/interest.html", { props: who }), ev("form_submit", "/demo/dealer/interest.html", { name: "car-interest", props: { car: pick(["SUV", "Hatchback", "EV"]) } })]);
    await adminPost("dealer", "/events", { email: who.email, events: [{ id: uid("open"), type: "custom", name: "email_open", ts: Date.now() }, { id: uid("click"), type: "custom", name: "email_click", ts: Date.now() }] });
    if (rand() < 0.6) {
      await collect("dealer", v, uid("s"), [ev("page_view", "/demo/dealer/directions.html")]);
      if (rand() < 0.5) await adminPost("dealer", "/conversions", { email: who.email, value: 25000 });
    }
  },
  async dealerBrowser() {
    await collect("dealer", uid("v"), uid("s"), [ev("page_view", "/demo/dealer/"), ev("page_view", "/demo/dealer/interest.html")]);
  },
  async saasTrial() {
    const v = uid("v");
    const s = uid("s");
    const who = person();
    await collect("saas", v, s, [ev("session_start", "/demo/saas/", { props: { utm_source: pick(["google", "linkedin", "newsletter"]) } }), ev("page_view", "/demo/saas/"), ev("page_view", "/demo/saas/pricing.html")]);
    if (rand() < 0.5) await collect("saas", v, s, [ev("chat", "/demo/saas/pricing.html")]);
    const traits = { email: who.email, name: who.name, company_size: pick(["small", "mid", "large"]), role: pick(["founder", "CFO", "engineer", "office manager", "finance lead"]) };
    await collect("saas", v, s, [ev("identify", "/demo/saas/", { props: traits }), ev("trial_signup", "/demo/saas/", { props: { company_size: traits.company_size, role: traits.role } })]);
    // Fit predicts conversion in this simulation: decision makers at bigger companies buy more often.
    const p = (traits.company_size === "small" ? 0.2 : 0.5) + (/founder|cfo|finance/i.test(traits.role) ? 0.3 : 0);
    if (rand() < p) await adminPost("saas", "/conversions", { visitor: v, value: 29 * 12 });
  },
  async saasJobSeeker() {
    const v = uid("v");
    await collect("saas", v, uid("s"), [ev("page_view", "/demo/saas/"), ev("page_view", "/demo/saas/careers.html"), ev("page_view", "/demo/saas/careers.html")]);
  },
  async saasStudent() {
    const v = uid("v");
    const s = uid("s");
    await collect("saas", v, s, [ev("page_view", "/demo/saas/pricing.html"), ev("identify", "/demo/saas/", { props: { email: `student${Math.floor(rand() * 1e5)}@uni.example`, role: "student", company_size: "small" } }), ev("trial_signup", "/demo/saas/")]);
  },
};
const mix = [
  ["shopCold", 60], ["shopWarm", 50], ["shopBuyer", 25], ["dealerBrowser", 30], ["dealerHot", 30],
  ["saasTrial", 60], ["saasJobSeeker", 20], ["saasStudent", 5],
];
const total = mix.reduce((s, [, w]) => s + w, 0);
const plan = Array.from({ length: JOURNEYS }, (_, i) => {
  let x = ((i * 7919) % total) + 0.5;
  for (const [name, w] of mix) if ((x -= w) < 0) return name;
  return "shopCold";
});

const done = {};
let next = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: 6 }, async () => {
    while (next < plan.length) {
      const name = plan[next++];
      await journeys[name]();
      done[name] = (done[name] ?? 0) + 1;
    }
  }),
);
console.log(`${plan.length} journeys in ${((Date.now() - started) / 1000).toFixed(1)} s through ${BASE}:`);
for (const [k, v] of Object.entries(done)) console.log(`  ${k.padEnd(14)} ${v}`);
console.log(`Open ${BASE}/dashboard/ (or the landing page ${BASE}/) to see the leads ranked.`);

/**
 * Engine micro-benchmark: a 50-rule model, a lead with 1,000 past events, then the cost of
 * applying one new event (the /v1/collect hot path) and of a full 1,000-event recompute (the
 * model-change path). Run: npm run bench:engine
 */
import { applyEvents, emptyState, evaluate, type LeadState, recompute, type ScoreEvent } from "../worker/scoring/engine";
import type { EventType } from "../worker/scoring/events";
import { parseModel } from "../worker/scoring/model";

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);
const TYPES: EventType[] = ["page_view", "page_view", "page_view", "custom", "chat", "product_view", "cart", "form_submit", "session_start"];

const eventRules = Array.from({ length: 35 }, (_, i) => {
  const type = TYPES[i % TYPES.length] as EventType;
  const when =
    type === "page_view"
      ? { event: type, path: [`/p${i}*`, `/docs/${i}/*`, `/x/?${i}`][i % 3] }
      : type === "custom" || type === "form_submit"
        ? { event: type, name: `n${i % 5}` }
        : { event: type };
  return {
    id: `ev${i}`,
    category: ["interest", "engagement", "key"][i % 3],
    points: (i % 7) - 1,
    when,
    ...(i % 4 === 0 ? { limit: { times: 3, per: (["lead", "session", "day"] as const)[i % 3] } } : {}),
  };
});
const traitRules = Array.from({ length: 10 }, (_, i) => ({
  id: `tr${i}`,
  category: "fit",
  points: 3,
  when: i % 2 ? { trait: `t${i}`, gte: 10 } : { trait: `t${i}`, eq: "yes" },
}));
const doc = {
  tiers: { warm: 15, hot: 30, sql: 60 },
  categories: {
    fit: { kind: "fit", max: 50 },
    interest: { kind: "interest", max: 30, decay: { halfLifeDays: 30 } },
    engagement: { kind: "interest", max: 20, decay: { expireDays: 90 } },
    // BENCH_KEY=halflife drops the expiry: with both, figures cost O(live hits) (see decay.ts).
    key: { kind: "interest", max: 30, decay: process.env.BENCH_KEY === "halflife" ? { halfLifeDays: 14 } : { halfLifeDays: 14, expireDays: 60 } },
  },
  rules: [
    ...eventRules,
    ...traitRules,
    { id: "adult", must: true, when: { trait: "age", gte: 18 } },
    { id: "region", must: true, when: { trait: "region", in: ["n", "s"] } },
    { id: "signed", must: true, when: { event: "form_submit", name: "n0" } },
    { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
    { id: "spam", disqualify: true, when: { event: "custom", name: "spam" } },
  ],
  triggers: [
    { id: "hot", when: { tier: "hot" }, webhook: "https://crm.example/hook" },
    { id: "cart-sql", when: { all: [{ event: "cart" }, { score: 60 }] } },
  ],
  promos: [{ id: "welcome", when: { tier: "warm" }, codes: ["A", "B"] }],
};
const parsed = parseModel(doc);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues, null, 2));
const model = parsed.model;
const traits = { age: 40, region: "n", t0: "yes", t1: 12, t2: "no", t3: "15" };

let seq = 0;
function randomEvent(ts: number): ScoreEvent {
  const i = seq++;
  const type = TYPES[i % TYPES.length] as EventType;
  return {
    id: `e${i}`,
    type,
    ts,
    name: `n${i % 5}`,
    url: `https://shop.example${[`/p${i % 35}/item`, `/docs/${i % 35}/a`, `/x/a${i % 35}`, "/"][i % 4]}?utm=x`,
    sessionId: `s${Math.floor(i / 8)}`,
    props: { duration: i % 60 },
  };
}

const past = Array.from({ length: 1000 }, (_, i) => randomEvent(NOW - 60 * DAY + i * 0.06 * DAY));
const t0 = performance.now();
const built = recompute(model, past, traits, NOW);
const buildMs = performance.now() - t0;
const base: LeadState = JSON.parse(JSON.stringify(built.state)) as LeadState;
const fresh = Array.from({ length: 1000 }, (_, i) => randomEvent(NOW + i));

function time(label: string, iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) fn(i); // warm up (JIT)
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  const ns = ((performance.now() - start) * 1e6) / iterations;
  console.log(`${label.padEnd(58)} ${(ns / 1000).toFixed(2).padStart(8)} µs  (${Math.round(ns)} ns, ${iterations} runs)`);
  return ns;
}

console.log(`key category decay: ${JSON.stringify(model.categories.key?.decay)}`);
console.log(`model: ${model.rules.length} rules (${eventRules.length + 2} event, ${traitRules.length + 3} trait), ${model.triggers.length} triggers, ${model.promos.length} promo`);
console.log(`lead: ${past.length} past events, score ${built.result.score}, tier ${built.result.tier}, state ${JSON.stringify(base).length} bytes as JSON`);
console.log(`first recompute (cold, includes model compile): ${buildMs.toFixed(2)} ms`);
console.log("");
const single = time("applyEvents, 1 new event, 1,000-event lead", 100_000, (i) => {
  applyEvents(model, base, [fresh[i % fresh.length] as ScoreEvent], traits, NOW + 1000);
});
// In place: a fresh copy every 100 calls keeps the history at ~1,000 events (copy cost included).
let owned = structuredClone(base);
time("applyEvents {reuseState}, 1 new event (+1/100 structuredClone)", 100_000, (i) => {
  if (i % 100 === 0) owned = structuredClone(base);
  applyEvents(model, owned, [fresh[i % fresh.length] as ScoreEvent], traits, NOW + 1000, { reuseState: true });
});
time("applyEvents, 1 event that matches no rule", 100_000, (i) => {
  applyEvents(model, base, [{ id: `z${i}`, type: "identify", ts: NOW }], traits, NOW + 1000);
});
let rolling = base;
time("applyEvents, 1 event, state carried forward (growing to 3,000)", 2_000, (i) => {
  rolling = applyEvents(model, rolling, [randomEvent(NOW + i * 1000)], traits, NOW + i * 1000).state;
});
time("evaluate (read-only figures at now)", 100_000, (i) => {
  evaluate(model, base, traits, NOW + i);
});
time("applyEvents, batch of 20 events (per call)", 10_000, (i) => {
  applyEvents(model, base, fresh.slice(i % 900, (i % 900) + 20), traits, NOW + 1000);
});
const full = time("recompute, 1,000 events (per call)", 500, () => {
  recompute(model, past, traits, NOW);
});
time("JSON.parse(JSON.stringify(state)) (D1 round trip)", 20_000, () => {
  JSON.parse(JSON.stringify(base));
});
console.log("");
console.log(`=> ${(single / 1000).toFixed(2)} µs per incremental event (goal < 5 µs); recompute ${(full / 1e6).toFixed(3)} ms per 1,000 events = ${(full / 1000 / 1000).toFixed(2)} µs per event`);

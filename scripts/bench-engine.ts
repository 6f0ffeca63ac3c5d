/**
 * Engine micro-benchmark: a 50-rule model, a lead with 1,000 past events, then the cost of
 * applying one new event (the /v1/collect hot path), of a batch, of a read-only evaluation, of a
 * full 1,000-event recompute (the model-change path), and the size and JSON round trip of the
 * state (stored in D1 as JSON, parsed and serialised on every request).
 *
 * Two configurations of the "key" category: half-life only, and half-life + expiry.
 * Each figure is the best of BENCH_ROUNDS rounds (default 5): the machine may be shared.
 * Run: npm run bench:engine   (BENCH_KEY=halflife|expiry to run one configuration only)
 * `--json` (used by scripts/bench.mjs): only the headline figures, 2 rounds unless BENCH_ROUNDS
 * says otherwise, printed as one JSON object.
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
function buildModel(keyDecay: { halfLifeDays: number; expireDays?: number }) {
const doc = {
  tiers: { warm: 15, hot: 30, sql: 60 },
  categories: {
    fit: { kind: "fit", max: 50 },
    interest: { kind: "interest", max: 30, decay: { halfLifeDays: 30 } },
    engagement: { kind: "interest", max: 20, decay: { expireDays: 90 } },
    key: { kind: "interest", max: 30, decay: keyDecay },
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
return parsed.model;
}
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

const JSON_OUT = process.argv.includes("--json");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (JSON_OUT ? 2 : 5));
const log = (text: string): void => {
  if (!JSON_OUT) console.log(text);
};

/** Best (lowest) ns per call over ROUNDS rounds of `iterations` calls, after a warm-up. */
function time(iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) fn(i); // warm up (JIT)
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) fn(i);
    best = Math.min(best, ((performance.now() - start) * 1e6) / iterations);
  }
  return best;
}

function line(label: string, ns: number, note = ""): void {
  log(`  ${label.padEnd(62)} ${(ns / 1000).toFixed(2).padStart(8)} µs${note ? "  " + note : ""}`);
}

function run(name: string, keyDecay: { halfLifeDays: number; expireDays?: number }): Record<string, number> {
  const model = buildModel(keyDecay);
  seq = 0;
  const past = Array.from({ length: 1000 }, (_, i) => randomEvent(NOW - 60 * DAY + i * 0.06 * DAY));
  const t0 = performance.now();
  const built = recompute(model, past, traits, NOW);
  const buildMs = performance.now() - t0;
  const json = JSON.stringify(built.state);
  const base: LeadState = JSON.parse(json) as LeadState;
  const fresh = Array.from({ length: 1000 }, (_, i) => randomEvent(NOW + i));

  // Sanity: the incremental path gives the figures of a full recompute.
  const inc = applyEvents(model, base, fresh.slice(0, 20), traits, NOW + 1000).result;
  const full = recompute(model, [...past, ...fresh.slice(0, 20)], traits, NOW + 1000).result;
  if (JSON.stringify(inc) !== JSON.stringify(full)) throw new Error("incremental != recompute");

  log(`${name}: key category decay ${JSON.stringify(model.categories.key?.decay)}`);
  log(`  model: ${model.rules.length} rules (${eventRules.length + 2} event, ${traitRules.length + 3} trait), ${model.triggers.length} triggers, ${model.promos.length} promo`);
  log(`  lead: ${past.length} past events, score ${built.result.score}, tier ${built.result.tier}, triggers ${JSON.stringify(base.t)}`);
  log(`  first recompute (cold, includes model compile): ${buildMs.toFixed(2)} ms`);
  const out: Record<string, number> = {};
  out.single = time(100_000, (i) => {
    applyEvents(model, base, [fresh[i % fresh.length] as ScoreEvent], traits, NOW + 1000);
  });
  line("applyEvents, 1 new event, 1,000-event lead", out.single);
  if (!JSON_OUT) {
    let owned = structuredClone(base);
    const reuse = time(100_000, (i) => {
      if (i % 100 === 0) owned = structuredClone(base);
      applyEvents(model, owned, [fresh[i % fresh.length] as ScoreEvent], traits, NOW + 1000, { reuseState: true });
    });
    line("applyEvents {reuseState}, 1 new event (+1/100 structuredClone)", reuse);
    // The bench lead is past every trigger (both disarmed), so each update must also compute the
    // figures before its events; with all triggers armed (the common case) that is skipped.
    const armed: LeadState = { ...base, t: {} };
    line("applyEvents, 1 new event, all triggers armed", time(100_000, (i) => {
      applyEvents(model, armed, [fresh[i % fresh.length] as ScoreEvent], traits, NOW + 1000);
    }));
    line("applyEvents, 1 event that matches no rule", time(100_000, (i) => {
      applyEvents(model, base, [{ id: `z${i}`, type: "identify", ts: NOW }], traits, NOW + 1000);
    }));
    let rolling = base;
    line("applyEvents, 1 event, state carried forward (growing to ~3,000)", time(400, (i) => {
      rolling = applyEvents(model, rolling, [randomEvent(NOW + (seq % 100_000) * 1000)], traits, NOW + (seq % 100_000) * 1000).state;
      void i;
    }));
  }
  const batch = time(10_000, (i) => {
    applyEvents(model, base, fresh.slice(i % 900, (i % 900) + 20), traits, NOW + 1000);
  });
  out.batchPerEvent = batch / 20;
  line("applyEvents, batch of 20 events, per event", out.batchPerEvent, `(${(batch / 1000).toFixed(2)} µs per call)`);
  out.evaluate = time(100_000, (i) => {
    evaluate(model, base, traits, NOW + i);
  });
  line("evaluate (read-only figures at now)", out.evaluate);
  const rec = time(200, () => {
    recompute(model, past, traits, NOW);
  });
  out.recomputePerEvent = rec / 1000;
  line("recompute, 1,000 events, per event", out.recomputePerEvent, `(${(rec / 1e6).toFixed(3)} ms per call)`);
  out.bytes = json.length;
  out.roundTrip = time(20_000, () => {
    JSON.parse(JSON.stringify(base));
  });
  log(`  ${"state JSON".padEnd(62)} ${String(json.length).padStart(8)} bytes`);
  line("JSON.parse(JSON.stringify(state)) (D1 round trip)", out.roundTrip);
  if (!JSON_OUT) {
    line("JSON.stringify(state)", time(20_000, () => void JSON.stringify(base)));
    line("JSON.parse(state)", time(20_000, () => void JSON.parse(json)));
  }
  log("");
  return out;
}

const configs: [string, { halfLifeDays: number; expireDays?: number }][] = [
  ["half-life only", { halfLifeDays: 14 }],
  ["half-life + expiry", { halfLifeDays: 14, expireDays: 60 }],
];
const pick = process.env.BENCH_KEY;
const results = configs
  .filter(([name]) => !pick || (pick === "halflife" ? !name.includes("expiry") : name.includes("expiry")))
  .map(([name, decay]) => [name, run(name, decay)] as const);
const us = (ns: number | undefined): number => Math.round(ns ?? 0) / 1000;
if (JSON_OUT) {
  const figures = (r: Record<string, number>) => ({
    applyOneEventUs: us(r.single),
    batchOf20PerEventUs: us(r.batchPerEvent),
    evaluateUs: us(r.evaluate),
    recomputePerEventUs: us(r.recomputePerEvent),
    stateJsonBytes: r.bytes,
    stateJsonRoundTripUs: us(r.roundTrip),
  });
  const byConfig = Object.fromEntries(results.map(([name, r]) => [name.includes("expiry") ? "halfLifeExpiry" : "halfLife", figures(r)]));
  console.log(JSON.stringify({ goalUsPerEvent: 5, rounds: ROUNDS, ...byConfig }));
} else {
  console.log(`summary (best of ${ROUNDS} rounds; goal < 5 µs per incremental event)`);
  console.log("  configuration        apply 1   batch/ev  evaluate  recompute/ev  state B  JSON rt");
  for (const [name, r] of results) {
    const f = (ns: number | undefined) => us(ns).toFixed(2).padStart(8);
    console.log(`  ${name.padEnd(20)} ${f(r.single)}  ${f(r.batchPerEvent)}  ${f(r.evaluate)}  ${f(r.recomputePerEvent)}    ${String(r.bytes).padStart(7)}  ${f(r.roundTrip)}`);
  }
}

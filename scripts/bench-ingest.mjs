// D1 cost of one /v1/collect request, measured on the real stack: `wrangler dev`
// on a fresh local D1 with a 50-rule model. Prints round trips, rows read and
// rows written (D1's own `meta`, summed by the Worker) for 1 and 20 events.
// Usage: node scripts/bench-ingest.mjs [--json]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateLocal, startDev } from "./local.mjs";
import { buildAll } from "./build.mjs";

const ORIGIN = "https://bench.example";
const TOKEN = "bench-admin-token";

export function fiftyRuleModel() {
  const rules = [];
  for (let i = 0; i < 20; i++) rules.push({ id: `page-${i}`, category: "key", points: 2, when: { event: "page_view", path: `/p${i}/*` } });
  for (let i = 0; i < 10; i++) rules.push({ id: `custom-${i}`, category: "engagement", points: 3, when: { event: "custom", name: `c${i}` }, limit: { times: 2, per: "day" } });
  for (let i = 0; i < 10; i++) rules.push({ id: `trait-${i}`, category: "fit", points: 4, when: { trait: `t${i}`, gte: i } });
  for (let i = 0; i < 5; i++) rules.push({ id: `any-page-${i}`, category: "engagement", points: 1, when: { event: "page_view", url: `q=${i}` }, limit: { times: 3, per: "session" } });
  rules.push({ id: "trial", category: "key", points: 15, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } });
  rules.push({ id: "chat", category: "key", points: 5, when: { event: "chat" } });
  rules.push({ id: "careers", category: "engagement", points: -5, when: { event: "page_view", path: "/careers*" } });
  rules.push({ id: "adult", must: true, when: { trait: "age", gte: 18 } });
  rules.push({ id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } });
  return {
    tiers: { warm: 15, hot: 30 },
    categories: {
      fit: { kind: "fit", max: 40 },
      key: { kind: "interest", max: 40, decay: { halfLifeDays: 30 } },
      engagement: { kind: "interest", max: 20, decay: { expireDays: 90 } },
    },
    rules,
    triggers: [{ id: "hot", when: { tier: "hot" } }],
  };
}

let seq = 0;
function events(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: `b-${Date.now().toString(36)}-${seq++}`,
    type: i % 5 === 4 ? "custom" : "page_view",
    name: i % 5 === 4 ? `c${i % 10}` : undefined,
    ts: Date.now(),
    url: `https://bench.example/p${i % 20}/item?q=${i % 5}`,
  }));
}

function parseStats(h) {
  return Object.fromEntries((h ?? "").split(";").map((kv) => kv.trim().split("=")).map(([k, v]) => [k, Number(v)]));
}

export async function measureIngest(base) {
  const post = (path, body, headers) =>
    fetch(base + path, { method: "POST", headers: { "content-type": "text/plain", ...headers }, body: JSON.stringify(body) });
  const site = await (await post("/v1/admin/sites", { name: "bench", origins: [ORIGIN] }, { authorization: `Bearer ${TOKEN}` })).json();
  const put = await fetch(`${base}/v1/admin/models/bench`, { method: "PUT", headers: { authorization: `Bearer ${site.secretKey}` }, body: JSON.stringify(fiftyRuleModel()) });
  if (!put.ok) throw new Error(`model PUT failed: ${put.status} ${await put.text()}`);
  const send = async (visitor, n) => {
    const res = await post("/v1/collect", { site: site.publicKey, visitor, session: `${visitor}-s`, events: events(n) }, { origin: ORIGIN });
    if (res.status !== 200) throw new Error(`collect ${res.status}: ${await res.text()}`);
    return parseStats(res.headers.get("x-edgescore-d1"));
  };
  const rows = [];
  rows.hints = null;
  for (const n of [1, 20]) {
    const fresh = await send(`new-${n}`, n);
    await send(`known-${n}`, 1);
    const known = await send(`known-${n}`, n);
    rows.push({ events: n, newVisitor: fresh, knownVisitor: known });
  }
  // GET /v1/hints, sequential, as a page asking for its visitor's hints.
  const lat = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    // The visitor id travels in a header, never in the URL.
    const res = await fetch(`${base}/v1/hints?site=${site.publicKey}`, { headers: { origin: ORIGIN, "x-edgescore-visitor": `known-${i % 2 ? 1 : 20}` } });
    await res.text();
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  rows.hints = { p50ms: +lat[100].toFixed(2), p95ms: +lat[190].toFixed(2) };
  return rows;
}

if (process.argv[1]?.endsWith("bench-ingest.mjs")) {
  const dir = mkdtempSync(join(tmpdir(), "edgescore-bench-"));
  await buildAll();
  migrateLocal(dir);
  const dev = await startDev({ port: 8799, persistTo: dir, vars: { ADMIN_TOKEN: TOKEN }, stdio: "ignore" });
  try {
    const rows = await measureIngest(dev.base);
    if (process.argv.includes("--json")) console.log(JSON.stringify({ collect: rows, hints: rows.hints }, null, 2));
    else {
      console.log("D1 cost per POST /v1/collect (50-rule model, local D1 meta):");
      console.log("events  visitor  round trips  rows read  rows written  (goal: <= 2 round trips, written <= events + 3)");
      for (const r of rows)
        for (const [who, s] of [["new", r.newVisitor], ["known", r.knownVisitor]])
          console.log(`${String(r.events).padStart(6)}  ${who.padEnd(7)}  ${String(s.rt).padStart(11)}  ${String(s.read).padStart(9)}  ${String(s.written).padStart(12)}`);
      console.log(`("known": the isolate served this visitor's previous beacon, so the read round trip is skipped)`);
      console.log(`GET /v1/hints latency on wrangler dev (200 sequential): p50 ${rows.hints.p50ms} ms, p95 ${rows.hints.p95ms} ms`);
    }
  } finally {
    await dev.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

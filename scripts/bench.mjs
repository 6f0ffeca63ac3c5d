// `npm run bench`: EdgeScore's ingest under load, against the limit of this
// stack on this machine. Starts two Workers with `wrangler dev`, each on its own
// fresh local D1: EdgeScore (50-rule model) and a baseline that only validates
// and inserts events (scripts/baseline/), deployed like EdgeScore (behind the
// same static-assets router) and once more bare. Drives all three from this
// process with the same realistic traffic (visits of several beacons of 1-20
// events, returning visitors, 5% resends), all up at once and driven in turns,
// then prints events/s, request latency p50/p95/p99, D1 rows read and written
// per event, the ratio EdgeScore/baseline (goal >= 0.9, issue 12), storage per event and
// per lead (what retention frees and what it keeps), the snippet size and the
// engine's cost per event. Results as JSON in bench-results/bench.json.
// Options: --requests N (default 2000), --concurrency C (default 8), --rounds R (default 3),
// --slices S (default 10: each round takes turns between the workers S times),
// --no-model (EdgeScore without a scoring model: shows what scoring itself costs),
// --floor (the baseline also writes the lead row and a score row: the least any
// lead-scoring collect writes, so the ratio shows what reading and deciding cost).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { buildAll } from "./build.mjs";
import { fiftyRuleModel } from "./bench-ingest.mjs";
import { migrateLocal, root, startDev } from "./local.mjs";
import { clientHeader } from "./simulated-client.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REQUESTS = arg("requests", 2000);
// The machine is shared and the two Workers run one after the other: alternate
// them for several rounds and keep each one's best, so neither is measured
// only in a noisy moment.
const ROUNDS = arg("rounds", 3);
const CONCURRENCY = arg("concurrency", 8);
const SLICES = arg("slices", 10);
// --floor: the baseline also writes a lead row and a score row per request (scripts/baseline/worker.ts).
const FLOOR = process.argv.includes("--floor");
const ORIGIN = "https://bench.example";
const TOKEN = "bench-admin-token";

function rng(seed) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * The same request list for both workers, shaped like real visits: a visit is
 * a visitor sending 1-8 beacons (mostly 1-3 events, sometimes a flush of up to
 * 20), visits interleave, 20% of visitors come back for another visit, and 5%
 * of requests are resends of an earlier one (a lost answer).
 */
export function traffic(n, publicKey) {
  const rand = rng(7);
  const out = [];
  const paths = ["/", "/p1/a", "/p2/b", "/pricing", "/careers", "/p3/c?q=1", "/p4/d?q=2"];
  let id = 0;
  let visitors = 0;
  const open = [];
  const stamp = Date.now().toString(36);
  const beacon = (visitor) => {
    const r = rand();
    const size = r < 0.6 ? 1 : r < 0.9 ? 2 + Math.floor(rand() * 2) : 5 + Math.floor(rand() * 16);
    const events = Array.from({ length: size }, () => {
      const t = rand();
      const type = t < 0.75 ? "page_view" : t < 0.85 ? "custom" : t < 0.92 ? "chat" : t < 0.97 ? "product_view" : "trial_signup";
      return {
        id: `bench-${id++}`,
        type,
        ts: Date.now(),
        url: `https://bench.example${paths[Math.floor(rand() * paths.length)]}`,
        ...(type === "custom" ? { name: `c${Math.floor(rand() * 10)}` } : {}),
        ...(type === "product_view" ? { props: { id: `sku${Math.floor(rand() * 50)}`, category: `cat${Math.floor(rand() * 5)}` } } : {}),
      };
    });
    return JSON.stringify({ site: publicKey, visitor, session: `${visitor}-s`, events });
  };
  while (out.length < n) {
    if (out.length > 10 && rand() < 0.05) {
      out.push(out[Math.floor(rand() * out.length)]);
      continue;
    }
    // Keep about 16 visits open at once; each step continues one of them.
    while (open.length < 16) {
      const back = visitors > 0 && rand() < 0.2;
      // Visitor ids as the snippet makes them: creation time in base 36, then randomness.
      const n = back ? Math.floor(rand() * visitors) : visitors++;
      open.push({ visitor: `${stamp}${n.toString(36).padStart(6, "0")}`, left: 1 + Math.floor(rand() * 8) });
    }
    const i = Math.floor(rand() * open.length);
    const v = open[i];
    out.push(beacon(v.visitor));
    if (--v.left === 0) open.splice(i, 1);
  }
  return out;
}

/** Sends `bodies` with `concurrency` in flight; sums what the answers say (see `summarize`). */
export async function driveRaw(base, bodies, concurrency = CONCURRENCY) {
  const raw = { requests: bodies.length, lat: [], events: 0, errors: 0, read: 0, written: 0, size: 0, roundTrips: {}, d1ms: 0, d1Calls: 0, groups: {}, seconds: 0 };
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t = performance.now();
        const res = await fetch(`${base}/v1/collect`, { method: "POST", headers: { "content-type": "text/plain", origin: ORIGIN, ...clientHeader(JSON.parse(body).visitor) }, body });
        const json = await res.json().catch(() => null);
        raw.lat.push(performance.now() - t);
        if (res.status !== 200) {
          if (raw.errors++ < 3) console.error(`  ${res.status} ${JSON.stringify(json)}`);
          continue;
        }
        raw.events += JSON.parse(body).events.length;
        const s = Object.fromEntries((res.headers.get("x-edgescore-d1") ?? "").split(";").map((kv) => kv.trim().split("=")));
        raw.read += Number(s.read ?? 0);
        raw.written += Number(s.written ?? 0);
        raw.size = Math.max(raw.size, Number(s.size ?? 0));
        raw.roundTrips[s.rt] = (raw.roundTrips[s.rt] ?? 0) + 1;
        raw.d1ms += Number(s.d1ms ?? 0);
        // A write batch shared by k requests (group commit) is 1/k of a D1 call for each.
        const group = Number(s.group ?? 1);
        raw.d1Calls += Number(s.rt ?? 0) - (group > 1 ? 1 - 1 / group : 0);
        if (group > 0) raw.groups[group] = (raw.groups[group] ?? 0) + 1;
      }
    }),
  );
  raw.seconds = (performance.now() - start) / 1000;
  return raw;
}

/** Several drives' sums as one (slices of one run). */
function mergeRaw(parts) {
  const out = { requests: 0, lat: [], events: 0, errors: 0, read: 0, written: 0, size: 0, roundTrips: {}, d1ms: 0, d1Calls: 0, groups: {}, seconds: 0 };
  for (const p of parts) {
    for (const k of ["requests", "events", "errors", "read", "written", "d1ms", "d1Calls", "seconds"]) out[k] += p[k];
    for (const [g, n] of Object.entries(p.groups)) out.groups[g] = (out.groups[g] ?? 0) + n;
    out.lat.push(...p.lat);
    out.size = Math.max(out.size, p.size);
    for (const [rt, n] of Object.entries(p.roundTrips)) out.roundTrips[rt] = (out.roundTrips[rt] ?? 0) + n;
  }
  return out;
}

function summarize(raw) {
  const lat = [...raw.lat].sort((a, b) => a - b);
  const q = (p) => +lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
  return {
    requests: raw.requests,
    events: raw.events,
    errors: raw.errors,
    seconds: +raw.seconds.toFixed(2),
    eventsPerSec: Math.round(raw.events / raw.seconds),
    requestsPerSec: Math.round(raw.requests / raw.seconds),
    p50ms: q(0.5),
    p95ms: q(0.95),
    p99ms: q(0.99),
    rowsReadPerEvent: +(raw.read / raw.events).toFixed(2),
    rowsWrittenPerEvent: +(raw.written / raw.events).toFixed(2),
    dbBytes: raw.size,
    roundTrips: raw.roundTrips,
    d1MsPerRequest: +(raw.d1ms / raw.requests).toFixed(2),
    d1CallsPerRequest: +(raw.d1Calls / raw.requests).toFixed(2),
    writeGroups: raw.groups,
  };
}

export async function drive(base, bodies, concurrency = CONCURRENCY) {
  return summarize(await driveRaw(base, bodies, concurrency));
}

/** One worker on its own fresh local D1, set up and warmed; `slice(bodies)` measures a part of the traffic. */
async function startWorker(name, config, health, setup, port) {
  const dir = mkdtempSync(join(tmpdir(), `edgescore-${name}-`));
  migrateLocal(dir, config);
  const dev = await startDev({ port, persistTo: dir, config, health, vars: { ADMIN_TOKEN: TOKEN, ...(FLOOR && name !== "edgescore" ? { MODE: "floor" } : {}) }, stdio: "ignore" });
  const publicKey = await setup(dev.base);
  const bodies = traffic(REQUESTS, publicKey);
  const warm = await drive(dev.base, bodies.slice(0, 100).map((b) => b.replace(/bench-/g, "warm-"))); // warm up JIT and caches
  return {
    name,
    publicKey,
    bodies,
    warm,
    base: dev.base,
    async stop() {
      await dev.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One round: all workers up at once, each on a fresh D1, the same traffic cut
 * into SLICES slices that take turns between them (E B X, B X E, …). The
 * machine's speed drifts by ±30 % over minutes (other tenants): measured one
 * after the other, whichever worker ran in the faster minute won. Interleaved,
 * all see the same minutes, and the ratio is the code's.
 */
async function round() {
  const e = await startWorker("edgescore", undefined, "/v1/health", edgescoreSetup, 8797);
  const b = await startWorker("baseline", join(root, "scripts/baseline/wrangler.toml"), "/", async () => "pk_baseline", 8798);
  const x = await startWorker("bare", join(root, "scripts/baseline/wrangler.bare.toml"), "/", async () => "pk_baseline", 8796);
  const all = [e, b, x];
  try {
    const parts = { edgescore: [], baseline: [], bare: [] };
    const size = Math.ceil(REQUESTS / SLICES);
    for (let i = 0; i < SLICES; i++) {
      // Each slice starts with the next worker: E B X, B X E, X E B, …
      const order = all.map((_, k) => all[(i + k) % all.length]);
      for (const w of order) parts[w.name].push(await driveRaw(w.base, w.bodies.slice(i * size, (i + 1) * size)));
    }
    const out = {};
    for (const w of all) {
      const r = summarize(mergeRaw(parts[w.name]));
      // Storage per event: the database's growth over the measured run (D1's size_after).
      const bytesPerEvent = r.dbBytes && w.warm.dbBytes ? Math.round((r.dbBytes - w.warm.dbBytes) / r.events) : null;
      const split = w === e ? await storageSplit(e.base, e.publicKey, r.dbBytes) : { bytesPerRawEvent: null, bytesPerLead: null };
      out[w.name] = { ...r, bytesPerEvent, ...split };
    }
    return out;
  } finally {
    for (const w of all) await w.stop();
  }
}

/**
 * Storage per lead and per raw event, apart: SPLIT_LEADS new leads with one
 * event each, then five more events for each. The second growth per event is
 * what an event alone costs (its row, its index entry, its share of the score
 * state): what retention frees. The first growth per lead less one event is
 * what a lead keeps once its events are gone: its lead, visitor and score rows
 * (no session: these beacons carry none, and retention deletes old sessions).
 */
const SPLIT_LEADS = 500;
async function storageSplit(base, publicKey, before) {
  const stamp = Date.now().toString(36);
  const body = (i, ks) =>
    JSON.stringify({
      site: publicKey,
      visitor: `${stamp}q${i.toString(36).padStart(5, "0")}`,
      events: ks.map((k) => ({ id: `split-${i}-${k}`, type: "page_view", ts: Date.now(), url: `https://bench.example/p${k % 4}/x` })),
    });
  const one = await drive(base, Array.from({ length: SPLIT_LEADS }, (_, i) => body(i, [0])));
  const five = await drive(base, Array.from({ length: SPLIT_LEADS }, (_, i) => body(i, [1, 2, 3, 4, 5])));
  if (!before || !one.dbBytes || !five.dbBytes || one.errors || five.errors) return { bytesPerRawEvent: null, bytesPerLead: null };
  const bytesPerRawEvent = (five.dbBytes - one.dbBytes) / five.events;
  return { bytesPerRawEvent: Math.round(bytesPerRawEvent), bytesPerLead: Math.round((one.dbBytes - before) / one.events - bytesPerRawEvent) };
}

export async function edgescoreSetup(base) {
  const site = await (await fetch(`${base}/v1/admin/sites`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ name: "bench", origins: [ORIGIN], rateLimits: { visitorPerMinute: 100000, sitePerMinute: 10000000 } }) })).json();
  if (process.argv.includes("--no-model")) return site.publicKey;
  const put = await fetch(`${base}/v1/admin/models/bench`, { method: "PUT", headers: { authorization: `Bearer ${site.secretKey}` }, body: JSON.stringify(fiftyRuleModel()) });
  if (!put.ok) throw new Error(await put.text());
  return site.publicKey;
}

function engineFigures() {
  try {
    const out = execFileSync(join(root, "node_modules/.bin/tsx"), [join(root, "scripts/bench-engine.ts"), "--json"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    return JSON.parse(out.slice(out.indexOf("{")));
  } catch (e) {
    return { error: String(e.message ?? e).split("\n")[0] };
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();

async function main() {
await buildAll();
const rounds = [];
for (let i = 0; i < ROUNDS; i++) {
  const { edgescore: e, baseline: b, bare: x } = await round();
  const ratio = +(e.eventsPerSec / b.eventsPerSec).toFixed(3);
  const ratioBare = +(e.eventsPerSec / x.eventsPerSec).toFixed(3);
  rounds.push({ edgescore: e.eventsPerSec, baseline: b.eventsPerSec, bare: x.eventsPerSec, ratio, ratioBare, results: { e, b, x } });
  console.log(`round ${i + 1}: edgescore ${e.eventsPerSec} events/s, baseline ${b.eventsPerSec} events/s, bare baseline ${x.eventsPerSec} events/s; ratio ${ratio}, to the bare baseline ${ratioBare}`);
}
// The round with the median ratio (each round's two figures come from the same minutes).
const median = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(rounds.length / 2)];
const edgescore = median.results.e;
const baseline = median.results.b;
const bare = median.results.x;
for (const r of rounds) delete r.results;
const js = readFileSync(join(root, "public/es.js"));
const result = {
  when: new Date().toISOString(),
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  requests: REQUESTS,
  concurrency: CONCURRENCY,
  rounds,
  edgescore,
  baseline,
  bare,
  ratio: +(edgescore.eventsPerSec / baseline.eventsPerSec).toFixed(2),
  // Issue 12 states its goal as the best of 3 alternating rounds; the median stays the headline.
  bestRatio: Math.max(...rounds.map((r) => r.ratio)),
  // The same Worker without the static-assets router in front (scripts/baseline/wrangler.bare.toml).
  ratioBare: +(edgescore.eventsPerSec / bare.eventsPerSec).toFixed(2),
  bestRatioBare: Math.max(...rounds.map((r) => r.ratioBare)),
  baselineMode: FLOOR ? "floor" : "insert",
  snippet: { minified: js.length, gzip: gzipSync(js, { level: 9 }).length },
  engine: engineFigures(),
};
mkdirSync(join(root, "bench-results"), { recursive: true });
writeFileSync(join(root, "bench-results/bench.json"), JSON.stringify(result, null, 2) + "\n");

const row = (label, r) =>
  `${label.padEnd(10)} ${String(r.eventsPerSec).padStart(8)} ${String(r.requestsPerSec).padStart(7)} ${String(r.p50ms).padStart(7)} ${String(r.p95ms).padStart(7)} ${String(r.p99ms).padStart(7)} ${String(r.rowsReadPerEvent).padStart(9)} ${String(r.rowsWrittenPerEvent).padStart(9)} ${String(r.errors).padStart(6)}`;
console.log(`\nPOST /v1/collect, the median of ${ROUNDS} rounds of ${REQUESTS} requests (visits of 1-8 beacons of 1-20 events, 20% returning visitors, 5% resends), concurrency ${CONCURRENCY}, local wrangler dev + D1`);
console.log(`${"worker".padEnd(10)} ${"events/s".padStart(8)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"read/ev".padStart(9)} ${"write/ev".padStart(9)} ${"errors".padStart(6)}`);
console.log(row("edgescore", edgescore));
console.log(row("baseline", baseline));
console.log(row("bare", bare));
console.log(`ratio EdgeScore / baseline (events/s, the median of ${ROUNDS} rounds, each interleaving the three workers in ${SLICES} slices): ${result.ratio}  (goal >= 0.9); best of ${ROUNDS}: ${result.bestRatio}; all rounds: ${rounds.map((r) => r.ratio).join(", ")}`);
console.log(`ratio EdgeScore / bare baseline (no static-assets router in front): ${result.ratioBare}; best of ${ROUNDS}: ${result.bestRatioBare}; all rounds: ${rounds.map((r) => r.ratioBare).join(", ")}`);
// Issue 12's budget: 2 rows per event (its row, the lead index) + 3 per request.
const perRequest = edgescore.events / edgescore.requests;
console.log(`rows written per request: ${(edgescore.rowsWrittenPerEvent * perRequest).toFixed(2)} at ${perRequest.toFixed(2)} events per request; budget 2 per event + 3 = ${(2 * perRequest + 3).toFixed(2)}`);
console.log(`D1 round trips per request (count of requests): ${JSON.stringify(edgescore.roundTrips)}`);
console.log(`D1 calls per request (a write batch shared by k requests counts 1/k for each): edgescore ${edgescore.d1CallsPerRequest}, baseline ${baseline.d1CallsPerRequest}; requests by write group size: ${JSON.stringify(edgescore.writeGroups)}`);
console.log(`D1 time per request (sum of meta.duration): edgescore ${edgescore.d1MsPerRequest} ms, baseline ${baseline.d1MsPerRequest} ms`);
console.log(`storage per event (D1 size growth over the run): edgescore ${edgescore.bytesPerEvent} B, baseline ${baseline.bytesPerEvent} B`);
console.log(`storage per raw event alone (what retention frees): ${edgescore.bytesPerRawEvent} B; per lead without its events (lead, visitor and score rows: what stays): ${edgescore.bytesPerLead} B`);
console.log(`snippet: ${result.snippet.minified} B minified, ${result.snippet.gzip} B gzip`);
console.log(`engine: ${JSON.stringify(result.engine)}`);
console.log("results: bench-results/bench.json");
}

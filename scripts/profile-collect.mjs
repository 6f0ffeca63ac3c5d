// `npm run profile:collect`: where the Worker's CPU goes under `npm run bench`'s
// traffic. Starts `wrangler dev` with the inspector on, drives the same visits as
// the bench, records a V8 CPU profile of the Worker over the measured run and
// prints self time and inclusive time per function (top 40 each), and writes the
// profile to bench-results/collect.cpuprofile (open it in Chrome DevTools).
// Options: --baseline, --bare, --requests N (default 1000), --concurrency C (default 8).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { buildAll } from "./build.mjs";
import { edgescoreSetup, traffic, drive } from "./bench.mjs";
import { migrateLocal, root, startDev } from "./local.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REQUESTS = arg("requests", 1000);
const CONCURRENCY = arg("concurrency", 8);
const INSPECTOR = 9239;
// --baseline: the same profile of the bare validate-and-insert worker (scripts/baseline/), for comparison,
// behind the same static-assets router as EdgeScore (--bare: without it);
// --floor: that worker also writing a lead row and a score row (the least a lead-scoring collect writes).
const FLOOR = process.argv.includes("--floor");
const BARE = process.argv.includes("--bare");
const BASELINE = FLOOR || BARE || process.argv.includes("--baseline");
// --cpu-only: no profiler, the shipped (minified) build: only the CPU per process.
const CPU_ONLY = process.argv.includes("--cpu-only");

/** A tiny CDP client over the inspector's WebSocket. */
async function inspector() {
  let targets = [];
  for (let i = 0; i < 40 && targets.length === 0; i++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${INSPECTOR}/json`)).json();
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const target = targets.find((t) => !/proxy|internal/i.test(t.title ?? "")) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
  let id = 0;
  const waiting = new Map();
  ws.on("message", (m) => {
    const msg = JSON.parse(m.toString());
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((r) => {
      const n = ++id;
      waiting.set(n, r);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close(), title: target.title };
}

/** CPU seconds used so far by each process of the stack (workerd, wrangler's node) and by this one. */
function cpuByProcess() {
  const out = { driver: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 };
  const tick = 100; // USER_HZ
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const kind = /workerd/.test(cmd) ? "workerd" : /wrangler/.test(cmd) ? "wrangler" : null;
      if (!kind || Number(pid) === process.pid) continue;
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      out[kind] = (out[kind] ?? 0) + (Number(f[11]) + Number(f[12])) / tick;
    } catch {}
  }
  return out;
}

function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const total = new Map();
  const dt = profile.timeDeltas;
  const label = (n) => {
    const f = n.callFrame;
    const file = (f.url || "").split("/").pop();
    return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
  };
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (dt[i + 1] ?? 0) / 1000;
    all += ms;
    let n = byId.get(profile.samples[i]);
    self.set(label(n), (self.get(label(n)) ?? 0) + ms);
    const seen = new Set();
    while (n) {
      const l = label(n);
      if (!seen.has(l)) total.set(l, (total.get(l) ?? 0) + ms), seen.add(l);
      n = byId.get(parent.get(n.id));
    }
  }
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 60).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms ${((100 * v) / all).toFixed(1).padStart(5)} %  ${k}`).join("\n");
  const busy = all - (self.get("(idle) :0") ?? 0);
  return { all, busy, text: `self time:\n${top(self)}\n\ninclusive time:\n${top(total)}` };
}

await buildAll();
const dir = mkdtempSync(join(tmpdir(), "edgescore-profile-"));
const config = BASELINE ? join(root, `scripts/baseline/${BARE ? "wrangler.bare.toml" : "wrangler.toml"}`) : undefined;
migrateLocal(dir, config);
const dev = await startDev({ port: 8799, persistTo: dir, vars: { ADMIN_TOKEN: "bench-admin-token", ...(FLOOR ? { MODE: "floor" } : {}) }, stdio: "ignore", config, health: BASELINE ? "/" : "/v1/health", extraArgs: CPU_ONLY ? [] : ["--inspector-port", String(INSPECTOR), "--minify=false"] });
try {
  const publicKey = BASELINE ? "pk_baseline" : await edgescoreSetup(dev.base);
  const bodies = traffic(REQUESTS, publicKey);
  await drive(dev.base, bodies.slice(0, 100).map((b) => b.replace(/bench-/g, "warm-")), CONCURRENCY);
  const cdp = CPU_ONLY ? null : await inspector();
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  const cpu0 = cpuByProcess();
  const r = await drive(dev.base, bodies, CONCURRENCY);
  const cpu1 = cpuByProcess();
  const cpuLine = `CPU per request (ms), by process: ${Object.keys(cpu1).map((k) => `${k} ${((1000 * (cpu1[k] - (cpu0[k] ?? 0))) / r.requests).toFixed(2)}`).join(", ")}`;
  if (!cdp) {
    console.log(`${r.requests} requests, ${r.events} events, ${r.eventsPerSec} events/s, p50 ${r.p50ms} ms\n${cpuLine}`);
    process.exitCode = 0;
  } else {
  const { result } = await cdp.send("Profiler.stop");
  cdp.close();
  mkdirSync(join(root, "bench-results"), { recursive: true });
  writeFileSync(join(root, `bench-results/${BASELINE ? "collect-baseline" : "collect"}.cpuprofile`), JSON.stringify(result.profile));
  const s = summarize(result.profile);
  console.log(`${r.requests} requests, ${r.events} events, ${r.eventsPerSec} events/s (profiling slows it); target ${cdp.title}`);
  console.log(cpuLine);
  console.log(`Worker thread busy (not idle): ${s.busy.toFixed(0)} ms over ${r.seconds} s = ${(s.busy / r.requests).toFixed(2)} ms per request\n`);
  console.log(s.text);
  }
} finally {
  await dev.stop();
  rmSync(dir, { recursive: true, force: true });
}

// `npm run bench:import`: the bulk import on the real stack. Generates 10,000
// leads × 20 events with outcomes (NDJSON, in a temporary file), starts
// `wrangler dev` on a fresh local D1 with a 50-rule model, imports the file
// through the CLI (scripts/import.mjs: parts of ≤ 9 MiB to POST /v1/admin/import)
// and prints leads/s, events/s, total seconds and peak memory (RSS of the
// workerd process sampled every 100 ms, and of this process, which runs the
// CLI). Then imports the same file again and shows that nothing changed.
// Options: --leads N (default 10000), --events E per lead (default 20), and the
// CLI's --part-mib M / --parallel P (its defaults: 9 MiB parts, 1 in flight);
// BENCH_WRANGLER_LOG=FILE keeps wrangler's output.
import { readFileSync, readdirSync, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAll } from "./build.mjs";
import { fiftyRuleModel } from "./bench-ingest.mjs";
import { main as importFile } from "./import.mjs";
import { migrateLocal, startDev } from "./local.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const LEADS = arg("leads", 10_000);
const EVENTS = arg("events", 20);
// The CLI's own knobs, passed through (its defaults otherwise).
const forwarded = ["part-mib", "parallel"].flatMap((k) => (process.argv.includes(`--${k}`) ? [`--${k}`, String(arg(k))] : []));
const TOKEN = "bench-admin-token";
const ORIGIN = "https://bench.example";

function rng(seed) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A CRM-like history: traits, EVENTS events of a year, about 30 % converted. */
async function writeHistory(file) {
  const rand = rng(13);
  const out = createWriteStream(file);
  const year = Date.now() - 365 * 86_400_000;
  const types = ["page_view", "page_view", "page_view", "custom", "chat", "trial_signup"];
  for (let i = 0; i < LEADS; i++) {
    const start = year + Math.floor(rand() * 300 * 86_400_000);
    const events = Array.from({ length: EVENTS }, (_, k) => {
      const type = types[Math.floor(rand() * types.length)];
      return {
        type,
        ts: start + k * 3_600_000 + Math.floor(rand() * 3_600_000),
        ...(type === "page_view" ? { url: `https://bench.example/p${Math.floor(rand() * 20)}/x` } : {}),
        ...(type === "custom" ? { name: `c${Math.floor(rand() * 10)}` } : {}),
      };
    });
    const converted = rand() < 0.3;
    const line = {
      email: `lead${i}@bench.example`,
      traits: { age: 18 + Math.floor(rand() * 50), t1: Math.floor(rand() * 5), plan: rand() < 0.5 ? "pro" : "free" },
      events,
      ...(converted ? { converted: true, convertedAt: start + EVENTS * 3_600_000, value: Math.round(rand() * 500) } : {}),
    };
    if (!out.write(JSON.stringify(line) + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** RSS (bytes) of workerd processes started under `pid` (wrangler spawns workerd). */
function workerdRss(rootPid) {
  let total = 0;
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (comm !== "workerd") continue;
      // Only workerd processes descended from our wrangler.
      let ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      let ours = false;
      for (let hops = 0; hops < 5 && ppid > 1; hops++) {
        if (ppid === rootPid) {
          ours = true;
          break;
        }
        const s = readFileSync(`/proc/${ppid}/stat`, "utf8");
        ppid = Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]);
      }
      if (!ours) continue;
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (kb) total += Number(kb[1]) * 1024;
    } catch {}
  }
  return total;
}

async function measure(label, dev, args) {
  let peakWorkerd = 0;
  let peakCli = 0;
  const sample = () => {
    peakWorkerd = Math.max(peakWorkerd, workerdRss(dev.child.pid));
    peakCli = Math.max(peakCli, process.memoryUsage.rss());
  };
  sample();
  const timer = setInterval(sample, 100);
  const started = performance.now();
  let out;
  try {
    out = await importFile(args, { print: false });
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  sample();
  return { label, seconds, out, peakWorkerd, peakCli };
}

/** BENCH_WRANGLER_LOG=FILE: wrangler's output kept in FILE (why a worker restarted, say). */
function wranglerLog(file) {
  const out = createWriteStream(file);
  return (line) => out.write(line + "\n");
}

const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`;

async function main() {
  await buildAll();
  const dir = mkdtempSync(join(tmpdir(), "edgescore-import-"));
  const file = join(dir, "history.ndjson");
  process.stderr.write(`bench:import: writing ${LEADS} leads × ${EVENTS} events…\n`);
  await writeHistory(file);
  migrateLocal(join(dir, "d1"));
  const dev = await startDev({ port: 8799, persistTo: join(dir, "d1"), vars: { ADMIN_TOKEN: TOKEN }, stdio: "ignore", ...(process.env.BENCH_WRANGLER_LOG ? { onLine: wranglerLog(process.env.BENCH_WRANGLER_LOG) } : {}) });
  try {
    const site = await (await fetch(`${dev.base}/v1/admin/sites`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ name: "bench", origins: [ORIGIN] }) })).json();
    const put = await fetch(`${dev.base}/v1/admin/models/bench`, { method: "PUT", headers: { authorization: `Bearer ${site.secretKey}` }, body: JSON.stringify(fiftyRuleModel()) });
    if (!put.ok) throw new Error(await put.text());
    const args = [file, "--site", site.id, "--key", site.secretKey, "--url", dev.base, ...forwarded];
    const idle = workerdRss(dev.child.pid);
    const first = await measure("first import", dev, args);
    // Shown at once: the figure survives a failure of the second run.
    process.stderr.write(`bench:import: first import ${first.seconds.toFixed(1)} s\n`);
    const again = await measure("same file again", dev, args);
    const size = statSync(file).size;
    const lines = [
      `file: ${(size / 1048576).toFixed(1)} MiB, ${LEADS} leads, ${LEADS * EVENTS} events`,
      `first import: ${first.seconds.toFixed(1)} s — ${Math.round(first.out.leads / first.seconds)} leads/s, ${Math.round(first.out.events / first.seconds)} events/s`,
      `  answer: leads ${first.out.leads}, created ${first.out.created}, updated ${first.out.updated}, events ${first.out.events}, conversions ${first.out.conversions}, skipped ${first.out.skipped}`,
      `  peak RSS: workerd ${mib(first.peakWorkerd)} (idle ${mib(idle)}), CLI ${mib(first.peakCli)}`,
      `  worker time (ms): ${Object.entries(first.out.timing).map(([k, v]) => `${k} ${Math.round(v)}`).join(", ")}`,
      `same file again: ${again.seconds.toFixed(1)} s — created ${again.out.created}, updated ${again.out.updated}, events ${again.out.events}, conversions ${again.out.conversions}${again.out.created + again.out.updated + again.out.events + again.out.conversions === 0 ? " (nothing changed)" : " (CHANGED: not idempotent)"}`,
      `  peak RSS: workerd ${mib(again.peakWorkerd)}, CLI ${mib(again.peakCli)}`,
      `goal: 10,000 leads × 20 events in ≤ 20 s — ${first.seconds <= 20 ? "met" : "not met"}`,
    ];
    process.stdout.write("\n" + lines.join("\n") + "\n");
  } finally {
    await dev.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:import: ${err.stack ?? err}\n`);
  process.exit(1);
});

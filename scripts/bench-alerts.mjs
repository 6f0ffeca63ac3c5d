// Alert latency under `wrangler dev`: from the HTTP response of the event that makes a lead hot
// to the signed webhook arriving at a local receiver (scripts/receiver.mjs). Uses a throwaway
// local D1 (a temp --persist-to), the demo site and demo/dealer/model.json.
//   node scripts/bench-alerts.mjs [leads=10]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAll } from "./build.mjs";
import { migrateLocal, root, startDev } from "./local.mjs";
import { startReceiver } from "./receiver.mjs";
import * as seed from "./seed.mjs";

const N = Number(process.argv[2] ?? 10);
const port = Number(process.env.PORT ?? 8797);
const persistTo = mkdtempSync(join(tmpdir(), "edgescore-alerts-"));
await buildAll();
migrateLocal(persistTo);
// The dealer demo site (seed.mjs seeds one site per demo; older versions one site only).
const keys = seed.seedDemoSites(persistTo, port).dealer;
const receiver = await startReceiver({ port: 0, secret: keys.webhookSecret, log: () => {} });
const dev = await startDev({ port, persistTo, stdio: "ignore" });
const origin = `http://localhost:${port}`;
try {
  const model = JSON.parse(readFileSync(join(root, "demo/dealer/model.json"), "utf8"));
  model.triggers[0].webhook = `http://localhost:${receiver.port}/hooks/test-drive`;
  const auth = { authorization: `Bearer ${keys.secretKey}`, "content-type": "application/json" };
  const put = await fetch(`${dev.base}/v1/admin/models/dealer`, { method: "PUT", headers: auth, body: JSON.stringify(model) });
  if (!put.ok) throw new Error(`PUT model: ${put.status} ${await put.text()}`);

  const collect = (visitor, events) =>
    fetch(`${dev.base}/v1/collect`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8", origin },
      body: JSON.stringify({ site: keys.publicKey, visitor, session: `s-${visitor}`, events }),
    });
  const ev = (type, extra = {}) => ({ id: `${type}-${Math.random().toString(36).slice(2)}`, type, ts: Date.now(), url: `${origin}/demo/dealer/`, ...extra });
  const latencies = [];
  const totals = [];
  for (let i = 0; i < N; i++) {
    const email = `buyer${i}-${Date.now()}@example.com`;
    const visitor = `v-${i}-${Date.now()}`;
    await collect(visitor, [ev("identify", { props: { email, name: `Buyer ${i}`, phone: "+1 555 0199" } }), ev("form_submit", { name: "car-interest", props: { car: "Volta EV" } })]);
    await fetch(`${dev.base}/v1/admin/events`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ email, events: [ev("custom", { name: "email_open" }), ev("custom", { name: "email_click" })] }),
    });
    const sent = Date.now();
    const res = await collect(visitor, [ev("page_view", { url: `${origin}/demo/dealer/directions.html` })]);
    const t0 = Date.now(); // response headers in
    const body = await res.json();
    if (body.hints?.tier !== "hot") throw new Error(`lead ${i} is ${body.hints?.tier}, not hot`);
    const deadline = t0 + 10_000;
    let got;
    while (!(got = receiver.alerts.find((a) => a.lead?.email === email)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    if (!got) throw new Error(`no alert for lead ${i} within 10 s`);
    latencies.push(got.receivedAt - t0);
    totals.push(got.receivedAt - sent);
  }
  const show = (label, xs) => {
    xs.sort((a, b) => a - b);
    const q = (p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    console.log(`  ${label}: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${xs[xs.length - 1]} ms  [${xs.join(", ")}]`);
  };
  console.log(`alert latency (${N} leads, wrangler dev, local D1, receiver on this machine):`);
  show("hot event's response → webhook received", latencies);
  show("hot event sent → webhook received", totals);
} finally {
  await dev.stop();
  await receiver.close();
  rmSync(persistTo, { recursive: true, force: true });
}

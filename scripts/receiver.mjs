// A tiny webhook receiver for the demo: verifies EdgeScore's signature, logs each test-drive
// alert to stdout and lists them on GET / (an auto-refreshing page).
//   node scripts/receiver.mjs            (port 8788, secret from .demo-keys.json)
//   import { startReceiver } from "./receiver.mjs"; await startReceiver({ port, secret });
// What any receiver should do: verify the signature over the raw body, dedupe on
// X-EdgeScore-Delivery (retries resend the same alert), answer 2xx fast, work afterwards.
import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./local.mjs";

const MAX_BODY = 256 * 1024;

/** The car-dealer demo site's keys in .demo-keys.json (one entry per demo site, or a single site). */
export const dealerKeys = (all) => all?.dealer ?? all;

/**
 * True when any signature listed in the header matches: after a secret rotation EdgeScore signs
 * with the new and the old secret for a grace period (`sha256=<new>,sha256=<old>`), so a
 * receiver keeps working whichever of the two it knows. Constant-time compare.
 */
export function verifySignature(secret, rawBody, header) {
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(rawBody).digest("hex"));
  return String(header ?? "")
    .split(",")
    .some((sig) => {
      const got = Buffer.from(sig.trim());
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(alerts) {
  const rows = alerts
    .map(
      (a) => `<tr><td>${esc(new Date(a.receivedAt).toLocaleTimeString())}</td><td>${esc(a.trigger)}</td>
        <td><strong>${esc(a.lead?.name ?? "")}</strong></td><td>${esc(a.lead?.phone ?? "")}</td><td>${esc(a.lead?.email ?? "")}</td>
        <td>${esc(a.lead?.score)} (${esc(a.lead?.tier)})</td><td><code>${esc(a.id)}</code></td></tr>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Test-drive alerts (${alerts.length})</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.4rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body><h1>🔥 Test-drive alerts</h1>
<p>Signed EdgeScore webhooks received on this port (newest first; this page refreshes every 2 s).</p>
${alerts.length ? `<table><tr><th>received</th><th>trigger</th><th>name</th><th>phone</th><th>email</th><th>score</th><th>delivery id</th></tr>${rows}</table>` : "<p><em>No alert yet: make a demo lead hot (see /demo/dealer/).</em></p>"}
</body></html>`;
}

/** Starts the receiver; resolves with {server, port, alerts, close()}. */
export function startReceiver({ port = 8788, secret, host = "127.0.0.1", log = console.log } = {}) {
  if (!secret) throw new Error("startReceiver: the site's webhook secret is required");
  const alerts = []; // newest first
  const seen = new Set(); // delivery ids already handled
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/" || req.url?.startsWith("/?"))) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(page(alerts));
    }
    if (req.method === "GET" && req.url === "/alerts.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(alerts));
    }
    if (req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      if (!verifySignature(secret, raw, req.headers["x-edgescore-signature"])) {
        res.writeHead(401, { "content-type": "text/plain" }).end("bad signature");
        log(`receiver: refused a request with a bad signature on ${req.url}`);
        return;
      }
      const delivery = String(req.headers["x-edgescore-delivery"] ?? "");
      // Answer first, then work: EdgeScore waits at most 5 s and retries on anything but 2xx.
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      if (seen.has(delivery)) return log(`receiver: duplicate delivery ${delivery} ignored`);
      seen.add(delivery);
      let alert;
      try {
        alert = JSON.parse(raw.toString("utf8"));
      } catch {
        return;
      }
      alerts.unshift({ ...alert, receivedAt: Date.now() });
      if (alerts.length > 200) alerts.pop();
      log(`receiver: ${alert.text ?? `${alert.trigger} for ${alert.lead?.email}`} [${delivery}]`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({ server, port: actual, alerts, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keysFile = join(root, ".demo-keys.json");
  const secret = process.env.WEBHOOK_SECRET ?? (existsSync(keysFile) ? dealerKeys(JSON.parse(readFileSync(keysFile, "utf8"))).webhookSecret : null);
  if (!secret) {
    console.error("No webhook secret: run `npm start` once (it writes .demo-keys.json) or set WEBHOOK_SECRET.");
    process.exit(1);
  }
  const port = Number(process.env.RECEIVER_PORT ?? process.argv[2] ?? 8788);
  const r = await startReceiver({ port, secret });
  console.log(`webhook receiver on http://localhost:${r.port}/ (POST any path; alerts listed on GET /)`);
}

// A tiny webhook receiver for the demo: verifies EdgeScore's signature, logs each test-drive
// alert to stdout and lists them on GET / (an auto-refreshing page).
//   node scripts/receiver.mjs            (port 8788, secret from .demo-keys.json)
//   import { startReceiver } from "./receiver.mjs"; await startReceiver({ port, secret });
// What any receiver should do: verify the signature over the raw body, dedupe on
// X-EdgeScore-Delivery (retries resend the same alert), answer 2xx fast, work afterwards.
import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import PostalMime from "postal-mime";
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

/** A Slack Block Kit message drawn the way Slack shows it (header, fields, button, context). */
function slackCard(m) {
  const mrkdwn = (t) => esc(t).replace(/\*([^*\n]+)\*/g, "<b>$1</b>").replace(/\n/g, "<br>");
  const blocks = (m.blocks ?? [])
    .map((b) => {
      if (b.type === "header") return `<div class="sh">${esc(b.text?.text)}</div>`;
      if (b.type === "section") return `<div class="sf">${(b.fields ?? []).map((f) => `<div>${mrkdwn(f.text)}</div>`).join("")}</div>`;
      if (b.type === "actions") return (b.elements ?? []).map((e) => `<a class="sb" href="${esc(e.url)}">${esc(e.text?.text)}</a>`).join(" ");
      if (b.type === "context") return `<div class="sc">${(b.elements ?? []).map((e) => mrkdwn(e.text)).join(" ")}</div>`;
      return "";
    })
    .join("");
  return `<div class="slack"><div class="sa">EdgeScore <span>APP</span> <time>${esc(new Date(m.receivedAt).toLocaleTimeString())}</time></div>${blocks}</div>`;
}

function page(alerts, slack = []) {
  const rows = alerts
    .map(
      (a) => `<tr><td>${esc(new Date(a.receivedAt).toLocaleTimeString())}</td><td>${esc(a.trigger)}</td>
        <td><strong>${esc(a.lead?.name ?? "")}</strong></td><td>${esc(a.lead?.phone ?? "")}</td><td>${esc(a.lead?.email ?? "")}</td>
        <td>${esc(a.lead?.score)} (${esc(a.lead?.tier)})</td><td><code>${esc(a.id)}</code></td></tr>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Test-drive alerts (${alerts.length})</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.4rem .8rem;border-bottom:1px solid #ddd;text-align:left}
.slack{max-width:40rem;border-left:4px solid #e8590c;padding:.5rem 1rem;margin:.8rem 0;background:#f8f8f8}.sa{font-weight:700}.sa span{font-size:.7em;background:#ddd;padding:0 .3em}.sa time{font-weight:400;color:#666;font-size:.85em}
.sh{font-size:1.15em;font-weight:700;margin:.3rem 0}.sf{display:grid;grid-template-columns:1fr 1fr;gap:.4rem 1rem;margin:.4rem 0}.sb{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:.2rem .7rem;color:#111;text-decoration:none}.sc{color:#666;font-size:.85em;margin-top:.4rem}</style>
</head><body><h1>🔥 Test-drive alerts</h1>
<p>Signed EdgeScore webhooks received on this port (newest first; this page refreshes every 2 s).</p>
<p><a href="/inbox">Alert emails (inbox) →</a></p>
<h2>Slack-style messages (${slack.length})</h2>
${slack.length ? slack.map(slackCard).join("") : "<p><em>No Slack message yet (trigger test-drive-slack).</em></p>"}
<h2>Signed webhooks (${alerts.length})</h2>
${alerts.length ? `<table><tr><th>received</th><th>trigger</th><th>name</th><th>phone</th><th>email</th><th>score</th><th>delivery id</th></tr>${rows}</table>` : "<p><em>No alert yet: make a demo lead hot (see /demo/dealer/).</em></p>"}
</body></html>`;
}

/** The inbox: each alert email rendered (headers, text) and, for an ADF lead, its XML. */
function inboxPage(emails) {
  const items = emails
    .map((m) => {
      const adf = /^\s*<\?xml[\s\S]*<adf>/.test(m.text ?? "");
      const field = (tag) => esc((new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(m.text ?? "") ?? [])[1] ?? "");
      const rendered = adf
        ? `<dl class="adf"><dt>Customer</dt><dd>${field("name")} · ${field("phone")} ${field("email")}</dd><dt>Vehicle</dt><dd>${field("year")} ${field("make")} ${field("model")}</dd><dt>Requested</dt><dd>${field("requestdate")}</dd><dt>Comments</dt><dd>${field("comments")}</dd></dl>`
        : `<pre class="text">${esc(m.text)}</pre>`;
      return `<article><h2>${esc(m.subject)}</h2><p class="h">From ${esc(m.from)} · to ${esc(m.to)} · ${esc(m.date)} · Message-ID ${esc(m.messageId)}</p>
${rendered}${adf ? `<details open><summary>ADF/XML (what the dealer's CRM imports)</summary><pre>${esc(m.text)}</pre></details>` : ""}
<details><summary>Raw MIME</summary><pre>${esc(m.raw)}</pre></details></article>`;
    })
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>Alert emails (${emails.length})</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}article{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}.h{color:#555;font-size:.85em}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6rem}dl.adf{display:grid;grid-template-columns:8rem 1fr}dt{font-weight:700}</style>
</head><body><h1>📧 Alert emails</h1>
<p>What EdgeScore sent through the <code>send_email</code> binding in this local run (wrangler dev writes each message to a file; newest first; refreshes every 3 s). <a href="/">← Webhooks and Slack</a></p>
${items || "<p><em>No email yet: make a demo lead hot (see /demo/dealer/).</em></p>"}
</body></html>`;
}

/** Starts the receiver; resolves with {server, port, alerts, slack, emails, addEmailFile(path), close()}. */
export function startReceiver({ port = 8788, secret, host = "127.0.0.1", log = console.log } = {}) {
  if (!secret) throw new Error("startReceiver: the site's webhook secret is required");
  const alerts = []; // newest first
  const slack = []; // Slack-style messages, newest first
  const emails = []; // alert emails, newest first
  const seen = new Set(); // delivery ids already handled
  /** A message local send_email wrote (scripts/start.mjs hands over each path it logs). */
  const addEmailFile = async (file) => {
    try {
      const raw = await readFile(file, "utf8");
      const m = await PostalMime.parse(raw);
      emails.unshift({ file, raw, subject: m.subject, from: m.from?.address, to: (m.to ?? []).map((t) => t.address).join(", "), date: m.date, messageId: m.messageId, text: m.text });
      if (emails.length > 100) emails.pop();
      log(`receiver: email "${m.subject}" to ${(m.to ?? []).map((t) => t.address).join(", ")}`);
    } catch (err) {
      log(`receiver: could not read ${file}: ${err.message}`);
    }
  };
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/" || req.url?.startsWith("/?"))) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(page(alerts, slack));
    }
    if (req.method === "GET" && (req.url === "/inbox" || req.url?.startsWith("/inbox?"))) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(inboxPage(emails));
    }
    if (req.method === "GET" && req.url === "/emails.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(emails));
    }
    if (req.method === "GET" && req.url === "/slack.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(slack));
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
      // A chat channel's message (Slack blocks) rather than the signed webhook's JSON.
      const list = Array.isArray(alert.blocks) ? slack : alerts;
      list.unshift({ ...alert, receivedAt: Date.now() });
      if (list.length > 200) list.pop();
      log(`receiver: ${alert.text ?? `${alert.trigger} for ${alert.lead?.email}`} [${delivery}]`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({ server, port: actual, alerts, slack, emails, addEmailFile, close: () => new Promise((r) => server.close(() => r())) });
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

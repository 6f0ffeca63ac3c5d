// Simulates the dealer's email campaign for a demo lead: the email service reports an open
// (+3) and a click (+7) through the server-side API (secret key from .demo-keys.json).
//   node scripts/demo-email.mjs sam@example.com [http://localhost:8787]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./local.mjs";

const email = process.argv[2];
const base = process.argv[3] ?? process.env.EDGESCORE_URL ?? "http://localhost:8787";
if (!email || !email.includes("@")) {
  console.error("usage: node scripts/demo-email.mjs <email> [base URL]");
  process.exit(2);
}
import { dealerKeys } from "./receiver.mjs";
const { secretKey } = dealerKeys(JSON.parse(readFileSync(join(root, ".demo-keys.json"), "utf8")));
const now = Date.now();
const tag = now.toString(36);
const res = await fetch(`${base}/v1/admin/events`, {
  method: "POST",
  headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
  body: JSON.stringify({
    email,
    events: [
      { id: `email-open-${tag}`, type: "custom", name: "email_open", ts: now - 60_000, props: { campaign: "car-interest" } },
      { id: `email-click-${tag}`, type: "custom", name: "email_click", ts: now - 30_000, props: { campaign: "car-interest" } },
    ],
  }),
});
console.log(res.status, await res.text());
if (!res.ok) process.exit(1);
const lead = await fetch(`${base}/v1/admin/leads?model=${process.env.MODEL ?? "dealer"}&q=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${secretKey}` } });
if (lead.ok) for (const l of (await lead.json()).leads ?? []) console.log(`${l.email}: ${l.score} points, ${l.tier}`);

// Seeds the local D1 with the three demo sites (shop, car dealer, SaaS). Their
// public keys are fixed (public keys are not secret and the demo pages embed
// them); the secret keys are random, made once and kept in .demo-keys.json
// (gitignored) so restarts keep them valid.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, sqlLocal } from "./local.mjs";

export const DEMO_SITES = {
  shop: { id: "site_demo-shop-01", name: "Demo shop", publicKey: "pk_demo_shop" },
  dealer: { id: "site_demo-dealer1", name: "Demo car dealer", publicKey: "pk_demo_dealer" },
  saas: { id: "site_demo-saas-01", name: "Demo SaaS", publicKey: "pk_demo_saas" },
};
const keysFile = join(root, ".demo-keys.json");

/** { shop: {id, publicKey, secretKey, webhookSecret}, dealer: …, saas: … } */
export function demoKeys() {
  const token = (n) => randomBytes(n).toString("base64url");
  let stored = {};
  if (existsSync(keysFile)) {
    try {
      stored = JSON.parse(readFileSync(keysFile, "utf8"));
    } catch {}
  }
  const out = {};
  let changed = false;
  for (const [demo, s] of Object.entries(DEMO_SITES)) {
    const k = stored[demo];
    if (k?.id === s.id && k.secretKey && k.webhookSecret) out[demo] = { ...k, name: s.name, publicKey: s.publicKey };
    else {
      out[demo] = { id: s.id, name: s.name, publicKey: s.publicKey, secretKey: `sk_${s.id}_${token(32)}`, webhookSecret: `whsec_${token(32)}` };
      changed = true;
    }
  }
  if (changed) writeFileSync(keysFile, JSON.stringify(out, null, 2) + "\n");
  return out;
}

export function seedDemoSites(persistTo, port = 8787) {
  const keys = demoKeys();
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const origins = JSON.stringify([`http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  const sql = Object.values(keys)
    .map((k) => {
      const hash = createHash("sha256").update(k.secretKey).digest("hex");
      return `INSERT INTO sites (id, name, public_key, secret_hash, webhook_secret, origins, created_at)
        VALUES (${q(k.id)}, ${q(k.name)}, ${q(k.publicKey)}, ${q(hash)}, ${q(k.webhookSecret)}, ${q(origins)}, ${Date.now()})
        ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, webhook_secret = excluded.webhook_secret, origins = excluded.origins;`;
    })
    .join("\n");
  sqlLocal(sql, persistTo);
  return keys;
}

if (process.argv[1]?.endsWith("seed.mjs")) console.log(JSON.stringify(seedDemoSites(), null, 2));

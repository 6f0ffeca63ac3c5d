// Seeds the local D1 with the demo site. Its public key is fixed (public keys
// are not secret, and the demo pages embed it); the secret key is random, made
// once and kept in .demo-keys.json (gitignored) so restarts keep it valid.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, sqlLocal } from "./local.mjs";

export const DEMO_SITE = "site_demo-local-1";
export const DEMO_PUBLIC_KEY = "pk_demo_local_site";
const keysFile = join(root, ".demo-keys.json");

export function demoKeys() {
  if (existsSync(keysFile)) {
    const k = JSON.parse(readFileSync(keysFile, "utf8"));
    if (k.id === DEMO_SITE && k.secretKey && k.webhookSecret) return k;
  }
  const token = (n) => randomBytes(n).toString("base64url");
  const k = { id: DEMO_SITE, publicKey: DEMO_PUBLIC_KEY, secretKey: `sk_${DEMO_SITE}_${token(32)}`, webhookSecret: `whsec_${token(32)}` };
  writeFileSync(keysFile, JSON.stringify(k, null, 2) + "\n");
  return k;
}

export function seedDemoSite(persistTo, port = 8787) {
  const k = demoKeys();
  const hash = createHash("sha256").update(k.secretKey).digest("hex");
  const origins = JSON.stringify([`http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  sqlLocal(
    `INSERT INTO sites (id, name, public_key, secret_hash, webhook_secret, origins, created_at)
     VALUES (${q(k.id)}, 'EdgeScore demo', ${q(k.publicKey)}, ${q(hash)}, ${q(k.webhookSecret)}, ${q(origins)}, ${Date.now()})
     ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, webhook_secret = excluded.webhook_secret, origins = excluded.origins`,
    persistTo,
  );
  return k;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const k = seedDemoSite();
  console.log(JSON.stringify(k, null, 2));
}

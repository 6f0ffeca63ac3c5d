// `npm start`: a fresh clone to a running EdgeScore in one command, offline and
// without a Cloudflare account: build the assets, migrate the local D1, seed the
// demo site, run `wrangler dev` on http://localhost:8787.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildAll } from "./build.mjs";
import { migrateLocal, root, startDev } from "./local.mjs";
import { setupDemo } from "./demo-setup.mjs";
import { startReceiver } from "./receiver.mjs";
import { seedDemoSites } from "./seed.mjs";

const port = Number(process.env.PORT ?? 8787);
if (!existsSync(join(root, ".dev.vars"))) {
  copyFileSync(join(root, ".dev.vars.example"), join(root, ".dev.vars"));
  console.log("created .dev.vars from .dev.vars.example (ADMIN_TOKEN for local use)");
}
await buildAll();
migrateLocal();
const keys = seedDemoSites(undefined, port);
// Alert emails: wrangler dev's send_email writes each message to a file and logs its path; the
// receiver's inbox (http://localhost:8788/inbox) shows them, rendered and as ADF/XML.
const emailFiles = [];
let receiver = null;
const onLine = (line) => {
  const file = /(\S+\.eml)\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""))?.[1];
  if (!file) return;
  if (receiver) receiver.addEmailFile(file);
  else emailFiles.push(file);
};
// The demo keys reach the Worker through .dev.vars (gitignored, local), never
// on wrangler's command line, where `ps` would show the secret keys to anyone.
setDevVar("DEMO_KEYS", JSON.stringify(keys));
const dev = await startDev({ port, vars: { PUBLIC_URL: `http://localhost:${port}` }, onLine });
await setupDemo(dev.base, keys);
// The car dealer's webhook receiver: test-drive alerts show up on http://localhost:8788.
receiver = await startReceiver({ port: 8788, secret: keys.dealer.webhookSecret });
for (const f of emailFiles.splice(0)) receiver.addEmailFile(f);

console.log(`
  EdgeScore is running on http://localhost:${port}

  Demo sites (keys are local only, kept in .demo-keys.json):
${Object.entries(keys)
  .map(([demo, k]) => `    ${demo.padEnd(7)} http://localhost:${port}/demo/${demo}/   public ${k.publicKey}   secret ${k.secretKey}`)
  .join("\n")}

  Test-drive alerts (the dealer's webhook receiver, Slack-style messages): http://localhost:8788
  Alert emails (text and ADF/XML for the dealer's CRM, as sent by send_email): http://localhost:8788/inbox
  Simulate the dealer's email open + click:  node scripts/demo-email.mjs you@example.com

  Snippet:     <script async src="http://localhost:${port}/es.js" data-site="${keys.shop.publicKey}"></script>
  Try:         curl -s http://localhost:${port}/v1/admin/leads -H "Authorization: Bearer ${keys.shop.secretKey}"
  Stop:        Ctrl+C
`);
/** Sets one NAME='value' line of .dev.vars, keeping the others. */
function setDevVar(name, value) {
  const file = join(root, ".dev.vars");
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => !l.startsWith(name + "="));
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  writeFileSync(file, [...lines, `${name}='${value}'`, ""].join("\n"), { mode: 0o600 });
}

const stop = () => Promise.all([dev.stop(), receiver.close?.()]).then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

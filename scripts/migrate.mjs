// `npm run migrate` (local) or `npm run migrate -- --remote`: applies
// db/migrations to every shard the wrangler config binds (DB, DB_1, …), so a
// new shard or a new migration never leaves a database behind.
import { shardBindings, wrangler } from "./local.mjs";

const remote = process.argv.includes("--remote");
const bindings = shardBindings();
for (const b of bindings) {
  process.stdout.write(`${b}: `);
  const out = wrangler(["d1", "migrations", "apply", b, remote ? "--remote" : "--local"]);
  console.log(/No migrations to apply/.test(out) ? "up to date" : "migrated");
}
console.log(`${bindings.length} shard(s), ${remote ? "remote" : "local"}`);

// Prints the size of the deployed Worker bundle: `wrangler deploy --dry-run` (the real
// bundling, with wrangler.toml's minify and [alias]), minified and gzip -9 / brotli bytes,
// and the biggest contributors by package or worker/ folder (esbuild metafile).
// Then what the size costs at startup: the bundle imported in a fresh Node process (V8, as
// workerd), parse and global scope, best of 5 (cloudflare:email stubbed).
// Exits 1 when the gzip size is over the goal or core-js (mimetext's Babel runtime
// polyfills, swapped out by wrangler.toml [alias]) is back in the bundle.
// Usage: `npm run bench:bundle` (README "Benchmarks", row "Worker bundle").
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** gzip bytes: the goal of README "Benchmarks" (100 KB). */
const GOAL = 100_000;

const out = mkdtempSync(join(tmpdir(), "edgescore-bundle-"));
try {
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--env=", "--outdir", out, "--metafile", join(out, "meta.json")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const js = readFileSync(join(out, "index.js"));
  const gz = gzipSync(js, { level: 9 }).length;
  const br = brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const kib = (n) => (n / 1024).toFixed(1) + " KiB";
  console.log(`Worker bundle  minified ${js.length} B (${kib(js.length)})   gzip ${gz} B (${kib(gz)})   brotli ${br} B (${kib(br)})   goal(gzip) < ${GOAL} B ${gz < GOAL ? "ok" : "OVER"}`);

  const meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8"));
  const output = Object.values(meta.outputs).find((o) => o.entryPoint);
  const by = new Map();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const key = pkg ?? file.split("/").slice(0, 2).join("/");
    by.set(key, (by.get(key) ?? 0) + bytesInOutput);
  }
  console.log("largest parts (minified bytes in the bundle):");
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(v).padStart(7)}  ${k}`);
  const polyfills = Object.keys(output.inputs).filter((f) => f.includes("core-js"));
  if (polyfills.length) console.log(`core-js is back in the bundle (${polyfills.length} modules): check wrangler.toml [alias]`);
  // Startup: a fresh process each time, so nothing is cached between the runs.
  const mod = join(out, "startup.mjs");
  writeFileSync(mod, js.toString("utf8").replace(/from ?"cloudflare:email"/, 'from"data:text/javascript,export class EmailMessage{}"'));
  const probe = `const t=performance.now();await import(${JSON.stringify(mod)});console.log(performance.now()-t)`;
  const runs = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" })));
  console.log(`startup (parse + global scope, fresh Node process, best of 5): ${Math.min(...runs).toFixed(1)} ms (runs: ${runs.map((r) => r.toFixed(1)).join(", ")})`);
  if (gz >= GOAL || polyfills.length) process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}

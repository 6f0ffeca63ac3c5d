// Prints the snippet's size: minified, gzip (level 9) and brotli (quality 11) bytes.
// Builds it first when public/es.js is missing (or with --build).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildSdk } from "./build-sdk.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUDGET_GZIP = 2048;

if (process.argv.includes("--build") || !existsSync(join(root, "public/es.js"))) await buildSdk();

let over = false;
for (const name of ["es.js", "es.mjs"]) {
  const b = await readFile(join(root, "public", name));
  const gz = gzipSync(b, { level: 9 }).length;
  const br = brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`public/${name.padEnd(7)} minified ${String(b.length).padStart(6)} B   gzip ${String(gz).padStart(5)} B   brotli ${String(br).padStart(5)} B`);
  if (name == "es.js" && gz > BUDGET_GZIP) over = true;
}
console.log(`budget: gzip(es.js) <= ${BUDGET_GZIP} B${over ? "  — OVER BUDGET" : "  — ok"}`);
if (over) process.exitCode = 1;

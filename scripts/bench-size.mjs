// Prints the size of every snippet build variant (scripts/build-sdk.mjs VARIANTS):
// minified, gzip (level 9) and brotli (quality 11) bytes, against each gzip budget.
// Builds first when a variant is missing (or with --build); exits 1 when one is over.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildSdk, VARIANTS } from "./build-sdk.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (process.argv.includes("--build") || VARIANTS.some((v) => !existsSync(join(root, "public", v.file)))) await buildSdk();

let over = 0;
for (const v of VARIANTS) {
  const b = await readFile(join(root, "public", v.file));
  const gz = gzipSync(b, { level: 9 }).length;
  const br = brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const ok = gz <= v.budget;
  if (!ok) over++;
  console.log(
    `public/${v.file.padEnd(18)} minified ${String(b.length).padStart(6)} B   gzip ${String(gz).padStart(5)} B   brotli ${String(br).padStart(5)} B   budget(gzip) ${v.budget} B ${ok ? "ok" : "OVER BUDGET"}`,
  );
}
if (over) process.exitCode = 1;

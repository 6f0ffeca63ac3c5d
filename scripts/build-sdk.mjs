// Builds the browser snippet with esbuild:
//   public/es.js  — one minified IIFE for <script async src=".../es.js" data-site="pk_…">
//   public/es.mjs — the ESM build for bundlers: `import { init } from ".../es.mjs"`
// Usage: `node scripts/build-sdk.mjs` (or `npm run build:sdk`); `buildSdk()` for other scripts.
import { build, transform } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const common = {
  bundle: true,
  minify: true,
  target: ["es2017", "chrome61", "firefox60", "safari11"],
  platform: "browser",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
  write: true,
};

/**
 * Builds public/es.js and public/es.mjs.
 * @param {{ outdir?: string }} [opts] output directory (default: <repo>/public)
 * @returns {Promise<{ js: string, mjs: string }>} the written paths
 */
export async function buildSdk(opts = {}) {
  const outdir = opts.outdir ?? join(root, "public");
  await mkdir(outdir, { recursive: true });
  const js = join(outdir, "es.js");
  const mjs = join(outdir, "es.mjs");
  await Promise.all([
    build({ ...common, entryPoints: [join(root, "sdk/index.ts")], format: "iife", outfile: js }),
    build({ ...common, entryPoints: [join(root, "sdk/esm.ts")], format: "esm", outfile: mjs }),
  ]);
  for (const f of [js, mjs]) {
    let src = await readFile(f, "utf8");
    // A second minify pass over the bundle joins the per-module `var` statements
    // and what the first pass could not see across module boundaries.
    src = (await transform(src, { minify: true, target: common.target, charset: "utf8", legalComments: "none", format: f == js ? undefined : "esm" })).code.trimEnd();
    // The code does not rely on strict-mode semantics; 13 bytes of the budget.
    if (src.startsWith('"use strict";')) src = src.slice(13);
    await writeFile(f, src);
    // CSP without 'unsafe-eval': the snippet must never compile code at runtime.
    if (/\beval\s*\(|new\s+Function\b|\bFunction\s*\(/.test(src)) throw new Error(`${f}: contains eval/Function`);
  }
  return { js, mjs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { js, mjs } = await buildSdk();
  const { gzipSync } = await import("node:zlib");
  for (const f of [js, mjs]) {
    const b = await readFile(f);
    console.log(`${f.slice(root.length + 1)}: ${b.length} B, ${gzipSync(b, { level: 9 }).length} B gzip`);
  }
}

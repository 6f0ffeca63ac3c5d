// Builds the browser snippet with esbuild, one build per variant (sdk/features.ts),
// all from the same sources:
//   public/es.js             — tracking: one minified IIFE for <script async src=".../es.js" data-site="pk_…">
//   public/es.personalize.js — the same plus hints applied to the page (data-es-tier,
//                              data-es-promo) and `edgescore('recommend', …)`
//   public/es.mjs            — the ESM build for bundlers, every feature: `import { init } from ".../es.mjs"`
// Usage: `node scripts/build-sdk.mjs` (or `npm run build:sdk`); `buildSdk()` for other scripts.
import { build, transform } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every build: its file, entry, format, features and gzip budget in bytes (test/sdk/size.test.ts). */
export const VARIANTS = [
  { file: "es.js", entry: "sdk/index.ts", format: "iife", personalize: false, lazyForms: true, budget: 2048 },
  { file: "es.personalize.js", entry: "sdk/index.ts", format: "iife", personalize: true, lazyForms: true, budget: 2320 },
  { file: "es.mjs", entry: "sdk/esm.ts", format: "esm", personalize: true, lazyForms: false, budget: 2560 }, // form capture inline: a bundle makes no second request
  // A part the two script-tag builds load on pages with marked forms (sdk/features.ts).
  { file: "es.forms.js", entry: "sdk/forms-part.ts", format: "iife", personalize: false, lazyForms: false, part: true, budget: 512 },
];

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
 * Builds every variant.
 * @param {{ outdir?: string }} [opts] output directory (default: <repo>/public)
 * @returns {Promise<{ js: string, mjs: string, files: Record<string, string> }>} the written paths, by file name
 */
export async function buildSdk(opts = {}) {
  const outdir = opts.outdir ?? join(root, "public");
  await mkdir(outdir, { recursive: true });
  const files = Object.fromEntries(VARIANTS.map((v) => [v.file, join(outdir, v.file)]));
  await Promise.all(
    VARIANTS.map(async (v) => {
      // Pass 1 folds the feature flags, which leaves the code only a left-out
      // feature used unreferenced; pass 2, over that one module, drops it.
      const folded = await build({
        ...common,
        entryPoints: [join(root, v.entry)],
        format: "esm",
        write: false,
        define: { ES_PERSONALIZE: String(v.personalize), ES_LAZY_FORMS: String(v.lazyForms) },
      });
      await build({ ...common, stdin: { contents: folded.outputFiles[0].text, loader: "js" }, format: v.format, outfile: files[v.file] });
    }),
  );
  for (const v of VARIANTS) {
    const f = files[v.file];
    let src = await readFile(f, "utf8");
    // A second minify pass over the bundle joins the per-module `var` statements
    // and what the first pass could not see across module boundaries.
    src = (await transform(src, { minify: true, target: common.target, charset: "utf8", legalComments: "none", format: v.format == "esm" ? "esm" : undefined })).code.trimEnd();
    // The code does not rely on strict-mode semantics; 13 bytes of the budget.
    if (src.startsWith('"use strict";')) src = src.slice(13);
    await writeFile(f, src);
    // CSP without 'unsafe-eval': the snippet must never compile code at runtime.
    if (/\beval\s*\(|new\s+Function\b|\bFunction\s*\(/.test(src)) throw new Error(`${f}: contains eval/Function`);
  }
  return { js: files["es.js"], mjs: files["es.mjs"], files };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files } = await buildSdk();
  const { gzipSync } = await import("node:zlib");
  for (const f of Object.values(files)) {
    const b = await readFile(f);
    console.log(`${f.slice(root.length + 1)}: ${b.length} B, ${gzipSync(b, { level: 9 }).length} B gzip`);
  }
}

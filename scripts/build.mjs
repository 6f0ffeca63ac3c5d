// Builds everything the Worker serves as static assets into public/ (gitignored):
// the snippet (public/es.js, its personalization build public/es.personalize.js, public/es.mjs), the demo sites (public/demo/) and
// the cache policy for them (public/_headers), and the dashboard's model editor script
// (public/assets/editor.<hash>.js, scripts/build-dashboard.mjs).
// Usage: `node scripts/build.mjs` (npm run build). Fast: esbuild only.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildDashboardAssets } from "./build-dashboard.mjs";
import { buildSdk } from "./build-sdk.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pub = join(root, "public");

// The snippet's URL never changes (site owners paste it once), so it is cached
// briefly and revalidated with its ETag; stale-while-revalidate keeps page loads
// from ever waiting on the edge for it.
const SNIPPET_HEADERS = `  Content-Type: application/javascript; charset=utf-8
  Cache-Control: public, max-age=3600, stale-while-revalidate=86400
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
`;
// Dashboard scripts are named by their content hash: a new build is a new URL.
const HEADERS = `${["/es.js", "/es.personalize.js", "/es.mjs", "/es.forms.js"].map((p) => p + "\n" + SNIPPET_HEADERS).join("")}/demo/*
  Cache-Control: no-cache
/favicon.ico
  Content-Type: image/x-icon
  Cache-Control: public, max-age=86400
/assets/*
  Content-Type: text/javascript; charset=utf-8
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
`;

/**
 * /favicon.ico (browsers ask for it on every page; a 404 is noise in every
 * console): a 16×16 32-bit icon, a violet dot, made here so no binary is kept.
 */
export function favicon() {
  const px = Buffer.alloc(16 * 16 * 4);
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 16; x++) {
      const d = Math.hypot(x - 7.5, y - 7.5);
      const a = Math.max(0, Math.min(1, 7.5 - d)); // anti-aliased edge
      px.set([0xd9, 0x28, 0x6d, Math.round(255 * a)], (y * 16 + x) * 4); // BGRA, rows bottom-up (symmetric anyway)
    }
  const mask = Buffer.alloc(16 * 4);
  const bmp = Buffer.alloc(40);
  bmp.writeUInt32LE(40, 0);
  bmp.writeInt32LE(16, 4);
  bmp.writeInt32LE(32, 8); // XOR and AND bitmaps stacked
  bmp.writeUInt16LE(1, 12);
  bmp.writeUInt16LE(32, 14);
  bmp.writeUInt32LE(px.length + mask.length, 20);
  const head = Buffer.alloc(22);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(1, 4);
  head.writeUInt8(16, 6);
  head.writeUInt8(16, 7);
  head.writeUInt16LE(1, 10);
  head.writeUInt16LE(32, 12);
  head.writeUInt32LE(bmp.length + px.length + mask.length, 14);
  head.writeUInt32LE(22, 18);
  return Buffer.concat([head, bmp, px, mask]);
}

export async function buildAll() {
  await rm(pub, { recursive: true, force: true });
  await mkdir(pub, { recursive: true });
  await buildSdk({ outdir: pub });
  await buildDashboardAssets({ outdir: pub });
  if (existsSync(join(root, "demo"))) await cp(join(root, "demo"), join(pub, "demo"), { recursive: true });
  await writeFile(join(pub, "_headers"), HEADERS);
  await writeFile(join(pub, "favicon.ico"), favicon());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildAll();
  console.log("built public/ (es.js, es.personalize.js, es.mjs, demo/, assets/, _headers)");
}

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
const HEADERS = `${["/es.js", "/es.personalize.js", "/es.mjs"].map((p) => p + "\n" + SNIPPET_HEADERS).join("")}/demo/*
  Cache-Control: no-cache
/assets/*
  Content-Type: text/javascript; charset=utf-8
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
`;

export async function buildAll() {
  await rm(pub, { recursive: true, force: true });
  await mkdir(pub, { recursive: true });
  await buildSdk({ outdir: pub });
  await buildDashboardAssets({ outdir: pub });
  if (existsSync(join(root, "demo"))) await cp(join(root, "demo"), join(pub, "demo"), { recursive: true });
  await writeFile(join(pub, "_headers"), HEADERS);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildAll();
  console.log("built public/ (es.js, es.personalize.js, es.mjs, demo/, assets/, _headers)");
}

// @vitest-environment happy-dom
// The snippet's size budget: gzip(public/es.js) ≤ 2,048 bytes (built here).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { beforeAll, expect, it } from "vitest";
// @ts-expect-error plain .mjs build script without types
import { buildSdk } from "../../scripts/build-sdk.mjs";

let js = "";
beforeAll(async () => {
  const out = await buildSdk();
  js = readFileSync(out.js, "utf8");
});

it("public/es.js is ≤ 2,048 bytes gzip", () => {
  const gz = gzipSync(js, { level: 9 }).length;
  console.log(`public/es.js: ${js.length} B minified, ${gz} B gzip`);
  expect(gz).toBeLessThanOrEqual(2048);
});

it("public/es.js compiles no code at runtime and sets no inline styles", () => {
  expect(js).not.toMatch(/\beval\(|new Function|\.style\b|setAttribute\("style"/);
});

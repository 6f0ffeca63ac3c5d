// @vitest-environment happy-dom
// The snippet's size budgets, one per build variant (scripts/build-sdk.mjs
// VARIANTS): gzip(public/es.js) ≤ 2,048 bytes, the personalizing builds their own.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs build script without types
import { buildSdk, VARIANTS } from "../../scripts/build-sdk.mjs";

type Variant = { file: string; personalize: boolean; lazyForms: boolean; part?: boolean; budget: number };
const variants = VARIANTS as Variant[];
const src: Record<string, string> = {};
beforeAll(async () => {
  const out = (await buildSdk()) as { files: Record<string, string> };
  for (const v of variants) src[v.file] = readFileSync(out.files[v.file]!, "utf8");
});

it("public/es.js is ≤ 2,048 bytes gzip", () => {
  const es = variants.find((v) => v.file == "es.js")!;
  expect(es.budget).toBe(2048);
  expect(gzipSync(src["es.js"]!, { level: 9 }).length).toBeLessThanOrEqual(2048);
});

it("es.js and es.personalize.js load form capture as a part (es.forms.js); es.mjs has it inline", () => {
  for (const v of variants.filter((v) => !v.part)) {
    expect(src[v.file]!.includes("/es.forms.js"), v.file).toBe(v.lazyForms);
    expect(src[v.file]!.includes("iban"), v.file).toBe(!v.lazyForms);
  }
  expect(src["es.forms.js"]).toContain("iban");
});

describe.each(variants)("$file", (v) => {
  it(`is within its budget (${v.budget} B gzip)`, () => {
    const gz = gzipSync(src[v.file]!, { level: 9 }).length;
    console.log(`public/${v.file}: ${src[v.file]!.length} B minified, ${gz} B gzip (budget ${v.budget})`);
    expect(gz).toBeLessThanOrEqual(v.budget);
  });

  it("compiles no code at runtime and sets no inline styles", () => {
    expect(src[v.file]).not.toMatch(/\beval\(|new Function|\.style\b|setAttribute\("style"/);
  });

  it(v.personalize ? "applies hints to the page and has recommend" : "leaves out page personalization and recommend", () => {
    for (const marker of ["data-es-tier", "data-es-promo", "MutationObserver", "/v1/recommendations"]) expect(src[v.file]!.includes(marker), marker).toBe(v.personalize);
  });

  it("finding 5: never puts the visitor in a URL; ids come from crypto.getRandomValues", () => {
    expect(src[v.file]).not.toMatch(/visitor=/);
    expect(src[v.file]).not.toMatch(/Math\.random/);
    // (a part makes no ids)
    if (!v.part) expect(src[v.file]).toContain("crypto.getRandomValues");
  });
});

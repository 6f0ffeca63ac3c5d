// The snippet and the demos are static assets (public/, built by `npm run build`).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EDITOR_JS_PATH } from "../../worker/dashboard/editor-asset";

describe("GET /es.js", () => {
  it("serves the built snippet as JavaScript with an ETag and a revalidating cache policy", async () => {
    const res = await env.ASSETS.fetch("https://edgescore.test/es.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600, stale-while-revalidate=86400");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const body = await res.text();
    expect(body.length).toBeGreaterThan(1000);
    expect(body).toContain("/v1/collect");
    const again = await env.ASSETS.fetch("https://edgescore.test/es.js", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });

  it("serves the demo sites", async () => {
    for (const path of ["/demo/shop/", "/demo/dealer/", "/demo/saas/"]) {
      const res = await env.ASSETS.fetch(`https://edgescore.test${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toMatch(/src="\/es(\.personalize)?\.js"/);
    }
  });

  it("serves the personalization build with the snippet's cache policy", async () => {
    const res = await env.ASSETS.fetch("https://edgescore.test/es.personalize.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600, stale-while-revalidate=86400");
    expect(await res.text()).toContain("/v1/recommendations");
  });
});

describe("GET /favicon.ico (issue 15)", () => {
  it("is served as an icon, not a 404 on every page", async () => {
    const res = await env.ASSETS.fetch("https://edgescore.test/favicon.ico");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/x-icon");
    const b = new Uint8Array(await res.arrayBuffer());
    // ICONDIR: reserved 0, type 1 (icon), one image of 16×16
    expect([...b.slice(0, 8)]).toEqual([0, 0, 1, 0, 1, 0, 16, 16]);
  });
});

describe("the SaaS demo's pages (issue 15)", () => {
  it("the pricing page's #trial link has its target, and the trial form maps its fields to traits", async () => {
    const pricing = await (await env.ASSETS.fetch("https://edgescore.test/demo/saas/pricing.html")).text();
    expect(pricing).toContain('href="index.html#trial"');
    const index = await (await env.ASSETS.fetch("https://edgescore.test/demo/saas/index.html")).text();
    expect(index).toMatch(/<form id="trial" data-es-event="trial_signup" data-es-traits="company_size role"/);
  });
});

describe("GET /assets/editor.<hash>.js", () => {
  it("serves the model editor script the Worker links, as built, immutable", async () => {
    const res = await env.ASSETS.fetch(`https://edgescore.test${EDITOR_JS_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await res.text();
    // Minified (the source's comments are gone) and whole.
    expect(body).not.toContain("The JSON document is the one source of truth");
    expect(body).toContain("panel-visual");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
    const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(EDITOR_JS_PATH).toBe(`/assets/editor.${hex.slice(0, 12)}.js`);
  });
});

// The dashboard's model editor (issue 15) inside workerd: the live preview's fragment
// endpoint, the starter templates, the "model needed" notice, the editor script asset,
// and the site's vocabulary handed to the page as text only.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EDITOR_JS_PATH } from "../../worker/dashboard/editor-asset";
import { TEMPLATE_NAMES, TEMPLATES } from "../../worker/models/templates";
import { parseModel } from "../../worker/scoring/model";
import { admin, call, createSite, event, type Keys } from "../support/api";

const HOST = "https://edgescore.test";
const XSS = "<img src=x onerror=alert(1)>";

const model = {
  tiers: { warm: 15, hot: 30 },
  categories: { key: { kind: "interest", max: 50 } },
  rules: [{ id: "demo", category: "key", points: 30, when: { event: "custom", name: "demo_request" } }],
};

function form(path: string, fields: Record<string, string>, cookie?: string) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: HOST };
  if (cookie) headers.cookie = cookie;
  return call(path, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

async function login(keys: Keys): Promise<string> {
  const res = await form("/dashboard/login", { key: keys.secretKey });
  expect(res.status).toBe(303);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

async function page(path: string, cookie: string) {
  const res = await call(path, { headers: { cookie }, redirect: "manual" });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

const csrfOf = (html: string) => /name="_csrf" value="([A-Za-z0-9_-]+)"/.exec(html)![1]!;

describe("model editor (dashboard)", () => {
  it("every template is a valid model document", () => {
    for (const t of TEMPLATE_NAMES) {
      const r = parseModel(TEMPLATES[t].document);
      expect(r.ok ? [] : r.issues, t).toEqual([]);
    }
  });

  it("without a model, the models page says one is needed and links the templates; a template opens in the editor", async () => {
    const keys = await createSite();
    const cookie = await login(keys);
    const list = await page("/dashboard/models", cookie);
    expect(list.html).toContain("A scoring model is needed");
    for (const t of TEMPLATE_NAMES) expect(list.html).toContain(`href="/dashboard/models/${t}?template=${t}"`);

    const ed = await page("/dashboard/models/dealer?template=dealer", cookie);
    expect(ed.status).toBe(200);
    expect(ed.html).toContain("This is the Car dealer starter model");
    const text = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(ed.html)![1]!.replaceAll("&quot;", '"');
    expect(JSON.parse(text)).toEqual(TEMPLATES.dealer.document);
    // An unknown template is ignored: the plain starter.
    const plain = await page("/dashboard/models/dealer?template=nope", cookie);
    expect(plain.html).not.toContain("starter model");
    // The editor script is a static asset (content-hashed, outside the Worker bundle, same
    // origin for the CSP's script-src 'self'), loaded by this page only.
    expect(EDITOR_JS_PATH).toMatch(/^\/assets\/editor\.[0-9a-f]{12}\.js$/);
    expect(ed.html).toContain(`<script src="${EDITOR_JS_PATH}" defer=""></script>`);
    expect(ed.headers.get("content-security-policy")).toMatch(/script-src 'self'(;|$)/);
    expect((await page("/dashboard/models", cookie)).html).not.toContain(EDITOR_JS_PATH);
    const js = await env.ASSETS.fetch(HOST + EDITOR_JS_PATH);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toContain("panel-visual");
    // The Worker no longer carries it.
    expect((await call(EDITOR_JS_PATH.replace("/assets/", "/dashboard/assets/"))).status).toBe(404);
  });

  it("hands the site's vocabulary to the editor as an escaped attribute: beacon strings stay text", async () => {
    const keys = await createSite();
    expect((await admin("/models/sales", keys.secretKey, { method: "PUT", body: model })).status).toBe(201);
    const sent = await admin("/events", keys.secretKey, {
      body: { email: "x@example.com", traits: { plan: `"><script>alert(1)</script>` }, events: [event("custom", { name: XSS }), event("page_view", { url: "https://shop.example/pricing" })] },
    });
    expect(sent.status).toBe(200);
    const cookie = await login(keys);
    // With a model, the models page no longer says one is needed, and still offers the templates.
    const list = await page("/dashboard/models", cookie);
    expect(list.html).not.toContain("A scoring model is needed");
    expect(list.html).toContain('href="/dashboard/models/shop?template=shop"');
    const { html } = await page("/dashboard/models/sales", cookie);
    const attr = /data-vocab="([^"]*)"/.exec(html)![1]!;
    expect(html).not.toContain(XSS);
    expect(html).not.toContain("<script>alert(1)");
    const vocab = JSON.parse(attr.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&#39;", "'").replaceAll("&amp;", "&"));
    expect(vocab.eventNames).toEqual([{ type: "custom", value: XSS, count: 1 }]);
    expect(vocab.paths).toEqual([{ value: "/pricing", count: 1 }]);
    expect(vocab.traits.find((t: { key: string }) => t.key === "plan").values).toEqual([{ value: `"><script>alert(1)</script>`, count: 1 }]);
  });

  it("POST …/preview answers the live preview as a fragment: movers, or the problems (each once), or where the JSON breaks", async () => {
    const keys = await createSite();
    expect((await admin("/models/sales", keys.secretKey, { method: "PUT", body: model })).status).toBe(201);
    expect((await admin("/events", keys.secretKey, { body: { email: "h@example.com", traits: { name: "Hana Hot" }, events: [event("custom", { name: "demo_request" })] } })).status).toBe(200);
    const cookie = await login(keys);
    const token = csrfOf((await page("/dashboard/models/sales", cookie)).html);
    const preview = (document: string, t = token) => form("/dashboard/models/sales/preview", { _csrf: t, document }, cookie);

    const edited = JSON.stringify({ ...model, rules: [{ ...model.rules[0], points: 5 }] });
    const ok = await preview(edited);
    expect(ok.status).toBe(200);
    const frag = await ok.text();
    expect(frag).not.toMatch(/<html|<!doctype/i);
    expect(frag).toMatch(/<p data-summary="true"><b>0<\/b> leads move up, <b>1<\/b> down/);
    expect(frag).toContain("Hana Hot");

    const bad = await preview(JSON.stringify({ ...model, rules: [...model.rules, { id: "x", points: 2 }] }));
    expect(bad.status).toBe(400);
    const issues = [...(await bad.text()).matchAll(/<li><code>([^<]*)<\/code>: ([^<]*)<\/li>/g)].map((m) => `${m[1]}: ${m[2]}`);
    expect(issues).toEqual(["rules.1.when: required"]);

    const broken = await preview('{\n  "tiers": {"warm": 15,,\n}');
    expect(broken.status).toBe(400);
    expect(await broken.text()).toMatch(/not valid JSON: [^<]*\(line 2, column 24\)/);

    // A POST like any other: the session's CSRF token is required.
    expect((await preview(edited, "wrong")).status).toBe(403);
    // Nothing was saved by previewing.
    expect(((await (await admin("/models/sales", keys.secretKey)).json()) as { version: number }).version).toBe(1);
  });
});

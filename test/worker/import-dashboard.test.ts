// The dashboard's Import page (issue 13): linked in the nav, CSP-clean (no inline
// script), and its upload route streams a part to the admin API as the signed-in
// site, behind the session's CSRF token.
import { IMPORT_JS_PATH, JS_PATH } from "../../worker/dashboard/assets";
import { describe, expect, it } from "vitest";
import { call, countRows, createSite, type Keys } from "../support/api";

const HOST = "https://edgescore.test";

async function login(keys: Keys): Promise<string> {
  const res = await call("/dashboard/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: HOST },
    body: new URLSearchParams({ key: keys.secretKey }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

const upload = (cookie: string, body: string, headers: Record<string, string>, query = "") =>
  call(`/dashboard/import/upload${query}`, { method: "POST", headers: { cookie, origin: HOST, ...headers }, body, redirect: "manual" });

describe("dashboard Import page", () => {
  it("is in the nav, has the upload form and no inline script", async () => {
    const site = await createSite();
    const cookie = await login(site);
    const res = await call("/dashboard/import", { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/dashboard/import" aria-current="page"');
    expect(html).toContain('id="import-form"');
    expect(html).toMatch(/data-csrf="[A-Za-z0-9_-]+"/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    // Its script is its own, loaded only here; every other page's app.js stays small.
    expect(html).toContain(`<script src="${IMPORT_JS_PATH}" defer=""></script>`);
    const js = await call(IMPORT_JS_PATH);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await js.text()).toContain("import-form");
    const app = await (await call(JS_PATH)).text();
    expect(app).not.toContain("import-form");
  });

  it("uploads a CSV part with the session's CSRF token and answers the import's summary", async () => {
    const site = await createSite();
    const cookie = await login(site);
    const html = await (await call("/dashboard/import", { headers: { cookie } })).text();
    const csrf = /data-csrf="([A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const csvText = "email,age,won\na@x.co,30,yes\nb@x.co,x,no\n";
    const map = encodeURIComponent(JSON.stringify({ email: "email", traits: { age: "number" }, outcome: "won" }));

    const forged = await upload(cookie, csvText, { "content-type": "text/csv", "x-csrf-token": "nope" }, `?map=${map}`);
    expect(forged.status).toBe(403);
    const cross = await upload(cookie, csvText, { "content-type": "text/csv", "x-csrf-token": csrf, origin: "https://evil.example" }, `?map=${map}`);
    expect(cross.status).toBe(403);
    expect(await countRows("leads")).toBe(0);

    const res = await upload(cookie, csvText, { "content-type": "text/csv", "x-csrf-token": csrf }, `?map=${map}&line_offset=10`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      leads: 1, created: 1, updated: 0, events: 0, conversions: 1, skipped: 1,
      errors: [{ line: 13, path: "age", message: '"x" is not a number' }],
      ignored: [],
    });
    expect(await countRows("leads")).toBe(1);
  });

  it("sends a visitor without a session to sign in", async () => {
    const res = await call("/dashboard/import/upload", { method: "POST", headers: { "content-type": "text/csv", origin: HOST }, body: "a\n1\n", redirect: "manual" });
    expect(res.status).toBe(303);
    expect(await countRows("leads")).toBe(0);
  });
});

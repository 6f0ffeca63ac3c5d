// Issue 15: a new owner's first minutes in the dashboard: "New site" with the
// operator token (keys once, a session), the setup walk-through (origins edited
// with the exact-match rule, the snippet, the first-event check, a starter model),
// and the numbers the lead pages show (integers; the code only where it says more).
import { describe, expect, it } from "vitest";
import { admin, call, collect, createSite, event, OPERATOR, ORIGIN, rows } from "../support/api";

const HOST = "https://edgescore.test";

function form(path: string, fields: Record<string, string>, opts: { cookie?: string; origin?: string | null; ip?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.ip) headers["cf-connecting-ip"] = opts.ip;
  if (opts.origin !== null) headers.origin = opts.origin ?? HOST;
  return call(path, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}
const get = (path: string, cookie?: string) => call(path, { headers: cookie ? { cookie } : {}, redirect: "manual" });
const csrfOf = (html: string) => /name="_csrf" value="([A-Za-z0-9_-]+)"/.exec(html)![1]!;

describe("New site (operator token)", () => {
  it("creates the site, shows its keys once, signs the owner in and leads to the setup page", async () => {
    expect((await get("/dashboard/sites/new")).status).toBe(200);
    const res = await form("/dashboard/sites/new", { token: OPERATOR, name: "Acme <b>", origins: "https://acme.example\nhttp://localhost:3000" });
    expect(res.status).toBe(201);
    const html = await res.text();
    const secret = /(sk_site_[A-Za-z0-9_-]+)/.exec(html)![1]!;
    expect(html).toContain("Acme &lt;b&gt;");
    expect(html).toContain('href="/dashboard/setup"');
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const setup = await get("/dashboard/setup", cookie);
    expect(setup.status).toBe(200);
    const page = await setup.text();
    expect(page).toContain("https://acme.example\nhttp://localhost:3000");
    expect(page).toMatch(/must match exactly/);
    expect(page).toMatch(/data-site=&quot;pk_[A-Za-z0-9_-]+&quot;/);
    expect(page).toContain('data-first-event="/dashboard/setup/status"');
    expect(page).toContain("Waiting for your first event");
    for (const t of ["saas", "shop", "dealer"]) expect(page).toContain(`href="/dashboard/models/${t}?template=${t}"`);
    expect(page).toMatch(/scored only once the site has a scoring model/);
    // The key works for the API.
    expect((await admin("/keys", secret)).status).toBe(200);
  });

  it("a wrong token or invalid origins create nothing and say why", async () => {
    const before = (await rows("SELECT id FROM sites")).length;
    const bad = await form("/dashboard/sites/new", { token: "nope", name: "X", origins: "https://x.example" });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("operator token is not valid");
    const inv = await form("/dashboard/sites/new", { token: OPERATOR, name: "X", origins: "https://x.example/path" });
    expect(inv.status).toBe(400);
    expect(await inv.text()).toContain("origins.0");
    const foreign = await form("/dashboard/sites/new", { token: OPERATOR, name: "X", origins: "https://x.example" }, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect((await rows("SELECT id FROM sites")).length).toBe(before);
  });

  it("guessing the operator token through the form is limited per client like the API", async () => {
    // Clear of a minute's end: the binding counts per minute.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
    for (let i = 0; i < 10; i++) expect((await form("/dashboard/sites/new", { token: `nope-${i}`, name: "X", origins: "https://x.example" }, { ip: "192.0.2.91" })).status).toBe(401);
    const limited = await form("/dashboard/sites/new", { token: "nope-10", name: "X", origins: "https://x.example" }, { ip: "192.0.2.91" });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain("Too many wrong operator tokens");
    // Now the right token too, for the rest of the minute.
    expect((await form("/dashboard/sites/new", { token: OPERATOR, name: "X", origins: "https://x.example" }, { ip: "192.0.2.91" })).status).toBe(429);
    expect((await form("/dashboard/sites/new", { token: OPERATOR, name: "X", origins: "https://x.example" }, { ip: "192.0.2.92" })).status).toBe(201);
  });
});

describe("the setup walk-through", () => {
  async function signedIn() {
    const keys = await createSite();
    const res = await form("/dashboard/login", { key: keys.secretKey });
    return { keys, cookie: res.headers.get("set-cookie")!.split(";")[0]! };
  }

  it("edits the origins (CSRF-checked, validated with paths), and the first-event check turns true once a beacon arrives", async () => {
    const { keys, cookie } = await signedIn();
    const html = await (await get("/dashboard/setup", cookie)).text();
    const csrf = csrfOf(html);
    expect((await form("/dashboard/setup/origins", { origins: "https://x.example" }, { cookie })).status).toBe(403);
    const bad = await form("/dashboard/setup/origins", { _csrf: csrf, origins: "https://ok.example\nftp://no" }, { cookie });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml, badHtml.slice(badHtml.indexOf("<main"), badHtml.indexOf("<main") + 600)).toContain("origins.1");
    const ok = await form("/dashboard/setup/origins", { _csrf: csrf, origins: `${ORIGIN}\nhttps://www.shop.example` }, { cookie });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/dashboard/setup?msg=origins");
    const [row] = await rows<{ origins: string }>("SELECT origins FROM sites WHERE id = ?", keys.id);
    expect(JSON.parse(row!.origins)).toEqual([ORIGIN, "https://www.shop.example"]);

    const status = async () => (await (await get("/dashboard/setup/status", cookie)).json()) as { received: boolean };
    expect(await status()).toMatchObject({ received: false });
    expect((await collect({ site: keys.publicKey, visitor: "v-first", events: [event("page_view")] }, { origin: "https://www.shop.example" })).status).toBe(200);
    expect(await status()).toMatchObject({ received: true });
    expect(await (await get("/dashboard/setup", cookie)).text()).toContain("Events are arriving");
    // Signed out: no status.
    expect((await get("/dashboard/setup/status")).status).toBe(303);
  });
});

describe("numbers on the lead pages (issue 15)", () => {
  it("scores are whole numbers; without a lead type or must-haves the CODE column is left out, with one it is shown and explained", async () => {
    const keys = await createSite();
    const plain = { tiers: { warm: 15, hot: 40 }, rules: [{ id: "v", points: 13.33, when: { event: "page_view" } }] };
    expect((await admin("/models/plain", keys.secretKey, { method: "PUT", body: plain })).status).toBe(201);
    await admin("/events", keys.secretKey, { body: { email: "a@example.com", events: [event("page_view"), event("page_view"), event("page_view")] } });
    const res = await form("/dashboard/login", { key: keys.secretKey });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const list = await (await get("/dashboard/?model=plain", cookie)).text();
    // 3 × 13.33 = 39.99 → 40: hot, the figure and the tier agree
    expect(list).toMatch(/<b>40<\/b>/);
    expect(list).not.toContain("39.99");
    expect(list).not.toMatch(/>Code</);
    const api = (await (await admin("/leads?model=plain", keys.secretKey)).json()) as { leads: { score: number; tier: string; code: number }[] };
    expect(api.leads[0]).toMatchObject({ score: 40, tier: "hot", code: 40 });

    const typed = { ...plain, leadType: { trait: "size", codes: { small: 1, large: 3 } } };
    expect((await admin("/models/plain", keys.secretKey, { method: "PUT", body: typed })).status).toBe(200);
    await admin("/events", keys.secretKey, { body: { email: "a@example.com", traits: { size: "large" }, events: [event("custom", { name: "x" })] } });
    const list2 = await (await get("/dashboard/?model=plain", cookie)).text();
    expect(list2).toMatch(/>Code<span aria-hidden="true">\*<\/span>/);
    expect(list2).toContain("<code>3040</code>");
    expect(list2).toContain("lead type × 1000");
  });

  it("an anonymous lead gets a readable label instead of its raw id", async () => {
    const keys = await createSite();
    await collect({ site: keys.publicKey, visitor: "v-anon", events: [event("page_view")] });
    const [lead] = await rows<{ id: string }>("SELECT id FROM leads WHERE site_id = ?", keys.id);
    const res = await form("/dashboard/login", { key: keys.secretKey });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const list = await (await get("/dashboard/", cookie)).text();
    expect(list).toContain(`Anonymous #${lead!.id.slice(-4)}`);
    expect(list).not.toContain(`>${lead!.id}<`);
  });
});

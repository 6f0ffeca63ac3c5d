// Issue 15: a site's settings after creation (GET/PATCH /v1/admin/sites/:id),
// conversion events recorded from events in the ingest transaction, and a
// refused origin told why in a JSON body the snippet can read.
import { describe, expect, it } from "vitest";
import { admin, call, collect, countRows, createSite, event, OPERATOR, ORIGIN, rows } from "../support/api";

type Settings = {
  id: string;
  name: string;
  publicKey: string;
  origins: string[];
  rateLimits: { visitorPerMinute: number; sitePerMinute: number };
  keepParams: string[];
  conversionEvents: Record<string, { valueProp?: string }>;
};
type Err = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };

const patch = (id: string, key: string, body: unknown) => admin(`/sites/${id}`, key, { method: "PATCH", body });

describe("GET/PATCH /v1/admin/sites/:id", () => {
  it("the site's own secret key reads and changes name, origins, limits and conversion events; no secret is in the answer", async () => {
    const k = await createSite();
    const got = await admin(`/sites/${k.id}`, k.secretKey);
    expect(got.status).toBe(200);
    const s = (await got.json()) as Settings;
    expect(s).toMatchObject({ id: k.id, name: "Test shop", publicKey: k.publicKey, origins: [ORIGIN], rateLimits: { visitorPerMinute: 120, sitePerMinute: 60000 }, conversionEvents: {} });
    const text = JSON.stringify(s);
    for (const secret of [k.secretKey, k.webhookSecret, k.identitySecret]) expect(text).not.toContain(secret);

    const res = await patch(k.id, k.secretKey, {
      name: "Trailhead",
      origins: ["https://shop.example", "HTTP://localhost:8080/", "https://shop.example"],
      rateLimits: { visitorPerMinute: 60 },
      conversionEvents: { purchase: { valueProp: "value" } },
    });
    expect(res.status).toBe(200);
    const after = (await res.json()) as Settings;
    expect(after).toMatchObject({
      name: "Trailhead",
      origins: ["https://shop.example", "http://localhost:8080"],
      rateLimits: { visitorPerMinute: 60, sitePerMinute: 60000 },
      conversionEvents: { purchase: { valueProp: "value" } },
    });
    // What is not named stays; a list of names is stored as names without a value prop.
    const again = (await (await patch(k.id, k.secretKey, { conversionEvents: ["signup_done"] })).json()) as Settings;
    expect(again).toMatchObject({ name: "Trailhead", conversionEvents: { signup_done: {} }, origins: ["https://shop.example", "http://localhost:8080"] });
    const [row] = await rows<{ conversion_events: string; name: string }>("SELECT conversion_events, name FROM sites WHERE id = ?", k.id);
    expect(JSON.parse(row!.conversion_events)).toEqual({ signup_done: {} });
  });

  it("the operator token works for any site; another site's key gets 404, no key 401", async () => {
    const a = await createSite();
    const b = await createSite();
    expect((await admin(`/sites/${a.id}`, OPERATOR)).status).toBe(200);
    expect(((await (await patch(a.id, OPERATOR, { name: "By operator" })).json()) as Settings).name).toBe("By operator");
    const foreign = await admin(`/sites/${a.id}`, b.secretKey);
    expect(foreign.status).toBe(404);
    expect((await patch(a.id, b.secretKey, { name: "stolen" })).status).toBe(404);
    expect((await call(`/v1/admin/sites/${a.id}`)).status).toBe(401);
    expect((await admin(`/sites/site_nonexistent0`, OPERATOR)).status).toBe(404);
    const [row] = await rows<{ name: string }>("SELECT name FROM sites WHERE id = ?", a.id);
    expect(row!.name).toBe("By operator");
  });

  it("lists every problem of a PATCH with its path (400), and refuses an empty one", async () => {
    const k = await createSite();
    const res = await patch(k.id, k.secretKey, {
      name: "",
      origins: ["https://ok.example", "https://a.example/path"],
      rateLimits: { visitorPerMinute: 1 },
      conversionEvents: { __proto__x: {}, purchase: { valueProp: 5 } },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Err;
    expect(body.error.issues!.map((i) => i.path).sort()).toEqual(["conversionEvents", "name", "origins.1", "rateLimits.visitorPerMinute"]);
    expect((await patch(k.id, k.secretKey, {})).status).toBe(400);
    expect((await patch(k.id, k.secretKey, { name: "x".repeat(70 * 1024) })).status).toBe(413);
    expect((await patch(k.id, k.secretKey, "nope")).status).toBe(400);
    // Nothing half-applied.
    const [row] = await rows<{ name: string }>("SELECT name FROM sites WHERE id = ?", k.id);
    expect(row!.name).toBe("Test shop");
  });

  it("a changed origin list applies to the next beacon (the isolate's site cache is dropped)", async () => {
    const k = await createSite();
    const body = { site: k.publicKey, visitor: "v-origins", events: [event("page_view")] };
    expect((await collect(body)).status).toBe(200);
    await patch(k.id, k.secretKey, { origins: ["https://other.example"] });
    expect((await collect({ ...body, events: [event("page_view")] })).status).toBe(403);
    expect((await collect({ ...body, events: [event("page_view")] }, { origin: "https://other.example" })).status).toBe(200);
  });
});

describe("conversion events (issue 15)", () => {
  it("an event named in conversionEvents records a conversion with its value, in the same write as the event", async () => {
    const k = await createSite();
    await patch(k.id, k.secretKey, { conversionEvents: { purchase: { valueProp: "value" }, demo_booked: {} } });
    const visitor = "v-buyer";
    const res = await collect({
      site: k.publicKey,
      visitor,
      events: [event("page_view"), event("purchase", { props: { order: "o-1", value: 129.5 } })],
    });
    expect(res.status).toBe(200);
    const [lead] = await rows<{ id: string; converted_at: number; conversion_value: number }>(
      "SELECT l.id, l.converted_at, l.conversion_value FROM leads l JOIN visitors v ON v.lead_id = l.id WHERE v.id = ? AND l.site_id = ?",
      visitor,
      k.id,
    );
    expect(lead!.conversion_value).toBe(129.5);
    expect(lead!.converted_at).toBeGreaterThan(0);
    // A custom event by name; a resend of the same events converts nothing again.
    await collect({ site: k.publicKey, visitor, events: [event("custom", { name: "demo_booked" })] });
    const dup = event("purchase", { props: { value: 10 } });
    await collect({ site: k.publicKey, visitor, events: [dup] });
    await collect({ site: k.publicKey, visitor, events: [dup] });
    const conv = await rows<{ value: number | null }>("SELECT value FROM conversions WHERE lead_id = ? ORDER BY id", lead!.id);
    expect(conv.map((c) => c.value)).toEqual([129.5, null, 10]);
    const [after] = await rows<{ conversion_value: number; converted_at: number }>("SELECT conversion_value, converted_at FROM leads WHERE id = ?", lead!.id);
    expect(after!.conversion_value).toBe(139.5);
    expect(after!.converted_at).toBe(lead!.converted_at);
    // The admin API sees it as any conversion.
    const detail = (await (await admin(`/leads/${lead!.id}`, k.secretKey)).json()) as { lead: { converted: boolean }; conversions: { value: number | null }[] };
    expect(detail.lead.converted).toBe(true);
    expect(detail.conversions.map((c) => c.value)).toEqual([129.5, null, 10]);
  });

  it("no conversion for events the site did not name (or before it named them)", async () => {
    const k = await createSite();
    await collect({ site: k.publicKey, visitor: "v-x", events: [event("purchase", { props: { value: 5 } }), event("custom", { name: "purchase" })] });
    expect(await countRows("conversions", "site_id = ?", k.id)).toBe(0);
    await patch(k.id, k.secretKey, { conversionEvents: ["trial_signup"] });
    await collect({ site: k.publicKey, visitor: "v-x", events: [event("purchase", { props: { value: 5 } }), event("trial_signup")] });
    expect(await countRows("conversions", "site_id = ?", k.id)).toBe(1);
  });
});

describe("a refused origin is told why (issue 15)", () => {
  it("collect's 403 is JSON the refused page may read, naming the origin and the exact-match rule", async () => {
    const k = await createSite();
    const res = await collect({ site: k.publicKey, visitor: "v", events: [event("page_view")] }, { origin: "http://shop.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://shop.example");
    const body = (await res.json()) as Err;
    expect(body.error.code).toBe("origin_not_allowed");
    expect(body.error.message).toContain('"http://shop.example"');
    expect(body.error.message).toMatch(/exactly \(scheme, host and port\)/);
    expect(await countRows("events")).toBe(0);
  });

  it("the preflight's 403 has the same JSON body (and no CORS grant)", async () => {
    const res = await call("/v1/collect", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const body = (await res.json()) as Err;
    expect(body.error.code).toBe("origin_not_allowed");
    expect(body.error.message).toContain('"https://evil.example"');
  });
});

describe("a new site is told what comes next (issue 15)", () => {
  it("the 201 answer names the snippet, the exact-match origin rule and the scoring model it still needs", async () => {
    const res = await call("/v1/admin/sites", {
      method: "POST",
      headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "New", origins: [ORIGIN] }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { publicKey: string; nextSteps: string[] };
    expect(body.nextSteps).toHaveLength(3);
    expect(body.nextSteps[0]).toContain(`data-site="${body.publicKey}"`);
    expect(body.nextSteps[1]).toMatch(/exactly \(scheme, host and port\)/);
    expect(body.nextSteps[2]).toMatch(/scoring model: PUT \/v1\/admin\/models\/:name/);
  });
});

describe("PATCH /v1/admin/sites/:id takes any input without a 5xx (property)", () => {
  it("every body gets a 200 or a 4xx with paths; what is stored always reads back as valid settings", async () => {
    const fc = (await import("fast-check")).default;
    const k = await createSite();
    const value: import("fast-check").Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.constantFrom("__proto__", "constructor", "purchase", "value", "https://a.example", "ftp://x"),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("valueProp", "purchase", "__proto__")), tie("v"), { maxKeys: 4 }),
      ),
    })).v;
    const body = fc.record(
      { name: value, origins: value, rateLimits: value, catalogHosts: value, keepParams: value, retentionDays: value, conversionEvents: value },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, value), async (b) => {
        const res = await patch(k.id, k.secretKey, b);
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) expect(((await res.json()) as Err).error.code).toMatch(/^[a-z_]+$/);
        const s = (await (await admin(`/sites/${k.id}`, k.secretKey)).json()) as Settings;
        expect(typeof s.conversionEvents).toBe("object");
        expect(Array.isArray(s.origins)).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

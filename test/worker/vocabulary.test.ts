// GET /v1/admin/vocabulary (issue 15): what the model editor's pickers offer. Counts
// from the site's own recent leads only, top N of each list, personal trait values never.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VOCABULARY_LIMIT, type Vocabulary } from "../../worker/models/vocabulary";
import { admin, call, createSite, event } from "../support/api";

const pv = (path: string) => event("page_view", { url: `https://shop.example${path}` });

async function vocabulary(key: string, q = ""): Promise<Vocabulary> {
  const res = await admin(`/vocabulary${q}`, key);
  expect(res.status).toBe(200);
  return res.json();
}

describe("GET /v1/admin/vocabulary", () => {
  it("lists the site's event types, names, paths and trait values, most frequent first, counted", async () => {
    const keys = await createSite();
    const other = await createSite();
    const send = (key: string, email: string, traits: Record<string, unknown>, events: unknown[]) =>
      admin("/events", key, { body: { email, traits, events } }).then((r) => expect(r.status).toBe(200));
    await send(keys.secretKey, "a@example.com", { company_size: "mid", seats: 12, beta: true }, [pv("/pricing"), pv("/pricing"), pv("/about"), event("custom", { name: "email_open" })]);
    await send(keys.secretKey, "b@example.com", { company_size: "mid" }, [pv("/pricing"), event("form_submit", { name: "car-interest" })]);
    await send(keys.secretKey, "c@example.com", { company_size: "large", name: "Cleo" }, [event("custom", { name: "email_open" }), event("custom", { name: "email_click" })]);
    await send(other.secretKey, "z@example.com", { other_site_trait: "x" }, [pv("/only-on-the-other-site"), event("custom", { name: "secret_event" })]);

    const v = await vocabulary(keys.secretKey);
    expect(v.window).toEqual({ leads: 3, events: 8 });
    expect(v.eventTypes).toEqual([
      { value: "page_view", count: 4 },
      { value: "custom", count: 3 },
      { value: "form_submit", count: 1 },
    ]);
    expect(v.eventNames).toEqual([
      { type: "custom", value: "email_open", count: 2 },
      { type: "custom", value: "email_click", count: 1 },
      { type: "form_submit", value: "car-interest", count: 1 },
    ]);
    expect(v.paths).toEqual([
      { value: "/pricing", count: 3 },
      { value: "/about", count: 1 },
    ]);
    const trait = (k: string) => v.traits.find((t) => t.key === k);
    expect(trait("company_size")).toEqual({ key: "company_size", count: 3, values: [{ value: "mid", count: 2 }, { value: "large", count: 1 }] });
    // Values keep their JSON type, so a picked value makes the same rule as typed JSON would.
    expect(trait("seats")?.values).toEqual([{ value: 12, count: 1 }]);
    expect(trait("beta")?.values).toEqual([{ value: true, count: 1 }]);
    // Personal data: the key is offered (a rule may test that it exists), its values never.
    expect(trait("name")).toEqual({ key: "name", count: 1, values: [] });
    expect(JSON.stringify(v)).not.toMatch(/a@example\.com|Cleo/);
    // Site-scoped: nothing of the other site.
    expect(JSON.stringify(v)).not.toMatch(/only-on-the-other-site|secret_event|other_site_trait/);
    const o = await vocabulary(other.secretKey);
    expect(o.paths).toEqual([{ value: "/only-on-the-other-site", count: 1 }]);
  });

  it("is bounded: top N of each list (default and ?limit), limit validated", async () => {
    const keys = await createSite();
    const events = Array.from({ length: 30 }, (_, i) => pv(`/p/${String(i).padStart(2, "0")}`));
    for (let i = 0; i < 5; i++) events.push(pv("/p/popular"));
    const traits = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}`, `v${i}`]));
    expect((await admin("/events", keys.secretKey, { body: { visitor: "v-bound", traits, events } })).status).toBe(200);

    const v = await vocabulary(keys.secretKey);
    expect(v.paths).toHaveLength(VOCABULARY_LIMIT);
    expect(v.paths[0]).toEqual({ value: "/p/popular", count: 5 });
    expect(v.traits).toHaveLength(VOCABULARY_LIMIT);
    const two = await vocabulary(keys.secretKey, "?limit=2");
    expect(two.paths.map((p) => p.value)).toEqual(["/p/popular", "/p/00"]);
    expect(two.traits).toHaveLength(2);
    expect(two.eventTypes).toEqual([{ value: "page_view", count: 35 }]);

    for (const bad of ["0", "101", "abc", "2.5", "-1"]) {
      const res = await admin(`/vocabulary?limit=${bad}`, keys.secretKey);
      expect(res.status, bad).toBe(400);
      const body = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(body.error.issues.map((i) => i.path)).toEqual(["limit"]);
    }
  });

  it("any query answers 200 or a 400 with the path, never a 5xx", async () => {
    const keys = await createSite();
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("limit", "x", "limit[]"), fc.string({ unit: "binary", maxLength: 40 })), async (q) => {
        const res = await admin(`/vocabulary?${new URLSearchParams(q)}`, keys.secretKey);
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(((await res.json()) as { error: { issues: { path: string }[] } }).error.issues[0]!.path).toBe("limit");
      }),
      { numRuns: 60 },
    );
  });

  it("needs the site's secret key; an empty site has an empty vocabulary", async () => {
    expect((await call("/v1/admin/vocabulary")).status).toBe(401);
    expect((await admin("/vocabulary", "sk_nope")).status).toBe(401);
    const keys = await createSite();
    expect(await vocabulary(keys.secretKey)).toEqual({ window: { leads: 0, events: 0 }, eventTypes: [], eventNames: [], paths: [], traits: [] });
  });
});

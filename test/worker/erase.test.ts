import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../worker/lib/crypto";
import { admin, collect, countRows, createSite, event, rows } from "../support/api";

const model = {
  tiers: { warm: 10, hot: 20 },
  rules: [{ id: "cart", points: 10, when: { event: "cart" } }],
  triggers: [{ id: "hot", when: { tier: "hot" }, webhook: "https://hooks.example/erase" }],
  promos: [{ id: "welcome", when: { tier: "warm" }, codes: ["CODE-1", "CODE-2"] }],
};

/** Every row that names the lead, its visitors or its email, table by table. */
async function traces(lead: string, visitors: string[], email: string) {
  const v = JSON.stringify(visitors);
  const inV = "IN (SELECT value FROM json_each(?2))";
  return {
    leads: await countRows("leads", "id = ?1 OR email = ?2", lead, email),
    events: await countRows("events", `lead_id = ?1 OR visitor_id ${inV}`, lead, v),
    sessions: await countRows("sessions", `lead_id = ?1 OR visitor_id ${inV}`, lead, v),
    visitors: await countRows("visitors", `lead_id = ?1 OR id ${inV}`, lead, v),
    lead_scores: await countRows("lead_scores", "lead_id = ?1", lead),
    alerts: await countRows("alerts", "lead_id = ?1 OR payload LIKE ?2", lead, `%${email}%`),
    conversions: await countRows("conversions", "lead_id = ?1", lead),
    promo_codes: await countRows("promo_codes", "lead_id = ?1", lead),
  };
}

describe("DELETE /v1/admin/leads/:id", () => {
  it("erases the lead and everything that names it, in one go; the code stays used", async () => {
    const site = await createSite();
    await admin("/models/shop", site.secretKey, { method: "PUT", body: model });
    const email = "erase.me@example.com";
    // Two devices, sessions, an identify, a promo code (warm) and an alert (hot), a conversion.
    await collect({ site: site.publicKey, visitor: "phone", session: "s1", events: [event("page_view"), event("cart")] });
    // Signed identify (verified identity): the two devices become one lead.
    const signature = await hmacSha256Hex(site.identitySecret, email);
    await collect({ site: site.publicKey, visitor: "laptop", session: "s2", events: [event("identify", { props: { email, name: "Erin" }, signature })] });
    await collect({ site: site.publicKey, visitor: "phone", session: "s1", events: [event("identify", { props: { email }, signature }), event("cart")] });
    const { lead } = (await (await admin("/events", site.secretKey, { body: { email, events: [event("custom", { name: "email_open" })] } })).json()) as { lead: string };
    expect((await admin("/conversions", site.secretKey, { body: { lead, value: 9 } })).status).toBe(201);
    // Someone else, who must survive.
    await collect({ site: site.publicKey, visitor: "other", events: [event("cart")] });

    const before = await traces(lead, ["phone", "laptop"], email);
    for (const [table, n] of Object.entries(before)) expect(n, table).toBeGreaterThan(0);
    const othersBefore = await countRows("events", "site_id = ?1", site.id);

    const res = await admin(`/leads/${lead}`, site.secretKey, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    expect(await traces(lead, ["phone", "laptop"], email)).toEqual({
      leads: 0, events: 0, sessions: 0, visitors: 0, lead_scores: 0, alerts: 0, conversions: 0, promo_codes: 0,
    });
    expect(await rows("SELECT * FROM leads WHERE site_id = ?1 AND (name = 'Erin' OR traits LIKE '%Erin%')", site.id)).toEqual([]);
    // The code it held is still taken (never given to anyone else), without a link to the person.
    const codes = await rows<{ code: string; lead_id: string | null }>("SELECT code, lead_id FROM promo_codes WHERE site_id = ?1 AND lead_id LIKE 'erased:%'", site.id);
    expect(codes).toHaveLength(1);
    expect(codes[0]!.lead_id).toBe(`erased:${codes[0]!.code}`);
    // The other lead is untouched.
    expect(await countRows("events", "site_id = ?1", site.id)).toBe(othersBefore - before.events);
    expect(await countRows("leads", "site_id = ?1", site.id)).toBe(1);

    expect((await admin(`/leads/${lead}`, site.secretKey)).status).toBe(404);
    expect((await admin(`/leads/${lead}`, site.secretKey, { method: "DELETE" })).status).toBe(404);
    // The same person coming back starts from nothing.
    await collect({ site: site.publicKey, visitor: "phone", events: [event("page_view")] });
    const back = (await (await admin("/leads", site.secretKey)).json()) as { leads: { email: string | null; score: number }[] };
    expect(back.leads.find((l) => l.email === email)).toBeUndefined();
  });

  it("404s an unknown lead and another site's, which stays intact", async () => {
    const a = await createSite();
    const b = await createSite();
    const { lead } = (await (await admin("/events", a.secretKey, { body: { email: "keep@a.example", events: [event("chat")] } })).json()) as { lead: string };
    expect((await admin(`/leads/${lead}`, b.secretKey, { method: "DELETE" })).status).toBe(404);
    expect((await admin("/leads/ld_nobody", a.secretKey, { method: "DELETE" })).status).toBe(404);
    expect(await countRows("leads", "id = ?1", lead)).toBe(1);
    expect(await countRows("events", "lead_id = ?1", lead)).toBe(1);
  });
});

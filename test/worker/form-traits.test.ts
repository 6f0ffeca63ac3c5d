// Issue 15: traits a form sends (the snippet's identify with data-es-trait fields)
// are a browser's evidence: they fill the visitor's own lead and its fit rules,
// and never overwrite what the site's server set, nor reach another person's lead.
import { describe, expect, it } from "vitest";
import { admin, collect, createSite, event, rows } from "../support/api";

const model = {
  tiers: { warm: 20, hot: 40 },
  rules: [
    { id: "trial", points: 20, when: { event: "trial_signup" } },
    { id: "mid", category: "fit", points: 25, when: { trait: "company_size", in: ["mid", "large"] } },
  ],
};
const leadOfVisitor = async (v: string) =>
  (await rows<{ id: string; traits: string; email: string | null }>("SELECT l.id, l.traits, l.email FROM leads l JOIN visitors v ON v.lead_id = l.id WHERE v.id = ?", v))[0]!;

describe("form traits from a browser", () => {
  it("fill the visitor's own lead, so fit rules fire from the page", async () => {
    const k = await createSite();
    await admin("/models/m", k.secretKey, { method: "PUT", body: model });
    // What the snippet sends for a trial form with data-es-traits="company_size role"
    const res = await collect({
      site: k.publicKey,
      visitor: "v-form",
      events: [event("identify", { props: { email: "ann@acme.example", company_size: "mid", role: "CFO" } }), event("trial_signup", { props: { company_size: "mid" } })],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { hints: { tier: string } }).hints.tier).toBe("hot");
    const lead = await leadOfVisitor("v-form");
    expect(JSON.parse(lead.traits)).toMatchObject({ email: "ann@acme.example", company_size: "mid", role: "CFO" });
  });

  it("never overwrite a trait the site's server set, nor touch the lead that holds the email", async () => {
    const k = await createSite();
    await admin("/models/m", k.secretKey, { method: "PUT", body: model });
    const r = await admin("/events", k.secretKey, { body: { email: "cfo@corp.example", traits: { company_size: "small" }, events: [event("page_view")] } });
    const held = ((await r.json()) as { lead: string }).lead;
    const before = (await rows<{ traits: string }>("SELECT traits FROM leads WHERE id = ?", held))[0]!.traits;
    // Another browser claims that email with a bigger company size.
    await collect({ site: k.publicKey, visitor: "v-claim", events: [event("identify", { props: { email: "cfo@corp.example", company_size: "large" } })] });
    expect((await rows<{ traits: string }>("SELECT traits FROM leads WHERE id = ?", held))[0]!.traits).toBe(before);
    expect((await leadOfVisitor("v-claim")).id).not.toBe(held);
    // The server's trait on its own lead also stands against the lead's own browser.
    expect((await admin("/events", k.secretKey, { body: { visitor: "v-own", traits: { company_size: "small" }, events: [event("page_view")] } })).status).toBe(200);
    await collect({ site: k.publicKey, visitor: "v-own", events: [event("identify", { props: { company_size: "large", role: "CFO" } })] });
    expect(JSON.parse((await leadOfVisitor("v-own")).traits)).toMatchObject({ company_size: "small", role: "CFO" });
  });
});

// DOMAIN.md's car dealer, end to end through the HTTP API: 10, 13, 20, 40 → one alert.
import { describe, expect, it } from "vitest";
import { admin, collect, countRows, createSite, event, rows } from "../support/api";
import { dealerModel } from "../support/models";

interface LeadDetail {
  lead: { id: string; email: string };
  scores: { model: string; score: number; tier: string; code: number; disqualified: boolean; disqualifiedBy: string[]; rules: { id: string; hits: number; pointsNow: number }[]; categories: Record<string, { value: number; max: number }> }[];
  timeline: { type: string }[];
  alerts: { trigger_id: string; crossing: number }[];
}

describe("the car dealer", () => {
  it("scores 10, 13, 20 (warm), 40 (hot) and sends one test-drive alert", async () => {
    const site = await createSite(["https://dealer.example"]);
    expect((await admin("/models/test-drive", site.secretKey, { method: "PUT", body: dealerModel })).status).toBe(201);
    const origin = { origin: "https://dealer.example" };
    const page = (path: string) => event("page_view", { url: `https://dealer.example${path}` });
    const score = async (leadId: string) => {
      const d = (await (await admin(`/leads/${leadId}`, site.secretKey)).json()) as LeadDetail;
      return d.scores[0]!;
    };

    // 1. The "car I'm interested in" form with name, email and phone: +10.
    const r1 = await collect(
      {
        site: site.publicKey,
        visitor: "buyer",
        session: "s1",
        events: [page("/models/suv"), event("identify", { props: { email: "sam@example.com", name: "Sam Buyer", phone: "+1 555 0199" } }), event("form_submit", { name: "car-interest", props: { car: "SUV" } })],
      },
      origin,
    );
    expect(await r1.json()).toMatchObject({ accepted: 3, hints: { tier: "cold" } });
    const leadId = (await rows<{ lead_id: string }>("SELECT lead_id FROM visitors WHERE id = 'buyer'"))[0]!.lead_id;
    expect(await score(leadId)).toMatchObject({ score: 10, tier: "cold" });

    // 2. The email service reports an open (+3) and a click (+7).
    const email = (events: unknown[]) => admin("/events", site.secretKey, { body: { email: "sam@example.com", events } });
    await email([{ id: "open-1", type: "custom", name: "email_open", ts: Date.now() - 60_000 }]);
    expect(await score(leadId)).toMatchObject({ score: 13, tier: "cold" });
    await email([{ id: "click-1", type: "custom", name: "email_click", ts: Date.now() - 30_000 }]);
    expect(await score(leadId)).toMatchObject({ score: 20, tier: "warm" });
    expect(await countRows("alerts")).toBe(0);

    // 3. Days later the directions page: +20 → 40, past 30: hot, and the alert fires.
    const r3 = await collect({ site: site.publicKey, visitor: "buyer", session: "s2", events: [page("/directions/north")] }, origin);
    expect(await r3.json()).toMatchObject({ accepted: 1, hints: { tier: "hot" } });
    const s3 = await score(leadId);
    expect(s3).toMatchObject({ score: 40, tier: "hot", code: 40 });
    expect(s3.categories).toMatchObject({ key: { value: 30, max: 50 }, engagement: { value: 10, max: 20 }, fit: { value: 0, max: 50 } });
    expect(s3.rules.find((r) => r.id === "directions")).toMatchObject({ hits: 1, pointsNow: 20 });
    const alerts = await rows<{ lead_id: string; trigger_id: string; crossing: number; webhook: string; payload: string; status: string }>("SELECT * FROM alerts");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ lead_id: leadId, trigger_id: "test-drive", crossing: 1, status: "pending", webhook: "https://dealer.example/hooks/test-drive" });
    const payload = JSON.parse(alerts[0]!.payload);
    expect(payload).toMatchObject({ trigger: "test-drive", lead: { id: leadId, email: "sam@example.com", name: "Sam Buyer", phone: "+1 555 0199", score: 40, tier: "hot", code: 40 } });
    expect(payload.events.map((e: { url: string }) => e.url)).toEqual(["https://dealer.example/directions/north"]);

    // 4. A second directions visit changes nothing: the rule counts once per lead.
    await collect({ site: site.publicKey, visitor: "buyer", session: "s2", events: [page("/directions/south")] }, origin);
    const s4 = await score(leadId);
    expect(s4).toMatchObject({ score: 40, tier: "hot" });
    expect(s4.rules.find((r) => r.id === "directions")).toMatchObject({ hits: 1, pointsNow: 20 });
    expect(await countRows("alerts")).toBe(1);

    // The ranked list shows the buyer first.
    await collect({ site: site.publicKey, visitor: "browser", events: [page("/")] }, origin);
    const list = (await (await admin("/leads", site.secretKey)).json()) as { leads: { id: string; score: number; tier: string; email: string | null }[] };
    expect(list.leads.map((l) => [l.email, l.score, l.tier])).toEqual([
      ["sam@example.com", 40, "hot"],
      [null, 0, "cold"],
    ]);
  });

  it("disqualifies a student: score 0, no alert, whatever the behaviour", async () => {
    const site = await createSite(["https://dealer.example"]);
    await admin("/models/test-drive", site.secretKey, { method: "PUT", body: dealerModel });
    const res = await collect(
      {
        site: site.publicKey,
        visitor: "student",
        events: [
          event("identify", { props: { email: "kim@uni.example", occupation: "student" } }),
          event("form_submit", { name: "car-interest" }),
          event("page_view", { url: "https://dealer.example/directions" }),
          event("custom", { name: "email_click" }),
        ],
      },
      { origin: "https://dealer.example" },
    );
    expect(await res.json()).toMatchObject({ accepted: 4, hints: { tier: "disqualified" } });
    const [row] = await rows<{ score: number; tier: string }>("SELECT score, tier FROM lead_scores");
    expect(row).toEqual({ score: 0, tier: "disqualified" });
    expect(await countRows("alerts")).toBe(0);
    const leadId = (await rows<{ lead_id: string }>("SELECT lead_id FROM visitors WHERE id = 'student'"))[0]!.lead_id;
    const d = (await (await admin(`/leads/${leadId}`, site.secretKey)).json()) as LeadDetail;
    expect(d.scores[0]).toMatchObject({ score: 0, tier: "disqualified", disqualified: true, disqualifiedBy: ["student"] });
  });
});

// Finding 1 (lead takeover by claiming an email) and finding 10 (a merge leaves a
// promo code pointing at a deleted lead): a browser identify is a claim; only
// verified identity (signed identify, server calls) merges into a lead that
// belongs to someone else; traits from weaker sources never overwrite stronger ones.
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../worker/lib/crypto";
import { admin, collect, countRows, createSite, event, rows, type Keys } from "../support/api";

const model = {
  tiers: { warm: 10, hot: 30 },
  rules: [
    { id: "visit", points: 5, when: { event: "page_view" } },
    { id: "click", points: 30, when: { event: "custom", name: "email_click" } },
  ],
  triggers: [{ id: "call-now", when: { tier: "hot" } }],
  promos: [{ id: "vip", when: { tier: "warm" }, codes: ["VIP-1", "VIP-2", "VIP-3"], message: "VIP" }],
};

type Hints = { tier: string; promo: { code: string } | null };
const hintsOf = async (res: Response) => ((await res.json()) as { hints: Hints }).hints;
const leadOf = async (visitor: string) => (await rows<{ lead_id: string }>("SELECT lead_id FROM visitors WHERE id = ?", visitor))[0]?.lead_id;
const lead = async (id: string) =>
  (await rows<{ id: string; email: string | null; name: string | null; phone: string | null; identity: string | null; claimed_email: string | null; traits: string }>("SELECT * FROM leads WHERE id = ?", id))[0]!;

/** The victim: known to the site's server (email click, name, phone), hot and holding a VIP code. */
async function victimSite(): Promise<{ site: Keys; victim: string }> {
  const site = await createSite();
  expect((await admin("/models/main", site.secretKey, { method: "PUT", body: model })).status).toBe(201);
  const r = await admin("/events", site.secretKey, {
    body: { email: "victim@corp.example", traits: { name: "Victor Real", phone: "+1 555 0001" }, events: [{ id: "clk-1", type: "custom", name: "email_click", ts: Date.now() - 60_000 }] },
  });
  const victim = ((await r.json()) as { lead: string }).lead;
  expect((await rows<{ code: string }>("SELECT code FROM promo_codes WHERE lead_id = ?", victim)).map((x) => x.code)).toEqual(["VIP-1"]);
  return { site, victim };
}

describe("finding 1: claiming a customer's email takes over nothing", () => {
  it("an anonymous identify with the victim's email reads and changes nothing of the victim's lead", async () => {
    const { site, victim } = await victimSite();
    const before = await lead(victim);
    const attack = await collect({
      site: site.publicKey,
      visitor: "mallory",
      events: [event("identify", { props: { email: "VICTIM@corp.example", name: "Mallory", phone: "+1 666 0666" } })],
    });
    expect(attack.status).toBe(200);
    // The answer carries the attacker's own (cold) hints, not the victim's tier or code.
    expect(await hintsOf(attack)).toMatchObject({ tier: "cold", promo: null });
    // The attacker's visitor stays on its own lead, which records the claim.
    const mine = await leadOf("mallory");
    expect(mine).not.toBe(victim);
    expect(await lead(mine!)).toMatchObject({ email: null, claimed_email: "victim@corp.example", name: "Mallory", identity: null });
    // The victim's lead is untouched.
    expect(await lead(victim)).toEqual(before);
    // Later beacons of the attacker still get only its own hints.
    expect(await hintsOf(await collect({ site: site.publicKey, visitor: "mallory", events: [event("page_view")] }))).toMatchObject({ tier: "cold", promo: null });
    expect(await hintsOf(await collect({ site: site.publicKey, visitor: "mallory", events: [event("page_view")] }))).toMatchObject({ tier: "warm", promo: { code: "VIP-2" } });
    // A later alert about the victim carries the victim's own contact data.
    await admin("/events", site.secretKey, { body: { email: "victim@corp.example", events: [{ id: "clk-2", type: "custom", name: "email_click", ts: Date.now() }] } });
    expect(await lead(victim)).toMatchObject({ name: "Victor Real", phone: "+1 555 0001", email: "victim@corp.example" });
    for (const a of await rows<{ payload: string }>("SELECT payload FROM alerts WHERE lead_id = ?", victim)) {
      expect(JSON.parse(a.payload).lead).toMatchObject({ name: "Victor Real", phone: "+1 555 0001" });
    }
    expect(await countRows("alerts", "payload LIKE '%Mallory%'")).toBe(0);
  });

  it("a signed identify is verified identity: it merges; a wrong signature is refused with its path", async () => {
    const { site, victim } = await victimSite();
    await collect({ site: site.publicKey, visitor: "victim-laptop", events: [event("page_view")] });
    const bad = await collect({
      site: site.publicKey,
      visitor: "victim-laptop",
      events: [event("identify", { props: { email: "victim@corp.example" }, signature: "0".repeat(64) })],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual(["events.0.signature"]);
    expect(await leadOf("victim-laptop")).not.toBe(victim);

    const signature = await hmacSha256Hex(site.identitySecret, "victim@corp.example");
    const ok = await collect({
      site: site.publicKey,
      visitor: "victim-laptop",
      events: [event("identify", { props: { email: " Victim@Corp.example ", name: "Victor" }, signature })],
    });
    expect(ok.status).toBe(200);
    expect(await hintsOf(ok)).toMatchObject({ tier: "hot", promo: { code: "VIP-1" } });
    expect(await leadOf("victim-laptop")).toBe(victim);
    // The signed browser does not overwrite what the server said (name), but it is verified now.
    expect(await lead(victim)).toMatchObject({ name: "Victor Real", identity: "verified", email: "victim@corp.example" });
  });

  it("keeps the convenience of a first claim: an email nobody holds is taken, as a claim", async () => {
    const site = await createSite();
    await collect({ site: site.publicKey, visitor: "ann-phone", events: [event("page_view"), event("identify", { props: { email: "ann@example.com", name: "Ann" } })] });
    const ann = await leadOf("ann-phone");
    expect(await lead(ann!)).toMatchObject({ email: "ann@example.com", identity: "claimed", name: "Ann", claimed_email: null });
    // The server's later events about that email reach the same lead (the car dealer's flow).
    const r = await admin("/events", site.secretKey, { body: { email: "ann@example.com", events: [{ id: "open-1", type: "custom", name: "email_open", ts: Date.now() }] } });
    expect(((await r.json()) as { lead: string }).lead).toBe(ann);
    expect(await lead(ann!)).toMatchObject({ identity: "claimed" });
  });

  it("a claim that squatted an email gives way to verified identity, keeping only its own data", async () => {
    const site = await createSite();
    await collect({ site: site.publicKey, visitor: "squatter", events: [event("identify", { props: { email: "bo@example.com", name: "Not Bo" } })] });
    const squat = (await leadOf("squatter"))!;
    expect(await lead(squat)).toMatchObject({ email: "bo@example.com", identity: "claimed" });

    const signature = await hmacSha256Hex(site.identitySecret, "bo@example.com");
    await collect({ site: site.publicKey, visitor: "real-bo", events: [event("page_view"), event("identify", { props: { email: "bo@example.com", name: "Bo" }, signature })] });
    const bo = (await leadOf("real-bo"))!;
    expect(bo).not.toBe(squat);
    expect(await lead(bo)).toMatchObject({ email: "bo@example.com", identity: "verified", name: "Bo" });
    expect(await lead(squat)).toMatchObject({ email: null, identity: null, claimed_email: "bo@example.com", name: "Not Bo" });
    expect(await leadOf("squatter")).toBe(squat);
  });

  it("the owner can accept a claim: POST /v1/admin/leads/:id/merge folds it into the holder and rescores", async () => {
    const { site, victim } = await victimSite();
    await collect({ site: site.publicKey, visitor: "victim-phone", events: [event("page_view"), event("identify", { props: { email: "victim@corp.example", city: "Riga" } })] });
    const claimant = (await leadOf("victim-phone"))!;
    const detail = (await (await admin(`/leads/${claimant}`, site.secretKey)).json()) as { lead: { claimedEmail: string; claimHolder: { id: string } } };
    expect(detail.lead).toMatchObject({ claimedEmail: "victim@corp.example", claimHolder: { id: victim } });
    const list = (await (await admin("/leads", site.secretKey)).json()) as { leads: { id: string; identity: string | null; claimedEmail: string | null }[] };
    expect(list.leads.find((l) => l.id === claimant)).toMatchObject({ identity: null, claimedEmail: "victim@corp.example" });

    expect((await admin(`/leads/${claimant}/merge`, site.secretKey, { body: { into: claimant } })).status).toBe(409);
    expect((await admin(`/leads/${claimant}/merge`, site.secretKey, { body: {} })).status).toBe(400);
    const merged = await admin(`/leads/${claimant}/merge`, site.secretKey, { body: { into: victim } });
    expect(merged.status).toBe(200);
    expect(await merged.json()).toEqual({ lead: victim });
    expect(await leadOf("victim-phone")).toBe(victim);
    expect(await countRows("leads", "id = ?", claimant)).toBe(0);
    const [score] = await rows<{ score: number }>("SELECT score FROM lead_scores WHERE lead_id = ?", victim);
    expect(score!.score).toBe(35); // email click 30 + the claimant's page view 5
    expect(JSON.parse((await lead(victim)).traits)).toMatchObject({ city: "Riga", name: "Victor Real" });
  });

  it("another site's secret key cannot merge this site's leads", async () => {
    const { site, victim } = await victimSite();
    const other = await createSite();
    await collect({ site: site.publicKey, visitor: "x", events: [event("identify", { props: { email: "victim@corp.example" } })] });
    const claimant = (await leadOf("x"))!;
    expect((await admin(`/leads/${claimant}/merge`, other.secretKey, { body: { into: victim } })).status).toBe(404);
    expect(await leadOf("x")).toBe(claimant);
  });
});

describe("finding 10: merging two leads that each hold a promo code", () => {
  it("moves the merged lead's code or releases it; no code points at a deleted lead", async () => {
    const site = await createSite();
    await admin("/models/main", site.secretKey, { method: "PUT", body: model });
    // Both leads are warm and hold a VIP code: the email holder and an anonymous browser.
    await admin("/events", site.secretKey, { body: { email: "cy@example.com", events: [{ id: "k1", type: "page_view", ts: Date.now(), url: "https://shop.example/" }, { id: "k2", type: "page_view", ts: Date.now(), url: "https://shop.example/a" }] } });
    await collect({ site: site.publicKey, visitor: "cy-tablet", events: [event("page_view"), event("page_view")] });
    const holders = await rows<{ code: string; lead_id: string }>("SELECT code, lead_id FROM promo_codes WHERE lead_id IS NOT NULL ORDER BY code");
    expect(holders).toHaveLength(2);
    // The server binds the tablet to the email: verified, the anonymous lead merges.
    await admin("/events", site.secretKey, { body: { visitor: "cy-tablet", traits: { email: "cy@example.com" }, events: [{ id: "k3", type: "page_view", ts: Date.now(), url: "https://shop.example/b" }] } });
    expect(await countRows("leads")).toBe(1);
    const dangling = await rows("SELECT code, lead_id FROM promo_codes WHERE lead_id IS NOT NULL AND lead_id NOT IN (SELECT id FROM leads)");
    expect(dangling).toEqual([]);
    const now = await rows<{ code: string; lead_id: string | null }>("SELECT code, lead_id FROM promo_codes ORDER BY code");
    expect(now.filter((c) => c.lead_id !== null)).toHaveLength(1);
    expect(now.filter((c) => c.lead_id === null).map((c) => c.code)).toContain(holders.find((h) => h.lead_id !== now.find((c) => c.lead_id)!.lead_id)!.code);
  });
});

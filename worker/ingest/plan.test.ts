// The ingest planner on its own: snapshots in, writes and outcomes out, no D1.
import { describe, expect, it } from "vitest";
import type { LeadRow } from "../store/leads/ingest";
import type { ModelRow } from "../store/scores/ingest";
import { newVisitorSnapshot, type Snapshot } from "./lead-cache";
import { normalizeEvents } from "./normalize";
import { planIngest, type Plan, type PlanRequest, type PlanStep } from "./plan";
import type { WireEvent } from "./schema";

const NOW = 1_800_000_000_000;
const site = { id: "site_plan", origins: ["https://shop.example"], catalogHosts: [], keepParams: [] };
const model: ModelRow = {
  name: "main",
  version: 1,
  position: 0,
  document: JSON.stringify({
    tiers: { warm: 10, hot: 30 },
    rules: [
      { id: "visit", points: 5, when: { event: "page_view" } },
      { id: "trial", points: 30, when: { event: "trial_signup" } },
    ],
    triggers: [{ id: "hot", when: { tier: "hot" } }],
  }),
};

const wire = (id: string, type: WireEvent["type"], extra: Partial<WireEvent> = {}): WireEvent => ({ id, type, ts: NOW - 1000, url: "https://shop.example/p?pw=secret&utm_source=news", ...extra });

function request(events: WireEvent[], over: Partial<PlanRequest> = {}): PlanRequest {
  const n = normalizeEvents(events, "s1", NOW, "browser");
  return { site, source: "browser", visitor: "v1", email: null, verifiedEmail: null, client: null, acceptClaim: false, country: "LV", events: n.events, repeated: n.repeated, traits: {}, now: NOW, ...over };
}

const lead = (over: Partial<LeadRow>): LeadRow => ({
  id: "ld_x",
  site_id: site.id,
  email: null,
  name: null,
  phone: null,
  traits: "{}",
  country: null,
  first_seen: NOW - 86_400_000,
  last_seen: NOW - 86_400_000,
  event_count: 3,
  version: 7,
  identity: null,
  claimed_email: null,
  trait_sources: null,
  first_touch_at: null,
  first_referrer: null,
  first_utm_source: null,
  first_utm_medium: null,
  first_utm_campaign: null,
  first_landing: null,
  live_session: null,
  ...over,
});

const snapshot = (over: Partial<Snapshot> = {}): Snapshot => ({ ...newVisitorSnapshot([model], []), ...over });
let seq = 0;
const newId = () => `al_${++seq}`;
const planOf = (s: PlanStep): Plan => {
  if (s.kind !== "plan") throw new Error(`expected a plan, got ${s.kind}`);
  return s.plan;
};

describe("planIngest", () => {
  it("a new visitor's first beacon: events (with the guard), a new lead, the visitor and its session; the next state is the planned lead", async () => {
    const plan = planOf(await planIngest(request([wire("e1", "page_view")]), snapshot(), null, newId));
    expect(plan.writes.map((w) => w.op)).toEqual(["events", "insertLead", "mapVisitor", "session", "scores"]);
    expect(plan.guard.expected).toEqual([{ id: plan.leadId, version: null }]);
    expect(plan.guard.visitor).toEqual({ id: "v1", lead: null });
    expect(plan.accepted).toBe(1);
    const insert = plan.writes[1]!;
    expect(insert.op === "insertLead" && insert.lead).toMatchObject({ id: plan.leadId, version: 1, event_count: 1, country: "LV", first_seen: NOW - 1000, last_seen: NOW - 1000 });
    // The stored URL keeps attribution parameters only (finding 6).
    const ev = plan.writes[0]!;
    expect(ev.op === "events" && ev.events[0]!.url).toBe("https://shop.example/p?utm_source=news");
    expect(plan.next?.byVisitor).toEqual(insert.op === "insertLead" ? insert.lead : null);
    expect(plan.outcomes[0]!.result).toMatchObject({ score: 5, tier: "cold" });
  });

  it("a resend writes nothing and counts duplicates", async () => {
    const known = lead({ id: "ld_known" });
    const snap = snapshot({ byVisitor: known, existing: new Set(["e1", "e2"]) });
    const plan = planOf(await planIngest(request([wire("e1", "page_view"), wire("e2", "page_view"), wire("e1", "page_view")]), snap, null, newId));
    expect(plan).toMatchObject({ leadId: "ld_known", accepted: 0, duplicates: 3, writes: [] });
  });

  it("a claim of an email another lead holds stays on the visitor's own lead and never touches the holder", async () => {
    const mine = lead({ id: "ld_mine", version: 2, event_count: 0 });
    const holder = lead({ id: "ld_holder", email: "vic@corp.example", identity: "verified", name: "Vic", version: 9 });
    const req = request([wire("i1", "identify", { props: { email: "vic@corp.example", name: "Mallory" } })], { email: "vic@corp.example", traits: { email: "vic@corp.example", name: "Mallory" } });
    const plan = planOf(await planIngest(req, snapshot({ byVisitor: mine, byEmail: holder }), null, newId));
    expect(plan.leadId).toBe("ld_mine");
    expect(plan.writes.map((w) => w.op)).toEqual(["events", "updateLead", "session", "scores"]);
    const upd = plan.writes[1]!;
    expect(upd.op === "updateLead" && upd.lead).toMatchObject({ id: "ld_mine", email: null, claimed_email: "vic@corp.example", name: "Mallory", version: 3 });
    expect(JSON.stringify(plan.writes)).not.toContain("ld_holder");
    expect(plan.guard.expected).toEqual([{ id: "ld_mine", version: 2 }]);
  });

  it("a verified identity of an anonymous visitor asks for history, then merges it into the holder and reads back the codes", async () => {
    const anon = lead({ id: "ld_anon", version: 4, event_count: 2 });
    const holder = lead({ id: "ld_holder", email: "vic@corp.example", identity: "verified", version: 9, event_count: 5 });
    const req = request([wire("t1", "trial_signup")], { source: "server", email: "vic@corp.example" });
    const snap = snapshot({ byVisitor: anon, byEmail: holder });
    const first = await planIngest(req, snap, null, newId);
    expect(first).toEqual({ kind: "history", target: "ld_holder", merged: "ld_anon" });
    const hist = [
      { id: "h1", lead_id: "ld_holder", type: "page_view" as const, name: null, ts: NOW - 5000, url: null, path: "/", session_id: null, props: null },
      { id: "h2", lead_id: "ld_anon", type: "page_view" as const, name: null, ts: NOW - 4000, url: null, path: "/a", session_id: null, props: null },
    ];
    const plan = planOf(await planIngest(req, snap, hist, () => "al_fixed"));
    expect(plan.writes.map((w) => w.op)).toEqual(["events", "updateLead", "merge", "mapVisitor", "session", "scores", "alert", "readCodes"]);
    const ev = plan.writes[0]!;
    expect(ev.op === "events" && ev.after).toBe(7); // 5 of its own + 2 merged, then this batch
    expect(plan.guard.expected).toEqual([{ id: "ld_holder", version: 9 }, { id: "ld_anon", version: 4 }]);
    // 2 page views (history) + the trial: 40, hot: one alert, with the holder's contact data.
    expect(plan.outcomes[0]!.result).toMatchObject({ score: 40, tier: "hot" });
    expect(plan.alertIds).toEqual(["al_fixed"]);
    const alert = plan.writes[6]!;
    expect(alert.op === "alert" && JSON.parse(alert.alert.payload).lead).toMatchObject({ id: "ld_holder", email: "vic@corp.example", identity: "verified" });
  });

  it("a beacon that only adds to the live session writes no session row; another session flushes it and becomes live", async () => {
    const live = { id: "s1", started: NOW - 60_000, landing: true, lastSeen: NOW - 30_000, events: 2, pages: ["/a"] };
    const known = lead({ id: "ld_live", event_count: 0, live_session: JSON.stringify(live) });
    const same = planOf(await planIngest(request([wire("l1", "chat")]), snapshot({ byVisitor: known }), null, newId));
    expect(same.writes.map((w) => w.op)).not.toContain("session");
    const upd = same.writes.find((w) => w.op === "updateLead")!;
    expect(upd.op === "updateLead" && JSON.parse(upd.lead.live_session!)).toEqual({ ...live, lastSeen: NOW - 1000, events: 3 });

    const other = normalizeEvents([wire("l2", "page_view")], "s2", NOW, "browser");
    const req = request([], { events: other.events });
    const switched = planOf(await planIngest(req, snapshot({ byVisitor: known }), null, newId));
    const sessions = switched.writes.filter((w) => w.op === "session");
    expect(sessions.map((w) => w.op === "session" && [w.touch.id, w.touch.events, w.touch.lastSeen, w.touch.pages])).toEqual([
      ["s1", 2, NOW - 30_000, ["/a"]],
      ["s2", 1, NOW - 1000, ["/p"]],
    ]);
    const after = switched.writes.find((w) => w.op === "updateLead")!;
    expect(after.op === "updateLead" && JSON.parse(after.lead.live_session!)).toMatchObject({ id: "s2", events: 0, pages: [] });
  });

  it("is a function of its inputs: the same request and snapshot give the same plan", async () => {
    const req = request([wire("e9", "trial_signup"), wire("e10", "page_view")]);
    const a = planOf(await planIngest(req, snapshot(), null, () => "al_same"));
    const b = planOf(await planIngest(req, snapshot(), null, () => "al_same"));
    expect(b).toEqual(a);
  });
});

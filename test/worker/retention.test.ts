// Retention of raw events (worker/retention/retention.ts): what goes (only a
// site's events older than its retentionDays, and the sessions they close), what
// stays (leads, scores, alerts, conversions, every other site's events), the
// bounded chunks of the walk, and the exactness of scores across a deletion.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EditorPage } from "../../worker/dashboard/pages/models";
import { CHUNK_EVENTS, DAY_MS, runRetention } from "../../worker/retention/retention";
import { scheduled } from "../../worker/scheduled";
import { admin, countRows, createSite, rows, type Keys } from "../support/api";
import { compareWithRecompute } from "../support/recompute";

const NOW = Date.now();
const ago = (days: number, ms = 0) => NOW - days * DAY_MS + ms;
const clock = (t: number) => () => t;
/** Noon UTC 100 days ago: the old events and a later one share a UTC day (the chat limit is per day). */
const OLD = Math.floor(ago(100) / DAY_MS) * DAY_MS + DAY_MS / 2;
const old = (ms: number) => OLD + ms;

// No half-life: figures do not move between two reads a moment apart, so
// stored scores can be compared for equality. Limits per lead, session and
// day, an expiring category and a trigger: the state that must survive.
const model = {
  tiers: { warm: 10, hot: 30 },
  categories: {
    fit: { kind: "fit", max: 30 },
    key: { kind: "interest", max: 60 },
    engagement: { kind: "interest", max: 40, decay: { expireDays: 1000 } },
  },
  rules: [
    { id: "pricing", category: "key", points: 5, when: { event: "page_view", path: "/pricing*" }, limit: { times: 2, per: "session" } },
    { id: "trial", category: "key", points: 15, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } },
    { id: "chat", category: "engagement", points: 4, when: { event: "chat" }, limit: { times: 3, per: "day" } },
    { id: "open", category: "engagement", points: 2, when: { event: "custom", name: "email_open" } },
    { id: "budget", category: "fit", points: 10, when: { trait: "budget", gte: 1000 } },
  ],
  triggers: [{ id: "hot", when: { tier: "hot" } }],
};

const URL = "https://shop.example";
/** 100 days old: trial (15), pricing twice in one session (10), chat three times a day (12), two opens (4) = 41, hot. */
const oldEvents = [
  { id: "o-trial", type: "trial_signup", ts: old(0), url: `${URL}/signup`, session: "s-old" },
  { id: "o-p1", type: "page_view", ts: old(1000), url: `${URL}/pricing`, session: "s-old" },
  { id: "o-p2", type: "page_view", ts: old(2000), url: `${URL}/pricing/team`, session: "s-old" },
  { id: "o-c1", type: "chat", ts: old(3000), session: "s-old" },
  { id: "o-c2", type: "chat", ts: old(4000), session: "s-old" },
  { id: "o-c3", type: "chat", ts: old(5000), session: "s-old" },
  { id: "o-o1", type: "custom", name: "email_open", ts: old(6000) },
  { id: "o-o2", type: "custom", name: "email_open", ts: old(7000) },
];
/** 5 days old: pricing in another session (5), an open (2). */
const newEvents = [
  { id: "n-p1", type: "page_view", ts: ago(5), url: `${URL}/pricing`, session: "s-new" },
  { id: "n-o1", type: "custom", name: "email_open", ts: ago(5, 1000) },
];

async function send(site: Keys, email: string, events: unknown[], traits?: Record<string, unknown>): Promise<string> {
  const res = await admin("/events", site.secretKey, { body: { email, events, ...(traits ? { traits } : {}) } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { lead: string }).lead;
}

async function sendMany(site: Keys, who: { email: string } | { visitor: string }, events: unknown[]): Promise<string> {
  let lead = "";
  for (let i = 0; i < events.length; i += 50) {
    const res = await admin("/events", site.secretKey, { body: { ...who, events: events.slice(i, i + 50) } });
    expect(res.status).toBe(200);
    lead = ((await res.json()) as { lead: string }).lead;
  }
  return lead;
}

const scoreRow = (lead: string, db: D1Database = env.DB) =>
  db.prepare("SELECT model, model_version, score, fit, interest, tier, code, readiness, state FROM lead_scores WHERE lead_id = ?1").bind(lead).first();

/** The lead detail without what is about time or raw events (timeline, sessions). */
async function detail(site: Keys, lead: string) {
  const d = (await (await admin(`/leads/${lead}`, site.secretKey)).json()) as {
    lead: Record<string, unknown>;
    scores: Record<string, unknown>[];
    alerts: unknown[];
    conversions: unknown[];
    timeline: { id: string }[];
    sessions: { id: string }[];
  };
  return { ...d, lead: { ...d.lead, id: undefined }, scores: d.scores.map((s) => ({ ...s, scoredAt: undefined })) };
}

describe("retention of raw events", () => {
  it("new sites keep 400 days unless told otherwise; 1..3650 at creation", async () => {
    const a = await createSite();
    const b = await createSite(undefined, { retentionDays: 30 });
    expect(await rows("SELECT id, retention_days FROM sites ORDER BY retention_days")).toEqual([
      { id: b.id, retention_days: 30 },
      { id: a.id, retention_days: 400 },
    ]);
    for (const bad of [0, 3651, 1.5, "30"]) await expect(createSite(undefined, { retentionDays: bad })).rejects.toThrow(/400/);
  });

  it("deletes only events older than the site's retentionDays, only that site's, on its own shard; leads, scores, alerts and conversions stay", async () => {
    const short = await createSite(undefined, { retentionDays: 30 });
    const long = await createSite(); // default: 400 days
    const far = await createSite(undefined, { retentionDays: 30, shard: 1 });
    const db1 = env.DB_1!;
    for (const s of [short, long, far]) expect((await admin("/models/m", s.secretKey, { method: "PUT", body: model })).status).toBe(201);
    const lead = await send(short, "ann@example.com", [...oldEvents, ...newEvents]);
    const kept = await send(long, "ann@example.com", [...oldEvents, ...newEvents]);
    const farLead = await send(far, "ann@example.com", [...oldEvents, ...newEvents]);
    // A lead first seen after the cutoff: nothing of it is looked at.
    const young = await send(short, "bo@example.com", newEvents.map((e) => ({ ...e, id: `b-${e.id}`, session: undefined })));
    expect((await admin("/conversions", short.secretKey, { body: { lead, value: 12 } })).status).toBe(201);
    expect(await countRows("alerts", "lead_id = ?1", lead)).toBe(1);
    const before = { score: await scoreRow(lead), detail: await detail(short, lead) };

    const run = await runRetention(env, clock(NOW));
    expect(run).toMatchObject({ events: 16, sessions: 2, walksDone: 3 });

    expect((await rows<{ id: string }>("SELECT id FROM events WHERE lead_id = ?1 ORDER BY n", lead)).map((e) => e.id)).toEqual(["n-p1", "n-o1"]);
    expect(await countRows("events", "lead_id = ?1", young)).toBe(2);
    expect(await countRows("events", "lead_id = ?1", kept)).toBe(10);
    expect((await db1.prepare("SELECT id FROM events WHERE lead_id = ?1 ORDER BY n").bind(farLead).all<{ id: string }>()).results.map((e) => e.id)).toEqual(["n-p1", "n-o1"]);
    // The old session went with its events; the new one stays, as do the other site's.
    expect(await rows("SELECT site_id, id FROM sessions WHERE lead_id IN (?1, ?2) ORDER BY site_id = ?3, id", lead, kept, short.id)).toEqual([
      { site_id: long.id, id: "s-new" },
      { site_id: long.id, id: "s-old" },
      { site_id: short.id, id: "s-new" },
    ]);
    // Nothing else is touched: the score, the alert it fired, the conversion, the lead.
    expect(await scoreRow(lead)).toEqual(before.score);
    const after = await detail(short, lead);
    expect(after.lead).toEqual(before.detail.lead);
    expect(after.scores).toEqual(before.detail.scores);
    expect(after.scores[0]).toMatchObject({ score: 41 + 7, tier: "hot" });
    expect(after.alerts).toEqual(before.detail.alerts);
    expect(after.conversions).toEqual(before.detail.conversions);
    expect(after.timeline.map((e) => e.id)).toEqual(["n-o1", "n-p1"]);
    expect(await countRows("leads", "site_id = ?1", short.id)).toBe(2);

    // A second run the same day has nothing to do: each walk runs at most once a day.
    expect(await runRetention(env, clock(NOW + 60_000))).toEqual({ chunks: 0, events: 0, sessions: 0, walksDone: 0 });
    // A day later the walk runs again and finds nothing left to delete.
    expect(await runRetention(env, clock(NOW + DAY_MS + 60_000))).toMatchObject({ events: 0, sessions: 0, walksDone: 3 });
  });

  it("default 400 days: an event of 401 days goes, one of 399 stays", async () => {
    const site = await createSite();
    const lead = await send(site, "cy@example.com", [
      { id: "d401", type: "chat", ts: ago(401) },
      { id: "d399", type: "chat", ts: ago(399) },
    ]);
    expect(await runRetention(env, clock(NOW))).toMatchObject({ events: 1, walksDone: 1 });
    expect(await rows("SELECT id FROM events WHERE lead_id = ?1", lead)).toEqual([{ id: "d399" }]);
  });

  it("the minute cron runs the walk: an event past retention goes without any other call", async () => {
    const site = await createSite(undefined, { retentionDays: 30 });
    const lead = await send(site, "fa@example.com", [
      { id: "c31", type: "chat", ts: ago(31) },
      { id: "c29", type: "chat", ts: ago(29) },
    ]);
    await scheduled(env, clock(NOW));
    expect(await rows("SELECT id FROM events WHERE lead_id = ?1", lead)).toEqual([{ id: "c29" }]);
  });

  it("works in bounded chunks: a site with more old events than one chunk is finished over several runs", async () => {
    const site = await createSite(undefined, { retentionDays: 30 });
    const olds = (p: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${p}${i}`, type: "chat", ts: ago(60, i) }));
    // An anonymous lead (the first phase of the walk) and an identified one (the second).
    const anon = await sendMany(site, { visitor: "v-big" }, [...olds("a", 2500), ...newEvents]);
    const known = await sendMany(site, { email: "di@example.com" }, olds("k", 600));
    expect(await countRows("events")).toBe(3102);

    const counts: number[] = [];
    const deleted: number[] = [];
    for (let i = 0; i < 6; i++) {
      const run = await runRetention(env, clock(NOW + i), 60_000, 1);
      expect(run.chunks).toBe(1);
      deleted.push(run.events);
      counts.push(await countRows("events"));
    }
    expect(Math.max(...deleted)).toBeLessThanOrEqual(CHUNK_EVENTS);
    // 1,000 + 1,000 + 500 of the anonymous lead; then the phase changes; the 600; then the walk ends.
    expect(deleted).toEqual([1000, 1000, 500, 0, 600, 0]);
    expect(counts).toEqual([2102, 1102, 602, 602, 2, 2]);
    expect(await rows("SELECT id FROM events WHERE lead_id = ?1 ORDER BY n", anon)).toEqual([{ id: "n-p1" }, { id: "n-o1" }]);
    expect(await countRows("events", "lead_id = ?1", known)).toBe(0);
    const [s] = await rows<{ retention_cursor: string | null; retention_done_at: number | null }>("SELECT retention_cursor, retention_done_at FROM sites");
    expect(s).toEqual({ retention_cursor: null, retention_done_at: NOW + 5 });
    expect((await runRetention(env, clock(NOW + 10), 60_000, 1)).chunks).toBe(0);
  });

  it("two overlapping runs are safe: the same chunk twice deletes once, and the walk advances once", async () => {
    const site = await createSite(undefined, { retentionDays: 30 });
    await sendMany(site, { visitor: "v-1" }, Array.from({ length: 1500 }, (_, i) => ({ id: `x${i}`, type: "chat", ts: ago(60, i) })));
    const [a, b] = await Promise.all([runRetention(env, clock(NOW), 60_000, 1), runRetention(env, clock(NOW), 60_000, 1)]);
    expect(a!.events + b!.events).toBe(1000);
    expect(await countRows("events")).toBe(500);
    const [s] = await rows<{ retention_cursor: string }>("SELECT retention_cursor FROM sites");
    expect(JSON.parse(s!.retention_cursor)).toMatchObject({ p: 0, n: 1000 });
    // Both continue from there until the walk is done.
    while ((await rows("SELECT 1 FROM sites WHERE retention_done_at IS NULL")).length) await Promise.all([runRetention(env, clock(NOW + 1)), runRetention(env, clock(NOW + 1))]);
    expect(await countRows("events")).toBe(0);
  });

  it("scores stay exact: a new event after the deletion scores as it does for a twin lead whose events were all kept", async () => {
    const short = await createSite(undefined, { retentionDays: 30 });
    const twin = await createSite(undefined, { retentionDays: 3650 });
    for (const s of [short, twin]) await admin("/models/m", s.secretKey, { method: "PUT", body: model });
    const traits = { budget: 5000 };
    const a = await send(short, "eve@example.com", [...oldEvents, ...newEvents], traits);
    const b = await send(twin, "eve@example.com", [...oldEvents, ...newEvents], traits);
    expect(await scoreRow(a)).toEqual(await scoreRow(b));
    expect((await runRetention(env, clock(NOW))).events).toBe(8);
    expect(await countRows("events", "lead_id = ?1", a)).toBe(2);
    expect(await countRows("events", "lead_id = ?1", b)).toBe(10);

    // A second trial (limit once per lead), pricing again in the old session
    // (its limit of two was reached), a fourth chat on the old day (three a day):
    // none counts, which only the stored state can know; a new open counts.
    const later = [
      { id: "l-trial", type: "trial_signup", ts: NOW - 1000 },
      { id: "l-p", type: "page_view", ts: old(8000), url: `${URL}/pricing`, session: "s-old" },
      { id: "l-c", type: "chat", ts: old(9000) },
      { id: "l-o", type: "custom", name: "email_open", ts: NOW - 500 },
    ];
    await send(short, "eve@example.com", later);
    await send(twin, "eve@example.com", later);
    const [sa, sb] = [await scoreRow(a), await scoreRow(b)];
    expect(sa).toEqual(sb);
    expect(sa).toMatchObject({ score: 10 + 41 + 7 + 2, tier: "hot" });
    const [da, db] = [await detail(short, a), await detail(twin, b)];
    expect(da.scores).toEqual(db.scores);
    // Still one alert each: the trigger's crossing count survived too.
    expect(await countRows("alerts", "lead_id = ?1", a)).toBe(1);
    expect(await countRows("alerts", "lead_id = ?1", b)).toBe(1);
  });

  it("a model change rescores from the retained events only: older behaviour stops counting", async () => {
    const short = await createSite(undefined, { retentionDays: 30 });
    const twin = await createSite(undefined, { retentionDays: 3650 });
    for (const s of [short, twin]) await admin("/models/m", s.secretKey, { method: "PUT", body: model });
    const a = await send(short, "fay@example.com", [...oldEvents, ...newEvents]);
    const b = await send(twin, "fay@example.com", [...oldEvents, ...newEvents]);
    await runRetention(env, clock(NOW));

    // Version 2: opens count 3. The PUT rescores every lead (its waitUntil finishes before `admin` returns).
    const v2 = { ...model, rules: model.rules.map((r) => (r.id === "open" ? { ...r, points: 3 } : r)) };
    for (const s of [short, twin]) expect((await admin("/models/m", s.secretKey, { method: "PUT", body: v2 })).status).toBe(200);
    const [sa, sb] = [await scoreRow(a), await scoreRow(b)];
    // Retained: pricing in s-new (5) + one open (3). Kept everything: 15 + 10 + 12 + 3·3 + 5 = 51.
    expect(sa).toMatchObject({ model_version: 2, score: 8, tier: "cold" });
    expect(sb).toMatchObject({ model_version: 2, score: 51, tier: "hot" });
    // Exactly the recompute over what is stored.
    for (const c of await compareWithRecompute(short.id, "m", NOW)) expect(c.stored).toEqual(c.recomputed);
  });

  it("the model editor says how far back a save rescores", () => {
    const view = { site: { name: "s" }, csrf: "t", name: "m", model: null, text: "{}" };
    expect(String(EditorPage({ ...view, retentionDays: 30 }))).toContain("rescores every lead from its stored events: the last 30 days (this site keeps raw events for 30 days)");
    expect(String(EditorPage(view))).toContain("rescores every lead from its stored events, which go back as far as the site&#39;s retention (400 days");
  });
});

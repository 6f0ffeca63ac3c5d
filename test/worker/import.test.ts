// POST /v1/admin/import (issue 13): NDJSON and CSV, exact counts, idempotency,
// broken lines reported and skipped (never half-written), scores equal to a
// recompute, and the 10 MiB cap.
import { describe, expect, it } from "vitest";
import { admin, call, countRows, createSite, rows, type Keys } from "../support/api";
import { compareWithRecompute } from "../support/recompute";
import { interestModel } from "../support/models";

const DAY = 86_400_000;

function post(site: Keys, body: BodyInit, type: string, query = "", headers: Record<string, string> = {}) {
  return call(`/v1/admin/import${query}`, { method: "POST", headers: { authorization: `Bearer ${site.secretKey}`, "content-type": type, ...headers }, body });
}
const ndjson = (site: Keys, lines: unknown[], query = "") => post(site, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n", "application/x-ndjson", query);
const csv = (site: Keys, text: string, map?: unknown) => post(site, text, "text/csv", map ? `?map=${encodeURIComponent(JSON.stringify(map))}` : "");

async function withModel(): Promise<Keys> {
  const site = await createSite();
  const put = await admin("/models/main", site.secretKey, { method: "PUT", body: interestModel });
  expect(put.status).toBeLessThan(300);
  return site;
}

const t0 = Date.now() - 20 * DAY;
const history = [
  { email: "Ana@Example.com", traits: { budget: 5000, plan: "pro" }, events: [{ type: "page_view", ts: t0 + 2000, url: "https://shop.example/pricing" }, { type: "trial_signup", ts: t0 + 1000 }], converted: true, convertedAt: t0 + 5 * DAY, value: 120 },
  { external_id: "crm-2", traits: { budget: 10 }, events: [{ id: "given-1", type: "custom", name: "email_open", ts: t0 }, { type: "chat", ts: t0 + DAY }] },
  { email: "cy@example.com", visitor: "v-cy", converted: false },
];

describe("POST /v1/admin/import, NDJSON", () => {
  it("needs the secret key and a known content type", async () => {
    const site = await createSite();
    expect((await post({ ...site, secretKey: "sk_nope" }, "{}", "application/x-ndjson")).status).toBe(401);
    const res = await post(site, "{}", "application/json");
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
  });

  it("imports leads, events and outcomes with exact counts, and scores them under every model", async () => {
    const site = await withModel();
    const res = await ndjson(site, history);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ leads: 3, created: 3, updated: 0, events: 4, conversions: 1, skipped: 0, errors: [] });
    const leads = await rows<{ email: string | null; external_id: string | null; event_count: number; converted_at: number | null; conversion_value: number | null; first_seen: number; identity: string | null }>(
      "SELECT email, external_id, event_count, converted_at, conversion_value, first_seen, identity FROM leads ORDER BY event_count DESC, coalesce(email, 'zz')",
    );
    expect(leads).toEqual([
      { email: "ana@example.com", external_id: null, event_count: 2, converted_at: t0 + 5 * DAY, conversion_value: 120, first_seen: t0 + 1000, identity: "verified" },
      { email: null, external_id: "crm-2", event_count: 2, converted_at: null, conversion_value: null, first_seen: t0, identity: null },
      { email: "cy@example.com", external_id: null, event_count: 0, converted_at: null, conversion_value: null, first_seen: expect.any(Number), identity: "verified" },
    ]);
    // Events are numbered in time order, whatever order the line gave them in.
    expect(await rows("SELECT type, n FROM events WHERE lead_id = (SELECT id FROM leads WHERE email = 'ana@example.com') ORDER BY n")).toEqual([
      { type: "trial_signup", n: 1 },
      { type: "page_view", n: 2 },
    ]);
    expect(await rows("SELECT value, ts FROM conversions")).toEqual([{ value: 120, ts: t0 + 5 * DAY }]);
    expect(await countRows("visitors", "id = 'v-cy'")).toBe(1);
    expect(await countRows("lead_scores")).toBe(3);
    const now = Date.now();
    for (const c of await compareWithRecompute(site.id, "main", now)) {
      expect(c.stored.score).toBe(c.recomputed.score);
      expect(c.storedScoreColumn).toBe(c.recomputed.score);
    }
    const [ana] = await rows<{ score: number }>("SELECT s.score FROM lead_scores s JOIN leads l ON l.id = s.lead_id WHERE l.email = 'ana@example.com'");
    expect(ana!.score).toBeGreaterThan(0);
  });

  it("changes nothing when the same file comes again, and updates what changed", async () => {
    const site = await withModel();
    await ndjson(site, history);
    const snapshot = async () => ({
      leads: await rows("SELECT * FROM leads ORDER BY id"),
      events: await rows("SELECT * FROM events ORDER BY id"),
      conversions: await rows("SELECT * FROM conversions ORDER BY id"),
      visitors: await rows("SELECT * FROM visitors ORDER BY id"),
    });
    const before = await snapshot();
    const again = await ndjson(site, history);
    expect(await again.json()).toEqual({ leads: 3, created: 0, updated: 0, events: 0, conversions: 0, skipped: 0, errors: [] });
    expect(await snapshot()).toEqual(before);

    // A new event and a changed trait for one lead, addressed by its CRM id: one update.
    const more = await ndjson(site, [{ external_id: "crm-2", traits: { budget: 2000 }, events: [{ id: "given-2", type: "chat", ts: t0 + 2 * DAY }] }]);
    expect(await more.json()).toEqual({ leads: 1, created: 0, updated: 1, events: 1, conversions: 0, skipped: 0, errors: [] });
    const [crm2] = await rows<{ traits: string; event_count: number }>("SELECT traits, event_count FROM leads WHERE external_id = 'crm-2'");
    expect(JSON.parse(crm2!.traits)).toEqual({ budget: 2000 });
    expect(crm2!.event_count).toBe(3);
    for (const c of await compareWithRecompute(site.id, "main", Date.now())) expect(c.stored.score).toBe(c.recomputed.score);
  });

  it("reports bad lines with their numbers and skips them whole; the good lines are imported", async () => {
    const site = await withModel();
    const res = await ndjson(site, [
      history[0],
      "{not json",
      { email: "bad@example.com", traits: { budget: 1 }, events: [{ type: "page_view", ts: t0 }, { type: "warp", ts: t0 }] },
      "",
      { traits: { budget: 1 } },
      history[1],
      // Its keys reach two different leads: nothing of it is written.
      { email: "ana@example.com", external_id: "crm-2", events: [{ type: "chat", ts: t0 }] },
    ]);
    const out = (await res.json()) as { leads: number; created: number; skipped: number; errors: { line: number; path: string; message: string }[] };
    expect(out).toMatchObject({ leads: 2, created: 2, updated: 0, events: 4, skipped: 4 });
    expect(out.errors.map((e) => [e.line, e.path])).toEqual([
      [2, ""],
      [3, "events.1.type"],
      [5, "email"],
      [7, "email"],
    ]);
    expect(await countRows("leads", "email = 'bad@example.com'")).toBe(0);
    expect(await countRows("events")).toBe(4);
  });

  it("gathers the lines of one lead (an export with one row per event) into one lead", async () => {
    const site = await withModel();
    const res = await ndjson(site, [
      { email: "dee@example.com", traits: { budget: 10 }, events: [{ type: "chat", ts: t0 + 2000 }] },
      { email: "eve@example.com", events: [{ type: "chat", ts: t0 }] },
      { email: "DEE@example.com", external_id: "crm-dee", traits: { budget: 3000 }, events: [{ type: "page_view", ts: t0 + 1000, url: "https://shop.example/pricing" }] },
    ]);
    expect(await res.json()).toEqual({ leads: 2, created: 2, updated: 0, events: 3, conversions: 0, skipped: 0, errors: [] });
    const [dee] = await rows<{ external_id: string; traits: string; event_count: number }>("SELECT external_id, traits, event_count FROM leads WHERE email = 'dee@example.com'");
    expect(dee).toEqual({ external_id: "crm-dee", traits: JSON.stringify({ budget: 3000 }), event_count: 2 });
    for (const c of await compareWithRecompute(site.id, "main", Date.now())) expect(c.stored.score).toBe(c.recomputed.score);
  });

  it("writes a lead reached by two lines under different keys one line after the other", async () => {
    const site = await withModel();
    await ndjson(site, [{ email: "fay@example.com", external_id: "crm-fay" }]);
    const res = await ndjson(site, [
      { email: "fay@example.com", events: [{ type: "chat", ts: t0 }] },
      { external_id: "crm-fay", events: [{ type: "chat", ts: t0 + 1000 }] },
    ]);
    expect(await res.json()).toEqual({ leads: 2, created: 0, updated: 2, events: 2, conversions: 0, skipped: 0, errors: [] });
    expect(await rows("SELECT n FROM events ORDER BY n")).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await rows("SELECT event_count FROM leads")).toEqual([{ event_count: 2 }]);
    for (const c of await compareWithRecompute(site.id, "main", Date.now())) expect(c.stored.score).toBe(c.recomputed.score);
  });

  it("numbers lines after line_offset (the CLI's parts)", async () => {
    const site = await createSite();
    const out = (await (await ndjson(site, [history[2], "oops"], "?line_offset=1000")).json()) as { errors: { line: number }[] };
    expect(out.errors.map((e) => e.line)).toEqual([1002]);
  });
});

const bankCsv = `age,job,balance,housing,duration,deposit
59,admin.,2343,yes,1042,yes
56,admin.,45,no,1467,no
41,technician,,yes,1389,yes
`;
const bankMap = { traits: { age: "number", job: "string", balance: "number", housing: "boolean" }, outcome: "deposit" };

describe("POST /v1/admin/import, CSV", () => {
  it("maps columns to typed traits and the outcome, lists the ignored columns", async () => {
    const site = await withModel();
    const res = await csv(site, bankCsv, bankMap);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ leads: 3, created: 3, updated: 0, events: 0, conversions: 2, skipped: 0, errors: [], ignored: ["duration"] });
    const traits = (await rows<{ traits: string }>("SELECT traits FROM leads ORDER BY external_id")).map((r) => JSON.parse(r.traits) as Record<string, unknown>);
    expect(traits).toEqual(
      expect.arrayContaining([
        { age: 59, job: "admin.", balance: 2343, housing: true },
        { age: 56, job: "admin.", balance: 45, housing: false },
        // An empty cell is a missing value.
        { age: 41, job: "technician", housing: true },
      ]),
    );
    expect(await countRows("conversions")).toBe(2);
    expect(await countRows("lead_scores")).toBe(3);
    // Keyless rows get ids derived from their content and line: the same file again changes nothing.
    expect(await (await csv(site, bankCsv, bankMap)).json()).toEqual({ leads: 3, created: 0, updated: 0, events: 0, conversions: 0, skipped: 0, errors: [], ignored: ["duration"] });
    expect(await countRows("leads")).toBe(3);
  });

  it("takes the mapping from a first line and the delimiter from the header", async () => {
    const site = await createSite();
    const body = `{"mapping":{"email":"Email","traits":{"Visits":"number","Weekend":"boolean"},"outcome":"Revenue","convertedAt":"When"}}
Email;Visits;Weekend;Revenue;When
a@x.co;3;FALSE;TRUE;2026-01-02T03:04:05Z
b@x.co;1;TRUE;FALSE;
`;
    const out = await (await post(site, body, "text/csv")).json();
    expect(out).toEqual({ leads: 2, created: 2, updated: 0, events: 0, conversions: 1, skipped: 0, errors: [], ignored: [] });
    expect(await rows("SELECT email, converted_at FROM leads ORDER BY email")).toEqual([
      { email: "a@x.co", converted_at: Date.parse("2026-01-02T03:04:05Z") },
      { email: "b@x.co", converted_at: null },
    ]);
  });

  it("reports broken rows with their line numbers and imports the good ones", async () => {
    const site = await createSite();
    const body = `email,age,won
ok1@x.co,30,yes
broken@x.co,31
nan@x.co,thirty,no
ok2@x.co,40,maybe
not-an-email,50,no
ok3@x.co,"60",no
`;
    const res = await csv(site, body, { email: "email", traits: { age: "number" }, outcome: "won" });
    const out = (await res.json()) as { leads: number; skipped: number; errors: { line: number; path: string }[] };
    expect(out).toMatchObject({ leads: 2, created: 2, conversions: 1, skipped: 4 });
    expect(out.errors.map((e) => [e.line, e.path])).toEqual([
      [3, ""],
      [4, "age"],
      [5, "won"],
      [6, "email"],
    ]);
    expect((await rows<{ email: string }>("SELECT email FROM leads ORDER BY email")).map((r) => r.email)).toEqual(["ok1@x.co", "ok3@x.co"]);
  });

  it("refuses a mapping that names no such column, before writing anything", async () => {
    const site = await createSite();
    const res = await csv(site, bankCsv, { email: "mail", outcome: "deposit" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { issues: { path: string }[] } }).error.issues).toEqual([{ path: "map.email", message: 'no column "mail" in the header' }]);
    expect((await post(site, bankCsv, "text/csv")).status).toBe(400);
    expect(await countRows("leads")).toBe(0);
  });
});

describe("the 10 MiB cap", () => {
  const MIB = 1024 * 1024;
  it("refuses a declared length over the cap unread, and a streamed body at the cap", async () => {
    const site = await createSite();
    const declared = await post(site, "{}", "application/x-ndjson", "", { "content-length": String(10 * MIB + 1) });
    expect(declared.status).toBe(413);
    const line = JSON.stringify({ email: "big@example.com", traits: { pad: "x".repeat(900) } }) + "\n";
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > 11 * MIB) return c.close();
        const chunk = new TextEncoder().encode(line.repeat(64));
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const streamed = await post(site, stream, "application/x-ndjson");
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  it("takes a body of several MiB", async () => {
    const site = await createSite();
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ email: `p${i}@example.com`, traits: { pad: "y".repeat(1000) } }));
    const res = await post(site, lines.join("\n"), "application/x-ndjson");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ leads: 3000, created: 3000, skipped: 0 });
  });
});

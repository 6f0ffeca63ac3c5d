// Issue 12 part 4: a beacon that only adds to the lead's current session
// writes no session row; the session's figures live on the lead row until
// another session starts, and every reader sees the session as it is.
import { describe, expect, it } from "vitest";
import { admin, collect, createSite, event, rows } from "../support/api";

const written = (res: Response) => Number(/written=(\d+)/.exec(res.headers.get("x-edgescore-d1") ?? "")![1]);

interface DetailSession {
  id: string;
  started_at: number;
  last_seen: number;
  events: number;
  referrer: string | null;
  landing: string | null;
}

async function sessionsOf(secretKey: string, leadId: string): Promise<DetailSession[]> {
  const res = await admin(`/leads/${leadId}`, secretKey);
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: DetailSession[] }).sessions;
}

describe("the live session on the lead row", () => {
  it("beacons in one session write their events and the lead row only; the detail shows the session as it is", async () => {
    const site = await createSite();
    const t0 = Date.now() - 120_000;
    const pv = (path: string, ts: number) => event("page_view", { url: `https://shop.example${path}`, ts });
    const first = await collect({ site: site.publicKey, visitor: "v", session: "a", events: [event("session_start", { ts: t0, props: { referrer: "https://news.example/" } }), pv("/", t0)] });
    expect(first.status).toBe(200);
    // Later beacons of the same session: 2 rows per event (row, lead index) + the lead row. No model: no score row.
    const second = await collect({ site: site.publicKey, visitor: "v", session: "a", events: [pv("/x", t0 + 10_000), pv("/y", t0 + 20_000)] });
    expect(written(second)).toBe(2 * 2 + 1);
    const third = await collect({ site: site.publicKey, visitor: "v", session: "a", events: [event("chat", { ts: t0 + 30_000 })] });
    expect(written(third)).toBe(2 * 1 + 1);

    const [lead] = await rows<{ id: string; live_session: string }>("SELECT id, live_session FROM leads WHERE site_id = ?", site.id);
    expect(JSON.parse(lead!.live_session)).toMatchObject({ id: "a", events: 3, lastSeen: t0 + 30_000, pages: ["/x", "/y"] });
    expect(await sessionsOf(site.secretKey, lead!.id)).toEqual([
      expect.objectContaining({ id: "a", started_at: t0, last_seen: t0 + 30_000, events: 5, referrer: "https://news.example/", landing: "https://shop.example/" }),
    ]);

    // A new session flushes what the old one gained into its row, and becomes live.
    await collect({ site: site.publicKey, visitor: "v", session: "b", events: [pv("/z", t0 + 60_000)] });
    expect(await rows("SELECT id, events, last_seen, pages FROM sessions WHERE site_id = ? ORDER BY id", site.id)).toEqual([
      { id: "a", events: 5, last_seen: t0 + 30_000, pages: JSON.stringify(["/", "/x", "/y"]) },
      { id: "b", events: 1, last_seen: t0 + 60_000, pages: JSON.stringify(["/z"]) },
    ]);
    expect((await sessionsOf(site.secretKey, lead!.id)).map((s) => [s.id, s.events, s.last_seen])).toEqual([
      ["b", 1, t0 + 60_000],
      ["a", 5, t0 + 30_000],
    ]);
  });

  it("what a merged lead's live session gained moves with it into the lead that holds the email", async () => {
    const site = await createSite();
    const holder = await admin("/events", site.secretKey, { body: { email: "vip@example.com", events: [{ id: "srv-1", type: "page_view", ts: Date.now(), url: "https://shop.example/" }] } });
    expect(holder.status).toBe(200);
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 3; i++) await collect({ site: site.publicKey, visitor: "m", session: "sm", events: [event("page_view", { url: `https://shop.example/p${i}`, ts: t0 + i * 1000 })] });
    const [anon] = await rows<{ live_session: string }>("SELECT live_session FROM leads WHERE site_id = ? AND email IS NULL", site.id);
    expect(JSON.parse(anon!.live_session)).toMatchObject({ id: "sm", events: 2 });

    // The site's server says who the visitor is: verified, so the visitor's lead merges into the holder.
    const merge = await admin("/events", site.secretKey, { body: { visitor: "m", traits: { email: "vip@example.com" }, events: [{ id: "srv-2", type: "custom", name: "crm", ts: Date.now() }] } });
    expect(merge.status).toBe(200);
    const leads = await rows<{ id: string }>("SELECT id FROM leads WHERE site_id = ?", site.id);
    expect(leads).toHaveLength(1);
    const sessions = await sessionsOf(site.secretKey, leads[0]!.id);
    expect(sessions.map((s) => [s.id, s.events, s.last_seen])).toEqual([["sm", 3, t0 + 2000]]);
  });
});

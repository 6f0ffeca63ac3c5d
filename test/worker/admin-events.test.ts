import { describe, expect, it } from "vitest";
import { admin, countRows, createSite, rows } from "../support/api";

describe("POST /v1/admin/events", () => {
  it("needs the site's secret key", async () => {
    const res = await admin("/events", "", { body: { email: "a@b.co", events: [] } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("creates the lead of an unknown email and keeps past timestamps", async () => {
    const site = await createSite();
    const ts = Date.UTC(2026, 9, 1, 12);
    const res = await admin("/events", site.secretKey, {
      body: { email: "Dana@Example.com", traits: { name: "Dana", company_size: "mid" }, events: [{ id: "open-1", type: "custom", name: "email_open", ts }] },
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { accepted: number; duplicates: number; lead: string };
    expect(out).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(out.lead).toMatch(/^ld_/);
    const [ev] = await rows("SELECT lead_id, type, name, ts, visitor_id, session_id FROM events");
    expect(ev).toEqual({ lead_id: out.lead, type: "custom", name: "email_open", ts, visitor_id: null, session_id: null });
    const [lead] = await rows("SELECT email, name, first_seen, last_seen FROM leads WHERE id = ?", out.lead);
    expect(lead).toEqual({ email: "dana@example.com", name: "Dana", first_seen: ts, last_seen: ts });

    // The same email again reaches the same lead; a resend is a duplicate.
    const again = await admin("/events", site.secretKey, {
      body: { email: "dana@example.com", events: [{ id: "open-1", type: "custom", name: "email_open", ts }, { id: "click-1", type: "custom", name: "email_click", ts: ts + 1000 }] },
    });
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 1, lead: out.lead });
    expect(await countRows("leads")).toBe(1);
  });

  it("addresses a browser visitor's lead by visitor id", async () => {
    const site = await createSite();
    const a = (await (await admin("/events", site.secretKey, { body: { visitor: "v-77", events: [{ id: "x", type: "chat", ts: Date.now() }] } })).json()) as { lead: string };
    const [v] = await rows<{ lead_id: string }>("SELECT lead_id FROM visitors WHERE id = 'v-77'");
    expect(v!.lead_id).toBe(a.lead);
  });

  it("needs exactly one of visitor or email, and a valid email", async () => {
    const site = await createSite();
    for (const body of [
      { events: [{ id: "x", type: "chat", ts: 1 }] },
      { visitor: "v", email: "a@b.co", events: [{ id: "x", type: "chat", ts: 1 }] },
      { email: "not-an-email", events: [{ id: "x", type: "chat", ts: 1 }] },
    ]) {
      const res = await admin("/events", site.secretKey, { body });
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(err.error.issues.length).toBeGreaterThan(0);
    }
    expect(await countRows("events")).toBe(0);
  });
});

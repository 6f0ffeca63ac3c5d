// The daily digest (issue 14): `digest` in the model document, validated; sent from the local
// hour on, once a day even when two cron runs race (claim row in D1), with yesterday's new hot
// leads, conversions and movers; a refused send is retried by a later run.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { EmailMessage } from "cloudflare:email";
import { sendDigests } from "../../worker/alerts/digest";
import { localMidnight, localNow } from "../../worker/alerts/digest-time";
import { scheduled } from "../../worker/scheduled";
import { admin, createSite, rows, uid, type Keys } from "../support/api";

const TZ = "Europe/Riga";

function model(digest: unknown) {
  return {
    tiers: { warm: 15, hot: 30 },
    categories: { interest: { kind: "interest", max: 100 } },
    rules: [{ id: "test-drive-form", category: "interest", points: 30, when: { event: "custom", name: "demo" } }],
    triggers: [{ id: "test-drive", when: { tier: "hot" } }],
    digest,
  };
}

async function siteWithDigest(to = ["owner@dealer.example"]): Promise<Keys> {
  const site = await createSite(["https://dealer.example"]);
  const res = await admin("/models/dealer", site.secretKey, { method: "PUT", body: model({ to, hour: 8, timezone: TZ }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return site;
}

/** Sam turns hot and converts, "yesterday" (the rows' times moved to `at`). */
async function yesterdayActivity(site: Keys, at: number) {
  await admin("/events", site.secretKey, {
    body: { email: "sam@example.com", traits: { name: "Sam Buyer", phone: "+1 555 0199" }, events: [{ id: uid(), type: "custom", name: "demo", ts: Date.now() }] },
  });
  await admin("/conversions", site.secretKey, { body: { email: "sam@example.com", value: 24000 } });
  await env.DB.batch([
    env.DB.prepare("UPDATE alerts SET created_at = ?2 WHERE site_id = ?1").bind(site.id, at),
    env.DB.prepare("UPDATE conversions SET ts = ?2 WHERE site_id = ?1").bind(site.id, at),
    env.DB.prepare("UPDATE lead_scores SET scored_at = ?2 WHERE site_id = ?1").bind(site.id, at),
  ]);
}

function recorder() {
  const sent: { to: string; raw: string }[] = [];
  const e = {
    ...env,
    directory: env.DB,
    sendEmail: async (from: string, to: string, raw: string) => {
      sent.push({ to, raw });
      await env.EMAIL!.send(new EmailMessage(from, to, raw));
    },
  };
  return { e, sent };
}

const body = (raw: string) => {
  const b = raw.slice(raw.search(/\r?\n\r?\n/)).replace(/\s+/g, "");
  return new TextDecoder().decode(Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
};

// 2026-03-10 in Riga (UTC+2): 08:30 local is 06:30 UTC.
const DAY = "2026-03-10";
const AT_0830 = localMidnight(DAY, TZ) + 8.5 * 3_600_000;
const YESTERDAY_NOON = localMidnight("2026-03-09", TZ) + 12 * 3_600_000;

describe("daily digest", () => {
  it("local time arithmetic: Riga's midnight and hour, across the DST change", () => {
    expect(new Date(localMidnight(DAY, TZ)).toISOString()).toBe("2026-03-09T22:00:00.000Z");
    expect(localNow(AT_0830, TZ)).toEqual({ date: DAY, hour: 8 });
    // Summer time from 2026-03-29 03:00 (UTC+3).
    expect(new Date(localMidnight("2026-03-30", TZ)).toISOString()).toBe("2026-03-29T21:00:00.000Z");
  });

  it("is sent once for two concurrent cron runs, with yesterday's hot leads, conversions and movers", async () => {
    const site = await siteWithDigest(["owner@dealer.example"]);
    await yesterdayActivity(site, YESTERDAY_NOON);
    const { e, sent } = recorder();
    // Before 08:00 local: not due.
    expect(await sendDigests(e, env.DB, AT_0830 - 3_600_000)).toEqual(["not_due"]);
    const [a, b] = await Promise.all([sendDigests(e, env.DB, AT_0830), sendDigests(e, env.DB, AT_0830)]);
    expect([...a!, ...b!].sort()).toEqual(["not_claimed", "sent"]);
    expect(sent.map((m) => m.to)).toEqual(["owner@dealer.example"]);
    // Later the same day: still once.
    expect(await sendDigests(e, env.DB, AT_0830 + 6 * 3_600_000)).toEqual(["not_claimed"]);
    expect(sent).toHaveLength(1);
    const [claim] = await rows<Record<string, unknown>>("SELECT * FROM digest_claims WHERE site_id = ?", site.id);
    expect(claim).toMatchObject({ model: "dealer", day: DAY, attempts: 1, sent_at: AT_0830, claimed_until: null, last_error: null });
    const text = body(sent[0]!.raw);
    expect(text).toContain("EdgeScore daily digest for Test shop, model dealer, 2026-03-09.");
    expect(text).toContain("New hot leads (1):\n- Sam Buyer (+1 555 0199 · sam@example.com): test-drive, 30 points");
    expect(text).toContain("Conversions (1):\n- Sam Buyer: 24000");
    expect(text).toContain("Biggest movers (active yesterday, most behaviour points):\n- Sam Buyer: 30 points (30 from behaviour), hot");
    expect(text).toContain("Dashboard: https://edgescore.test/dashboard/?model=dealer");
    expect(sent[0]!.raw).toMatch(/^Message-ID: <digest\.[^>]+\.dealer\.2026-03-10\.0@edgescore\.example>$/m);
    // The next day the digest goes out again, for its own yesterday (nothing happened).
    await sendDigests(e, env.DB, AT_0830 + 24 * 3_600_000);
    expect(sent).toHaveLength(2);
    expect(body(sent[1]!.raw)).toContain("New hot leads (0):\n- none");
  });

  it("the real scheduled handler, twice at once: one claim, one attempt, sent", async () => {
    const site = await siteWithDigest();
    const at = AT_0830 + 2 * 24 * 3_600_000; // another day than the test above
    await Promise.all([scheduled(env, () => at), scheduled(env, () => at)]);
    const claims = await rows<Record<string, unknown>>("SELECT * FROM digest_claims WHERE site_id = ?", site.id);
    expect(claims).toEqual([expect.objectContaining({ attempts: 1, sent_at: at, last_error: null })]);
  });

  it("a refused send is given back and retried by a later run", async () => {
    const site = await siteWithDigest();
    let calls = 0;
    const e = {
      ...env,
      directory: env.DB,
      sendEmail: async () => {
        if (++calls === 1) throw new Error("destination not verified");
      },
    };
    const at = AT_0830 + 5 * 24 * 3_600_000;
    const mine = async (now: number) => (await sendDigests(e, env.DB, now)).length;
    await mine(at);
    const [c1] = await rows<Record<string, unknown>>("SELECT * FROM digest_claims WHERE site_id = ?", site.id);
    expect(c1).toMatchObject({ attempts: 1, sent_at: null, last_error: "email not accepted" });
    await mine(at + 60_000); // inside the retry delay: not claimed
    expect(calls).toBe(1);
    await mine(at + 11 * 60_000);
    const [c2] = await rows<Record<string, unknown>>("SELECT * FROM digest_claims WHERE site_id = ?", site.id);
    expect(c2).toMatchObject({ attempts: 2, sent_at: at + 11 * 60_000, last_error: null });
  });

  it("validates the digest: addresses, hour, time zone (400 with paths)", async () => {
    const site = await createSite(["https://dealer.example"]);
    const res = await admin("/models/dealer", site.secretKey, { method: "PUT", body: model({ to: ["not-an-address"], hour: 24, timezone: "Mars/Olympus" }) });
    expect(res.status).toBe(400);
    const issues = ((await res.json()) as { error: { issues: { path: string; message: string }[] } }).error.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "digest.to.0", message: "must be an email address" },
        { path: "digest.hour", message: "must be at most 23" },
        { path: "digest.timezone", message: "unknown time zone (an IANA name such as Europe/Riga)" },
      ]),
    );
  });
});

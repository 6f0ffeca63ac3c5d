// Alert delivery (SPEC §7) against a real HTTP receiver (test/support/webhook-receiver.ts,
// Miniflare's outboundService): signed webhooks, retries with backoff driven by the cron's
// code path with a moved clock, the attempt limit, manual retry, URL policy at save and at
// send, redirects and timeouts, and atomic claims.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { deliverAlert, deliverDue } from "../../worker/alerts/deliver";
import { MAX_ATTEMPTS } from "../../worker/alerts/backoff";
import { scheduled } from "../../worker/scheduled";
import { admin, collect, createSite, event, rows, uid, type Keys } from "../support/api";

const RECEIVER = "http://localhost:8788";

interface Received {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

interface AlertRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  claimed_until: number | null;
  delivered_at: number | null;
  webhook: string | null;
  crossing: number;
}

async function received(key: string): Promise<Received[]> {
  return (await fetch(`${RECEIVER}/__received?key=${encodeURIComponent(key)}`)).json();
}

/** The dealer's hot trigger, on a model whose points are easy to drive up and down. */
function hotModel(webhook?: string) {
  return {
    tiers: { warm: 15, hot: 30 },
    categories: { interest: { kind: "interest", max: 100 } },
    rules: [
      { id: "test-drive-form", category: "interest", points: 30, when: { event: "custom", name: "demo" } },
      { id: "ping", category: "interest", points: 5, when: { event: "custom", name: "ping" } },
      { id: "unsubscribe", category: "interest", points: -20, when: { event: "custom", name: "unsub" } },
    ],
    triggers: [{ id: "test-drive", when: { tier: "hot" }, ...(webhook ? { webhook } : {}) }],
  };
}

async function siteWith(webhook?: string): Promise<Keys> {
  const site = await createSite(["https://dealer.example"]);
  const res = await admin("/models/dealer", site.secretKey, { method: "PUT", body: hotModel(webhook) });
  expect(res.status).toBe(201);
  return site;
}

const signal = (site: Keys, ...names: string[]) =>
  admin("/events", site.secretKey, {
    body: {
      email: "sam@example.com",
      traits: { name: "Sam Buyer", phone: "+1 555 0199" },
      events: names.map((name) => ({ id: uid(), type: "custom", name, ts: Date.now() })),
    },
  });

const alertRows = () => rows<AlertRow>("SELECT * FROM alerts ORDER BY crossing");

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until the alert is not claimed by anyone and has made `attempts` attempts. */
const settled = (id: string, attempts: number) =>
  waitFor(`alert ${id} to settle after ${attempts} attempt(s)`, async () => {
    const [a] = await rows<AlertRow>("SELECT * FROM alerts WHERE id = ?", id);
    return a && a.claimed_until === null && (a.attempts >= attempts || a.status !== "pending") ? a : null;
  });

function expectSigned(r: Received, secret: string, alertId: string) {
  const expected = "sha256=" + createHmac("sha256", secret).update(r.body, "utf8").digest("hex");
  expect(r.headers["x-edgescore-signature"]).toBe(expected);
  expect(r.headers["x-edgescore-delivery"]).toBe(alertId);
  expect(r.headers["content-type"]).toBe("application/json");
  expect(r.headers["user-agent"]).toBe("EdgeScore-Webhooks/1");
  expect(r.method).toBe("POST");
}

/** Inserts a pending alert directly (no immediate attempt races the test). */
async function insertAlert(site: Keys, webhook: string | null): Promise<string> {
  const id = "al_" + uid("t");
  const payload = {
    id,
    site: site.id,
    model: "dealer",
    trigger: "test-drive",
    lead: { id: "ld_x", email: "sam@example.com", name: "Sam Buyer", phone: "+1 555 0199", score: 40, tier: "hot", code: 40 },
    events: [],
    ts: Date.now(),
  };
  await env.DB.prepare(
    `INSERT INTO alerts (id, site_id, lead_id, model, trigger_id, crossing, webhook, status, attempts, next_attempt_at, payload, created_at)
     VALUES (?1, ?2, 'ld_x', 'dealer', 'test-drive', ?3, ?4, 'pending', 0, ?5, ?6, ?5)`,
  )
    .bind(id, site.id, Math.floor(Math.random() * 1e9), webhook, Date.now(), JSON.stringify(payload))
    .run();
  return id;
}

describe("alert webhooks", () => {
  it("retries a receiver that fails twice and delivers exactly once, signed, with one delivery id", async () => {
    const key = uid("k");
    const site = await siteWith(`${RECEIVER}/fail-twice/${key}`);
    const res = await signal(site, "demo");
    expect(res.status).toBe(200);
    const [fired] = await alertRows();
    expect(fired).toMatchObject({ status: "pending", crossing: 1 });

    // Attempt 1: right after the request (waitUntil). 500 → pending, next attempt in ~1 min.
    const a1 = await settled(fired!.id, 1);
    expect(a1).toMatchObject({ status: "pending", attempts: 1, last_error: "HTTP 500: try again later" });
    const t1 = (await received(key))[0]!.at;
    expect(a1.next_attempt_at! - t1).toBeGreaterThan(40_000);
    expect(a1.next_attempt_at! - t1).toBeLessThan(80_000);

    // The cron before the backoff elapsed sends nothing.
    expect((await deliverDue(env, { now: () => a1.next_attempt_at! - 1 })).attempted).toBe(0);
    expect(await received(key)).toHaveLength(1);

    // Attempt 2: the cron (the real scheduled handler) with the clock past next_attempt_at.
    await scheduled(env, () => a1.next_attempt_at! + 1);
    const a2 = await settled(fired!.id, 2);
    expect(a2).toMatchObject({ status: "pending", attempts: 2 });
    const gap2 = a2.next_attempt_at! - (a1.next_attempt_at! + 1);
    expect(gap2).toBeGreaterThanOrEqual(144_000); // 3 min ± 20 %
    expect(gap2).toBeLessThanOrEqual(216_000);

    // Attempt 3: 200 → delivered.
    const r3 = await deliverDue(env, { now: () => a2.next_attempt_at! });
    expect(r3.results).toEqual({ delivered: 1 });
    const [done] = await alertRows();
    expect(done).toMatchObject({ status: "delivered", attempts: 3, last_error: null, delivered_at: a2.next_attempt_at, next_attempt_at: null });

    // Later cron runs send nothing more.
    expect((await deliverDue(env, { now: () => a2.next_attempt_at! + 86_400_000 })).attempted).toBe(0);
    const got = await received(key);
    expect(got).toHaveLength(3);
    for (const r of got) expectSigned(r, site.webhookSecret, fired!.id);
    expect(new Set(got.map((r) => r.body)).size).toBe(1); // the same bytes every time

    const body = JSON.parse(got[2]!.body);
    expect(body).toMatchObject({
      id: fired!.id,
      site: site.id,
      model: "dealer",
      trigger: "test-drive",
      lead: { email: "sam@example.com", name: "Sam Buyer", phone: "+1 555 0199", score: 30, tier: "hot", code: 30 },
      text: "🔥 Sam Buyer (+1 555 0199, sam@example.com) is hot: 30 points — test-drive",
    });
    expect(body.events).toEqual([expect.objectContaining({ type: "custom", name: "demo" })]);

    // The admin list agrees.
    const list = (await (await admin("/alerts", site.secretKey)).json()) as { alerts: Record<string, unknown>[] };
    expect(list.alerts).toEqual([
      {
        id: fired!.id,
        trigger: "test-drive",
        model: "dealer",
        lead: { id: expect.any(String), email: "sam@example.com", name: "Sam Buyer" },
        webhook: `${RECEIVER}/fail-twice/${key}`,
        status: "delivered",
        attempts: 3,
        lastError: null,
        nextAttemptAt: null,
        createdAt: expect.any(Number),
        deliveredAt: a2.next_attempt_at,
      },
    ]);
  });

  it("gives up after the limit (failed), and POST /alerts/:id/retry resends it", async () => {
    const key = uid("k");
    const site = await siteWith(`${RECEIVER}/always-fail/${key}`);
    await signal(site, "demo");
    const [fired] = await alertRows();
    let a = await settled(fired!.id, 1);
    while (a.status === "pending") {
      const at = a.next_attempt_at!;
      await deliverDue(env, { now: () => at });
      a = await settled(fired!.id, a.attempts + 1);
    }
    expect(a).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, next_attempt_at: null });
    expect(a.last_error).toBe(`HTTP 500: receiver is down (gave up after ${MAX_ATTEMPTS} attempts)`);
    expect(await received(key)).toHaveLength(MAX_ATTEMPTS);
    expect((await deliverDue(env, { now: () => Date.now() + 30 * 86_400_000 })).attempted).toBe(0);

    const failed = (await (await admin("/alerts?status=failed", site.secretKey)).json()) as { alerts: { id: string; status: string; attempts: number; lastError: string }[] };
    expect(failed.alerts).toEqual([expect.objectContaining({ id: fired!.id, status: "failed", attempts: 8, lastError: a.last_error })]);
    expect(((await (await admin("/alerts?status=pending", site.secretKey)).json()) as { alerts: unknown[] }).alerts).toEqual([]);

    // Manual resend: 202 with the alert, pending again with a fresh budget, sent at once.
    const retry = await admin(`/alerts/${fired!.id}/retry`, site.secretKey, { method: "POST" });
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ id: fired!.id, status: "pending", attempts: 0 });
    await waitFor("the resend", async () => (await received(key)).length === MAX_ATTEMPTS + 1);
    a = await settled(fired!.id, 1);
    expect(a).toMatchObject({ status: "pending", attempts: 1 });
    const got = await received(key);
    for (const r of got) expectSigned(r, site.webhookSecret, fired!.id);

    // Only failed alerts can be resent; unknown ids are 404; other sites see nothing.
    expect((await admin(`/alerts/${fired!.id}/retry`, site.secretKey, { method: "POST" })).status).toBe(409);
    expect((await admin(`/alerts/al_nope/retry`, site.secretKey, { method: "POST" })).status).toBe(404);
    const other = await createSite();
    expect((await admin(`/alerts/${fired!.id}/retry`, other.secretKey, { method: "POST" })).status).toBe(404);
    expect(((await (await admin("/alerts", other.secretKey)).json()) as { alerts: unknown[] }).alerts).toEqual([]);

    // The receiver is fixed in the model; the next resend goes to the new URL and succeeds.
    while (a.status === "pending") {
      const at = a.next_attempt_at!;
      await deliverDue(env, { now: () => at });
      a = await settled(fired!.id, a.attempts + 1);
    }
    expect(a.status).toBe("failed");
    const okKey = uid("k");
    expect((await admin("/models/dealer", site.secretKey, { method: "PUT", body: hotModel(`${RECEIVER}/ok/${okKey}`) })).status).toBe(200);
    expect((await admin(`/alerts/${fired!.id}/retry`, site.secretKey, { method: "POST" })).status).toBe(202);
    a = await settled(fired!.id, 1);
    expect(a).toMatchObject({ status: "delivered", attempts: 1, webhook: `${RECEIVER}/ok/${okKey}` });
    const ok = await received(okKey);
    expect(ok).toHaveLength(1);
    expectSigned(ok[0]!, site.webhookSecret, fired!.id);
  });

  it("fires once per crossing, and again after the lead cooled below the threshold and crossed again", async () => {
    const key = uid("k");
    const site = await siteWith(`${RECEIVER}/ok/${key}`);
    await signal(site, "demo"); // 30: hot → alert 1
    await signal(site, "ping"); // 35: still hot, nothing
    await signal(site, "demo"); // 65: still hot, nothing
    let alerts = await alertRows();
    expect(alerts.map((a) => a.crossing)).toEqual([1]);

    await signal(site, "unsub", "unsub"); // 25: warm, the trigger re-arms
    expect(await alertRows()).toHaveLength(1);
    await signal(site, "ping"); // 30: hot again → alert 2
    alerts = await alertRows();
    expect(alerts.map((a) => a.crossing)).toEqual([1, 2]);

    for (const a of alerts) await settled(a.id, 1);
    const got = await received(key);
    expect(got.map((r) => r.headers["x-edgescore-delivery"]).sort()).toEqual(alerts.map((a) => a.id).sort());
    expect((await alertRows()).map((a) => a.status)).toEqual(["delivered", "delivered"]);
    expect(got.map((r) => JSON.parse(r.body).lead.score).sort()).toEqual([30, 30]);
  });

  it("refuses private webhooks when the model is saved", async () => {
    const site = await createSite();
    for (const url of ["http://10.0.0.1/hook", "https://10.0.0.1/hook", "https://192.168.1.10/hook", "https://169.254.169.254/latest", "https://[fd00::1]/hook", "https://metadata.google.internal/x", "ftp://dealer.example/x"]) {
      const res = await admin("/models/dealer", site.secretKey, { method: "PUT", body: hotModel(url) });
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(body.error.issues.map((i) => i.path), url).toContain("triggers.0.webhook");
    }
  });

  it("refuses a private webhook at send time too: failed, no request, no retry", async () => {
    const key = uid("k");
    const site = await siteWith(`${RECEIVER}/always-fail/${key}`);
    await signal(site, "demo");
    const [fired] = await alertRows();
    const a1 = await settled(fired!.id, 1);
    // The row's URL changed behind the model's back (older policy, manual edit…).
    await env.DB.prepare("UPDATE alerts SET webhook = 'http://10.0.0.1/' WHERE id = ?").bind(fired!.id).run();
    expect((await deliverDue(env, { now: () => a1.next_attempt_at! })).results).toEqual({ failed: 1 });
    const [a] = await alertRows();
    expect(a).toMatchObject({ status: "failed", attempts: 1, next_attempt_at: null });
    expect(a!.last_error).toMatch(/^refused: webhook URL must use https.*not sent$/);
    expect(await received("host:10.0.0.1")).toEqual([]);
    expect(await received(key)).toHaveLength(1);
    expect((await deliverDue(env, { now: () => a1.next_attempt_at! + 86_400_000 })).attempted).toBe(0);
  });

  it("never follows a redirect: a 3xx is a failed attempt", async () => {
    const key = uid("k");
    const site = await siteWith(`${RECEIVER}/redirect/${key}`);
    await signal(site, "demo");
    const [fired] = await alertRows();
    const a = await settled(fired!.id, 1);
    expect(a).toMatchObject({ status: "pending", attempts: 1 });
    expect(a.last_error).toBe("HTTP 302: redirect not followed (to http://169.254.169.254/latest/meta-data/)");
    expect(await received(key)).toHaveLength(1);
    expect(await received("host:169.254.169.254")).toEqual([]);
  });

  it("times out a receiver that does not answer, and retries later", async () => {
    const key = uid("k");
    const site = await createSite();
    const id = await insertAlert(site, `${RECEIVER}/slow/${key}`);
    const t0 = Date.now();
    expect(await deliverAlert(env, id, { timeoutMs: 300 })).toBe("retry");
    expect(Date.now() - t0).toBeLessThan(2_500);
    const [a] = await alertRows();
    expect(a).toMatchObject({ status: "pending", attempts: 1, last_error: "timeout: no answer within 300 ms" });
  });

  it("marks alerts of a trigger without a webhook no_webhook (nothing sent, still listed)", async () => {
    const site = await siteWith(undefined);
    await signal(site, "demo");
    const [fired] = await alertRows();
    const a = await settled(fired!.id, 0);
    expect(a).toMatchObject({ status: "no_webhook", attempts: 0, webhook: null });
    const list = (await (await admin("/alerts?status=no_webhook", site.secretKey)).json()) as { alerts: { id: string }[] };
    expect(list.alerts.map((x) => x.id)).toEqual([fired!.id]);
  });

  it("sends an alert once when several workers deliver it at the same time", async () => {
    const key = uid("k");
    const site = await createSite();
    const id = await insertAlert(site, `${RECEIVER}/ok/${key}`);
    const results = await Promise.all([
      deliverAlert(env, id),
      deliverAlert(env, id),
      deliverDue(env),
      deliverAlert(env, id),
      deliverDue(env),
      deliverAlert(env, id),
    ]);
    const flat = results.flatMap((r) => (typeof r === "string" ? [r] : Object.entries(r.results).flatMap(([k, n]) => Array(n).fill(k))));
    expect(flat.filter((r) => r === "delivered")).toHaveLength(1);
    expect(await received(key)).toHaveLength(1);
    const [a] = await alertRows();
    expect(a).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("lists alerts newest first with a cursor and a status filter; validates the query", async () => {
    const site = await createSite();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await insertAlert(site, null));
      await new Promise((r) => setTimeout(r, 2));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = (await (await admin(`/alerts?limit=2${q}`, site.secretKey)).json()) as { alerts: { id: string }[]; cursor: string | null };
      expect(page.alerts.length).toBeLessThanOrEqual(2);
      seen.push(...page.alerts.map((a) => a.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await admin("/alerts?status=weird", site.secretKey)).status).toBe(400);
    expect((await admin("/alerts?limit=0", site.secretKey)).status).toBe(400);
    expect((await admin("/alerts", "sk_nope")).status).toBe(401);
    const one = await admin(`/alerts/${ids[0]}`, site.secretKey);
    expect(await one.json()).toMatchObject({ id: ids[0], status: "pending", lead: { id: "ld_x", email: "sam@example.com", name: "Sam Buyer" } });
  });

  it("delivers within a moment of the hot event's response (latency, logged)", async () => {
    const key = uid("k");
    const site = await createSite(["https://dealer.example"]);
    await admin("/models/dealer", site.secretKey, { method: "PUT", body: hotModel(`${RECEIVER}/ok/${key}`) });
    const res = await collect(
      { site: site.publicKey, visitor: "v-lat", events: [event("identify", { props: { email: "lat@example.com", name: "Lat" } }), event("custom", { name: "demo" })] },
      { origin: "https://dealer.example" },
    );
    expect(res.status).toBe(200);
    await res.json();
    const answered = Date.now();
    const [r] = await waitFor("the webhook", async () => {
      const got = await received(key);
      return got.length ? got : null;
    });
    console.log(`alert latency (response → receiver, in-process test): ${r!.at - answered} ms`);
    expect(r!.at - answered).toBeLessThan(2_000);
  });
});

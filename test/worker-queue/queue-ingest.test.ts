// Queue ingest mode ([env.queue] in wrangler.toml): /v1/collect enqueues, the
// consumer writes each lead's messages of a batch as one D1 transaction.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import type { IngestMessage } from "../../worker/queue/ingest-queue";
import { admin, collect, countRows, createSite, event, rows } from "../support/api";
import { compareWithRecompute } from "../support/recompute";

const model = {
  tiers: { warm: 5, hot: 12 },
  rules: [
    { id: "visit", points: 1, when: { event: "page_view" } },
    { id: "trial", points: 10, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } },
  ],
  triggers: [{ id: "hot", when: { tier: "hot" } }],
};

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("queue ingest mode", () => {
  it("runs in queue mode with the queue bound", () => {
    expect(env.INGEST_MODE).toBe("queue");
    expect(env.INGEST_QUEUE).toBeDefined();
  });

  it("/v1/collect enqueues and answers at once; the consumer stores the events", async () => {
    const site = await createSite();
    await admin("/models/m", site.secretKey, { method: "PUT", body: model });
    const res = await collect({ site: site.publicKey, visitor: "qv", session: "s", events: [event("page_view"), event("trial_signup")] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 2, duplicates: 0, queued: true, hints: { tier: "cold" } });
    const stored = await until(() => countRows("events", "site_id = ?", site.id), (n) => n === 2);
    expect(stored).toBe(2);
    const [score] = await until(() => rows<{ score: number; tier: string }>("SELECT score, tier FROM lead_scores"), (r) => r.length === 1);
    expect(score).toEqual({ score: 11, tier: "warm" });
    // Invalid input is still refused before the queue.
    expect((await collect({ site: site.publicKey, visitor: "qv", events: [{ id: "x", type: "nope", ts: 1 }] })).status).toBe(400);
    expect((await collect({ site: "pk_unknown", visitor: "qv", events: [event("page_view")] })).status).toBe(401);
  });

  it("the consumer writes one transaction per lead per batch, drops resends and equals a recompute", async () => {
    const site = await createSite();
    await admin("/models/m", site.secretKey, { method: "PUT", body: model });
    const now = Date.now();
    const msg = (visitor: string, ids: string[], type = "page_view"): IngestMessage => ({
      site: { id: site.id, origins: ["https://shop.example"], catalogHosts: [], keepParams: [] },
      visitor,
      session: `${visitor}-s`,
      events: ids.map((id) => ({ id, type: type as "page_view", ts: now, url: "https://shop.example/" })),
      country: null,
      receivedAt: now,
    });
    const bodies = [msg("a", ["a1", "a2"]), msg("b", ["b1"]), msg("a", ["a3", "a2"]), msg("a", ["a4"], "trial_signup"), msg("b", ["b1", "b2"])];
    const batch = createMessageBatch<IngestMessage>("edgescore-ingest", bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(now), attempts: 1, body })));
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(result.retryMessages).toEqual([]);

    expect((await rows<{ id: string }>("SELECT id FROM events ORDER BY id")).map((r) => r.id)).toEqual(["a1", "a2", "a3", "a4", "b1", "b2"]);
    // One write batch per lead: a new lead is inserted at version 1 and never updated.
    expect(await rows("SELECT event_count, version FROM leads ORDER BY event_count")).toEqual([
      { event_count: 2, version: 1 },
      { event_count: 4, version: 1 },
    ]);
    for (const c of await compareWithRecompute(site.id, "m", Date.now())) expect(c.stored.rules).toEqual(c.recomputed.rules);
    const scores = await rows<{ score: number; tier: string }>("SELECT score, tier FROM lead_scores ORDER BY score");
    expect(scores).toEqual([
      { score: 2, tier: "cold" },
      { score: 13, tier: "hot" },
    ]);
    expect(await countRows("alerts")).toBe(1);
  });
});

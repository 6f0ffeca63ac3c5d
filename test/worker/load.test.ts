// Load without loss (issue 8): many visitors, batches of 1-20 events, requests
// in parallel, every fifth batch resent. Afterwards every distinct event is
// stored exactly once and every lead's stored score equals a full recompute.
// LOAD_EVENTS scales it (default 20,000; the figure CI runs).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, collect, createSite } from "../support/api";
import { interestModel as model } from "../support/models";
import { compareWithRecompute } from "../support/recompute";

const TOTAL = Number(env.LOAD_EVENTS);
const CONCURRENCY = Number(env.LOAD_CONCURRENCY ?? 16);

// Deterministic pseudo-random numbers, so a failure can be replayed.
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PATHS = ["/", "/pricing", "/docs", "/careers", "/blog/a", "/pricing/team"];

describe("load without loss", () => {
  it(`${TOTAL} events from many visitors, concurrent, with resends`, async () => {
    const site = await createSite();
    await admin("/models/m", site.secretKey, { method: "PUT", body: model });
    const rand = rng(42);
    const visitors = Math.max(10, Math.round(TOTAL / 40));
    const batches: { visitor: string; session: string; events: Record<string, unknown>[]; traits?: Record<string, number> }[] = [];
    let made = 0;
    const now = Date.now();
    while (made < TOTAL) {
      const v = Math.floor(rand() * visitors);
      const size = Math.min(TOTAL - made, 1 + Math.floor(rand() * 20));
      const events = Array.from({ length: size }, (_, i) => {
        const r = rand();
        const type = r < 0.8 ? "page_view" : r < 0.9 ? "chat" : r < 0.95 ? "trial_signup" : "custom";
        return { id: `L${made + i}`, type, ts: now - Math.floor(rand() * 300_000), url: `https://shop.example${PATHS[Math.floor(rand() * PATHS.length)]}`, ...(type === "custom" ? { name: "email_open" } : {}) };
      });
      made += size;
      batches.push({ visitor: `lv${v}`, session: `lv${v}-s${Math.floor(rand() * 3)}`, events, ...(rand() < 0.05 ? { traits: { budget: 5000 } } : {}) });
    }
    // Every fifth batch is sent twice (a retry after a lost answer), at a later position.
    const sends = batches.flatMap((b, i) => (i % 5 === 0 ? [b, b] : [b]));
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
    const started = Date.now();
    let accepted = 0;
    let duplicates = 0;
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < sends.length) {
          const b = sends[next++]!;
          const res = await collect({ site: site.publicKey, ...b });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) {
            const body = (await res.json()) as { accepted: number; duplicates: number };
            accepted += body.accepted;
            duplicates += body.duplicates;
          }
        }
      }),
    );
    console.log(`load: ${TOTAL} events in ${sends.length} requests, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(Object.fromEntries(statuses)).toEqual({ 200: sends.length });
    expect(accepted).toBe(TOTAL);
    expect(duplicates).toBe(sends.length === batches.length ? 0 : batches.filter((_, i) => i % 5 === 0).reduce((n, b) => n + b.events.length, 0));

    const stored = await env.DB.prepare("SELECT count(*) AS n, count(DISTINCT id) AS d FROM events WHERE site_id = ?").bind(site.id).first<{ n: number; d: number }>();
    expect(stored).toEqual({ n: TOTAL, d: TOTAL });
    const counts = await env.DB.prepare("SELECT sum(event_count) AS n FROM leads WHERE site_id = ?").bind(site.id).first<{ n: number }>();
    expect(counts!.n).toBe(TOTAL);

    const comparisons = await compareWithRecompute(site.id, "m", Date.now());
    expect(comparisons.length).toBeGreaterThan(visitors * 0.9);
    for (const c of comparisons) {
      expect(c.stored.rules, c.leadId).toEqual(c.recomputed.rules);
      expect(c.stored.score, c.leadId).toBeCloseTo(c.recomputed.score, 6);
    }
  }, 600_000);
});

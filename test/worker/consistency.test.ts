// Stored score == full recompute from stored events, whatever the request
// order, chunking, duplicates and concurrency (SPEC §5, issue 3).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admin, collect, countRows, createSite, rows } from "../support/api";
import { interestModel as model } from "../support/models";
import { compareWithRecompute } from "../support/recompute";


const kinds = [
  { type: "page_view", url: "https://shop.example/pricing" },
  { type: "page_view", url: "https://shop.example/careers/jobs" },
  { type: "page_view", url: "https://shop.example/" },
  { type: "trial_signup", url: "https://shop.example/signup" },
  { type: "chat" },
  { type: "custom", name: "email_open" },
];

describe("incremental scoring equals a full recompute", () => {
  it("for random event streams sent in random chunks, with resends", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.nat(kinds.length - 1), session: fc.nat(2), ago: fc.nat(9 * 60_000) }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (stream, chunkSizes, withBudget) => {
          const site = await createSite();
          await admin("/models/m", site.secretKey, { method: "PUT", body: model });
          const now = Date.now();
          const events = stream.map((s, i) => ({ id: `ev-${i}`, ts: now - s.ago, session: `s${s.session}`, ...kinds[s.kind]! }));
          let at = 0;
          let k = 0;
          while (at < events.length) {
            const size = chunkSizes[k++ % chunkSizes.length]!;
            // Every chunk also resends the previous one's events: duplicates must not count.
            const chunk = events.slice(Math.max(0, at - size), at + size);
            const res = await collect({ site: site.publicKey, visitor: "v", events: chunk, ...(withBudget && k === 2 ? { traits: { budget: 5000 } } : {}) });
            expect(res.status).toBe(200);
            at += size;
          }
          expect(await countRows("events", "site_id = ?", site.id)).toBe(events.length);
          const now2 = Date.now();
          for (const c of await compareWithRecompute(site.id, "m", now2)) {
            expect(c.stored.score).toBeCloseTo(c.recomputed.score, 6);
            expect(c.stored.rules).toEqual(c.recomputed.rules);
            expect(c.stored.tier).toBe(c.recomputed.tier);
            expect(c.stored.categories).toEqual(c.recomputed.categories);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("under 40 concurrent requests for one visitor (two tabs, retries)", async () => {
    const site = await createSite();
    await admin("/models/m", site.secretKey, { method: "PUT", body: model });
    const now = Date.now();
    const requests = Array.from({ length: 40 }, (_, i) => {
      const own = [0, 1, 2].map((j) => ({ id: `c-${i}-${j}`, ts: now - (i * 3 + j) * 1000, session: `s${i % 3}`, ...kinds[(i + j) % kinds.length]! }));
      // Every fourth request is a retry of the previous one's first event.
      const events = i % 4 === 3 ? [...own, { id: `c-${i - 1}-0`, ts: now, session: "s0", ...kinds[(i - 1) % kinds.length]! }] : own;
      return collect({ site: site.publicKey, visitor: "tabs", session: `s${i % 3}`, events });
    });
    const results = await Promise.all(requests);
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    const bodies = (await Promise.all(results.map((r) => r.json()))) as { accepted: number; duplicates: number }[];
    const accepted = bodies.reduce((a, b) => a + b.accepted, 0);
    const duplicates = bodies.reduce((a, b) => a + b.duplicates, 0);
    expect(accepted).toBe(120);
    expect(duplicates).toBe(10);
    expect(await countRows("events", "site_id = ?", site.id)).toBe(120);
    expect(await countRows("leads", "site_id = ?", site.id)).toBe(1);
    const [lead] = await rows<{ event_count: number }>("SELECT event_count FROM leads");
    expect(lead!.event_count).toBe(120);
    const [cmp] = await compareWithRecompute(site.id, "m", Date.now());
    expect(cmp!.stored.rules).toEqual(cmp!.recomputed.rules);
    expect(cmp!.stored.score).toBeCloseTo(cmp!.recomputed.score, 6);
    // The trigger crossed once: one alert, whatever the interleaving.
    expect(await countRows("alerts")).toBe(cmp!.recomputed.tier === "hot" ? 1 : 0);
  });
});

describe("group commit (worker/store/group-commit.ts)", () => {
  it("lets 30 visitors' concurrent beacons share write batches, and every lead still equals a recompute", async () => {
    const site = await createSite();
    await admin("/models/m", site.secretKey, { method: "PUT", body: model });
    const now = Date.now();
    // Each visitor sends four beacons one after another; the visitors run at once.
    const groups: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, v) => {
        const out: { accepted: number; duplicates: number }[] = [];
        for (let b = 0; b < 4; b++) {
          const events = [0, 1].map((j) => ({ id: `g-${v}-${b}-${j}`, ts: now - (8 - b * 2 - j) * 1000, session: `s${v}`, ...kinds[(v + b + j) % kinds.length]! }));
          const res = await collect({ site: site.publicKey, visitor: `gv-${v}`, session: `s${v}`, events });
          expect(res.status).toBe(200);
          groups.push(Number(/group=(\d+)/.exec(res.headers.get("x-edgescore-d1") ?? "")?.[1] ?? 0));
          out.push((await res.json()) as { accepted: number; duplicates: number });
        }
        return out;
      }),
    );
    expect(answers.flat().reduce((a, b) => a + b.accepted, 0)).toBe(240);
    expect(answers.flat().every((a) => a.duplicates === 0)).toBe(true);
    // Writes were shared: some request's batch went to D1 together with others'.
    expect(Math.max(...groups)).toBeGreaterThan(1);
    expect(await countRows("events", "site_id = ?", site.id)).toBe(240);
    expect(await countRows("leads", "site_id = ?", site.id)).toBe(30);
    expect((await rows<{ n: number }>("SELECT min(event_count) AS n FROM leads WHERE site_id = ?", site.id))[0]!.n).toBe(8);
    const cmps = await compareWithRecompute(site.id, "m", Date.now());
    expect(cmps).toHaveLength(30);
    for (const c of cmps) {
      expect(c.stored.rules).toEqual(c.recomputed.rules);
      expect(c.stored.score).toBeCloseTo(c.recomputed.score, 6);
    }
  });
});

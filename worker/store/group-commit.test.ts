// Group commit on the real local D1: concurrent batches of one key share D1 calls, each gets
// exactly its own results, a failing member costs the others nothing but a solo run, keys
// never mix, and a leader that never comes back does not hold the others.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_GROUP_STATEMENTS, runGrouped } from "./group-commit";

const db = env.DB;

beforeAll(async () => {
  await db.exec("CREATE TABLE IF NOT EXISTS gc_rows (k TEXT PRIMARY KEY, member INTEGER NOT NULL)");
});

/** One request's batch: two inserts and a read of what this member wrote. */
const batchOf = (tag: string, member: number) => [
  db.prepare("INSERT INTO gc_rows (k, member) VALUES (?1, ?2)").bind(`${tag}-${member}-a`, member),
  db.prepare("INSERT INTO gc_rows (k, member) VALUES (?1, ?2)").bind(`${tag}-${member}-b`, member),
  db.prepare("SELECT count(*) AS n, ?2 AS member FROM gc_rows WHERE k LIKE ?1").bind(`${tag}-${member}-%`, member),
];

const stored = async (tag: string) =>
  (await db.prepare("SELECT member, count(*) AS n FROM gc_rows WHERE k LIKE ?1 GROUP BY member ORDER BY member").bind(`${tag}-%`).all<{ member: number; n: number }>()).results;

describe("runGrouped", () => {
  it("lets concurrent batches of one key share D1 calls, each getting its own results", async () => {
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => runGrouped(db, "site-a", batchOf("share", i))));
    runs.forEach((r, i) => {
      expect(r.results).toHaveLength(3);
      expect(r.results[2]!.results).toEqual([{ n: 2, member: i }]);
    });
    // The first goes alone at once; the rest waited and went together.
    expect(runs[0]!.groupSize).toBe(1);
    expect(Math.max(...runs.map((r) => r.groupSize))).toBe(11);
    expect(await stored("share")).toEqual(Array.from({ length: 12 }, (_, i) => ({ member: i, n: 2 })));
  });

  it("runs every member alone when the group fails: only the failing one fails, nothing of it lands", async () => {
    const bad = [
      db.prepare("INSERT INTO gc_rows (k, member) VALUES (?1, 99)").bind("fail-99-a"),
      // Raises, as an ingest guard does: the whole transaction rolls back.
      db.prepare("SELECT json('conflict')"),
    ];
    const calls = [runGrouped(db, "site-b", batchOf("fail", 0)), runGrouped(db, "site-b", batchOf("fail", 1)), runGrouped(db, "site-b", bad), runGrouped(db, "site-b", batchOf("fail", 2))];
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const ok = (i: number) => (settled[i] as PromiseFulfilledResult<Awaited<(typeof calls)[0]>>).value;
    for (const i of [0, 1, 3]) expect(ok(i).results[2]!.results).toHaveLength(1);
    // The first went alone at once; the two in the failed group waited for it and then ran alone: 2 calls.
    expect([0, 1, 3].map((i) => ok(i).roundTrips)).toEqual([1, 2, 2]);
    expect(await stored("fail")).toEqual([0, 1, 2].map((member) => ({ member, n: 2 })));
  });

  it("never groups batches of different keys (sites)", async () => {
    const runs = await Promise.all(["x", "y", "z"].map((key, i) => runGrouped(db, `site-${key}`, batchOf("keys", i))));
    expect(runs.map((r) => r.groupSize)).toEqual([1, 1, 1]);
  });

  it(`keeps a group within ${MAX_GROUP_STATEMENTS} statements`, async () => {
    const n = Math.ceil((2 * MAX_GROUP_STATEMENTS) / 3) + 4;
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => runGrouped(db, "site-cap", batchOf("cap", i))));
    expect(Math.max(...runs.map((r) => r.groupSize)) * 3).toBeLessThanOrEqual(MAX_GROUP_STATEMENTS);
    expect((await stored("cap")).length).toBe(n);
  });

  it("does not let a leader that never returns hold the others: they run alone after the stall time", async () => {
    let first = true;
    // The leader's call hangs, as when its request is cancelled mid-call.
    const stuck = { batch: (s: D1PreparedStatement[]) => (first ? ((first = false), new Promise<D1Result[]>(() => {})) : db.batch(s)) } as unknown as D1Database;
    void runGrouped(stuck, "site-stuck", batchOf("stall", 0), { stallMs: 50 });
    const waiting = await runGrouped(stuck, "site-stuck", batchOf("stall", 1), { stallMs: 50 });
    expect(waiting.groupSize).toBe(1);
    expect(waiting.results[2]!.results).toEqual([{ n: 2, member: 1 }]);
    // A newcomer after the stall time starts a fresh lane instead of queueing behind the stuck one.
    const later = await runGrouped(stuck, "site-stuck", batchOf("stall", 2), { stallMs: 50, now: () => Date.now() + 60 });
    expect(later.groupSize).toBe(1);
    expect(await stored("stall")).toEqual([1, 2].map((member) => ({ member, n: 2 })));
  });

  it("sends the waiters of a lane given up for stalled on alone as soon as its slow call returns", async () => {
    let release!: () => void;
    let first = true;
    const slow = {
      batch: (s: D1PreparedStatement[]) => {
        if (!first) return db.batch(s);
        first = false;
        return new Promise<D1Result[]>((resolve) => (release = () => resolve(db.batch(s) as unknown as D1Result[])));
      },
    } as unknown as D1Database;
    const leader = runGrouped(slow, "site-slow", batchOf("slow", 0), { stallMs: 10_000 });
    // Its own stall time is past the test's timeout: without the hand-off the test fails.
    const waiter = runGrouped(slow, "site-slow", batchOf("slow", 1), { stallMs: 60_000 });
    // Seen from later than the stall time, the lane is given up and a fresh one started.
    const newcomer = await runGrouped(slow, "site-slow", batchOf("slow", 2), { stallMs: 10_000, now: () => Date.now() + 20_000 });
    expect(newcomer.groupSize).toBe(1);
    release();
    // The waiter does not sit out its own stall time: it runs alone once the old call is back.
    const [l, w] = await Promise.all([leader, waiter]);
    expect(l.groupSize).toBe(1);
    expect(w.groupSize).toBe(1);
    expect(await stored("slow")).toEqual([0, 1, 2].map((member) => ({ member, n: 2 })));
  });
});

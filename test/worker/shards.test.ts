// Sharding: a site moves to another D1 database while its events arrive; no
// event is lost or doubled and every lead equals a recompute on the new shard.
import { env } from "cloudflare:workers";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { moveStep, startMove } from "../../worker/shards/move";
import { allShards } from "../../worker/shards/shards";
import { fence, openForCleaning, SITE_TABLES, unfence } from "../../worker/store/shards";
import { admin, call, collect, createSite, event, OPERATOR, ORIGIN } from "../support/api";
import { interestModel } from "../support/models";
import { compareWithRecompute } from "../support/recompute";
// The webhook receiver the Worker's outbound fetches reach (test/support/webhook-receiver.ts, in Node).
const RECEIVER_ORIGIN = "http://localhost:8788";

const [shard0, shard1] = allShards(env) as [D1Database, D1Database];
const count = async (db: D1Database, sql: string, ...args: unknown[]) => (await db.prepare(sql).bind(...args).first<{ n: number }>())!.n;

describe("shards", () => {
  it("tests and local dev run with two shards", () => {
    expect(allShards(env)).toHaveLength(2);
  });

  it("the move copies every table that holds a site's data, by its primary key (checked against db/schema.ts)", () => {
    // digest_claims (issue 14): the daily digest claim is read and written in the directory only.
    const directoryOnly = new Set(["sites", "dashboard_sessions", "daily_salts", "site_fences", "digest_claims"]);
    const expected = Object.values(schema as Record<string, unknown>)
      .filter((v): v is SQLiteTable => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v)
      .map((t) => getTableConfig(t))
      .filter((c) => !directoryOnly.has(c.name))
      .map((c) => {
        const pk = c.primaryKeys[0]?.columns.map((col) => col.name) ?? c.columns.filter((col) => col.primary).map((col) => col.name);
        expect(c.columns.some((col) => col.name === "site_id"), `${c.name} has site_id`).toBe(true);
        return { table: c.name, pk };
      })
      .sort((a, b) => a.table.localeCompare(b.table));
    expect([...SITE_TABLES].map((t) => ({ table: t.table, pk: [...t.pk] })).sort((a, b) => a.table.localeCompare(b.table))).toEqual(expected);
  });

  it("every site table refuses a fenced site's writes in the database itself; cleaning opens deletes only", async () => {
    for (const db of [shard0, shard1]) {
      const triggers = (await db.prepare("SELECT tbl_name AS t, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'fence_%'").all<{ t: string; name: string }>()).results;
      for (const { table } of SITE_TABLES)
        expect(triggers.filter((x) => x.t === table).map((x) => x.name).sort(), table).toEqual([`fence_${table}_delete`, `fence_${table}_insert`, `fence_${table}_update`]);
    }
    const site = await createSite();
    const product = (id: string) => shard0.prepare("INSERT INTO products (site_id, id, name, updated_at) VALUES (?1, ?2, 'Boots', 1)").bind(site.id, id);
    await product("kept").run();
    await fence(shard0, site.id, Date.now()).run();
    // One refused statement fails its whole batch: nothing of it is written.
    await expect(shard0.batch([product("x1"), product("x2")])).rejects.toThrow();
    await expect(shard0.prepare("UPDATE products SET name = 'Shoes' WHERE site_id = ?1").bind(site.id).run()).rejects.toThrow();
    await expect(shard0.prepare("DELETE FROM products WHERE site_id = ?1").bind(site.id).run()).rejects.toThrow();
    expect(await count(shard0, "SELECT count(*) AS n FROM products WHERE site_id = ?1 AND name = 'Boots'", site.id)).toBe(1);
    await openForCleaning(shard0, site.id).run();
    await expect(product("x3").run()).rejects.toThrow();
    await shard0.prepare("DELETE FROM products WHERE site_id = ?1").bind(site.id).run();
    expect(await count(shard0, "SELECT count(*) AS n FROM products WHERE site_id = ?1", site.id)).toBe(0);
    // Other sites of the shard are not concerned.
    const other = await createSite();
    await shard0.prepare("INSERT INTO products (site_id, id, name, updated_at) VALUES (?1, 'p', 'Boots', 1)").bind(other.id).run();
    await unfence(shard0, site.id).run();
  });

  it("an admin write or a promo grant that meets the fence answers 503 site_moving and writes nothing; reads go on", async () => {
    const site = await createSite();
    expect((await admin("/models/m", site.secretKey, { method: "PUT", body: interestModel })).status).toBe(201);
    await collect({ site: site.publicKey, visitor: "v", events: [event("trial_signup")] });
    // A promo that the warm lead qualifies for but does not hold yet: its next hints grant a code.
    const withPromo = { ...interestModel, promos: [{ id: "p", when: { tier: "warm" }, codes: ["C1", "C2"] }] };
    expect((await admin("/models/m", site.secretKey, { method: "PUT", body: withPromo })).status).toBe(200);
    const leadId = ((await (await admin("/leads", site.secretKey)).json()) as { leads: { id: string }[] }).leads[0]!.id;
    await fence(shard0, site.id, Date.now()).run();
    const moving = async (res: Response) => {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("site_moving");
    };
    await moving(await admin("/products", site.secretKey, { method: "PUT", body: { products: [{ id: "sku-1", name: "Boots" }] } }));
    await moving(await admin(`/leads/${leadId}`, site.secretKey, { method: "DELETE" }));
    await moving(await admin("/conversions", site.secretKey, { body: { lead: leadId, value: 5 } }));
    await moving(await call("/v1/hints", { method: "POST", headers: { origin: ORIGIN }, body: JSON.stringify({ site: site.publicKey, visitor: "v" }) }));
    expect(await count(shard0, "SELECT count(*) AS n FROM products WHERE site_id = ?1", site.id)).toBe(0);
    expect(await count(shard0, "SELECT count(*) AS n FROM leads WHERE site_id = ?1", site.id)).toBe(1);
    expect(await count(shard0, "SELECT count(*) AS n FROM conversions WHERE site_id = ?1", site.id)).toBe(0);
    expect(await count(shard0, "SELECT count(*) AS n FROM promo_codes WHERE site_id = ?1 AND lead_id IS NOT NULL", site.id)).toBe(0);
    expect((await admin(`/leads/${leadId}`, site.secretKey)).status).toBe(200);
    // Once the site has a home again, the same writes go through.
    await unfence(shard0, site.id).run();
    expect((await admin(`/leads/${leadId}`, site.secretKey, { method: "DELETE" })).status).toBe(204);
  });

  it("the copy takes a table only as far as it was when its pass began; the catch-up takes what came after", async () => {
    const site = await createSite();
    const insert = (ids: string[]) =>
      shard0
        .prepare("INSERT INTO events (site_id, id, lead_id, n, type, ts, received_at) SELECT ?1, value, 'L', key + 1, 'page_view', 1, 1 FROM json_each(?2)")
        .bind(site.id, JSON.stringify(ids))
        .run();
    await insert(Array.from({ length: 250 }, (_, i) => `a-${String(i).padStart(3, "0")}`));
    await startMove(env, site.id, 1);
    const eventsTable = SITE_TABLES.findIndex((t) => t.table === "events");
    const cursor = async () => JSON.parse((await shard0.prepare("SELECT move_cursor FROM sites WHERE id = ?1").bind(site.id).first<{ move_cursor: string | null }>())!.move_cursor ?? '{"t":0}') as { t: number; after: unknown };
    while ((await cursor()).t < eventsTable) await moveStep(env, site.id, Date.now());
    await moveStep(env, site.id, Date.now()); // the first chunk of events: 200 rows
    expect((await cursor()).after).not.toBeNull();
    // A busy site keeps writing: rows after the pass began (here, keys past its end).
    await insert(["z-1", "z-2"]);
    await moveStep(env, site.id, Date.now()); // the rest of what the pass began with
    expect((await cursor()).t).toBe(eventsTable + 1);
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(250);
    let now = Date.now();
    for (let i = 0; i < 1000 && (await moveStep(env, site.id, now)) !== "done"; i++) now += 1_000;
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(252);
    expect(await count(shard0, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(0);
  });

  it("a write that arrives during the switch waits for it and lands in the new shard (the fence)", { timeout: 60_000 }, async () => {
    const site = await createSite();
    await collect({ site: site.publicKey, visitor: "early", events: [event("page_view")] });
    await startMove(env, site.id, 1);
    const eventsTable = SITE_TABLES.findIndex((t) => t.table === "events");
    // Step until the switch has caught up the events table (what follows it is not re-read).
    for (;;) {
      const row = await shard0.prepare("SELECT move_state, move_cursor FROM sites WHERE id = ?1").bind(site.id).first<{ move_state: string; move_cursor: string }>();
      if (row!.move_state === "switching" && (JSON.parse(row!.move_cursor) as { t: number }).t > eventsTable) break;
      await moveStep(env, site.id, Date.now());
    }
    const late = event("page_view");
    const pending = collect({ site: site.publicKey, visitor: "late", events: [late] });
    await new Promise((r) => setTimeout(r, 100));
    let now = Date.now();
    for (let i = 0; i < 1000 && (await moveStep(env, site.id, now)) !== "done"; i++) now += 1_000;
    expect((await pending).status).toBe(200);
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1 AND id = ?2", site.id, late.id)).toBe(1);
    expect(await count(shard0, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(0);
  });

  it("moves a site while events arrive: none lost or doubled, every lead equals a recompute, the old shard emptied", { timeout: 120_000 }, async () => {
    const site = await createSite([ORIGIN], { rateLimits: { visitorPerMinute: 100_000 } });
    expect((await admin("/models/m", site.secretKey, { method: "PUT", body: interestModel })).status).toBe(201);
    const other = await createSite();
    await collect({ site: other.publicKey, visitor: "bystander", events: [event("page_view")] });

    // Traffic: 8 visitors sending batches of 1-3 events, 10 % resends, until told to stop.
    const accepted = new Set<string>();
    let stop = false;
    let requests = 0;
    const sent: unknown[][] = [];
    const visitorLoop = async (v: number) => {
      let i = 0;
      while (!stop) {
        const batch = Array.from({ length: 1 + ((v + i) % 3) }, (_, k) =>
          event(k === 0 && i % 4 === 0 ? "trial_signup" : "page_view", { url: `https://shop.example/${i % 2 ? "pricing" : "docs"}/${v}` }),
        );
        const resend = i > 0 && i % 10 === 0 ? sent[v]!.slice(0, 1) : [];
        const body = { site: site.publicKey, visitor: `mover-${v}`, session: `s-${v}`, events: [...batch, ...resend] };
        sent[v] = batch;
        const res = await collect(body);
        requests++;
        // A tick between beacons, as a browser's are: back-to-back requests whose only I/O is D1
        // (a warm isolate's one round trip) would starve this isolate's timers, the mover's included.
        await new Promise((r) => setTimeout(r, 0));
        expect(res.status).toBe(200);
        for (const e of batch) accepted.add(e.id);
        i++;
      }
    };
    const traffic = Promise.all(Array.from({ length: 8 }, (_, v) => ((sent[v] = []), visitorLoop(v))));

    // Let some traffic land, then move, a step at a time, with traffic flowing.
    while (requests < 40) await new Promise((r) => setTimeout(r, 10));
    await startMove(env, site.id, 1);
    const phases: string[] = [];
    let now = Date.now();
    for (let step = 0; step < 10_000; step++) {
      const row = await shard0.prepare("SELECT move_state FROM sites WHERE id = ?1").bind(site.id).first<{ move_state: string | null }>();
      if (row!.move_state && phases[phases.length - 1] !== row!.move_state) phases.push(row!.move_state);
      // Traffic keeps flowing through the copy and the switch; stopped once the site has its new home.
      if (row!.move_state === "cleaning" && !stop) {
        await new Promise((r) => setTimeout(r, 200));
        stop = true;
        await traffic;
        now += 61_000; // past every isolate's site cache: the source may be cleaned
      }
      const r = await moveStep(env, site.id, now);
      if (r === "done") break;
      // Slow the switch down so that traffic keeps arriving while it runs: those
      // requests must wait for it (the fence), not land in the shard being left.
      await new Promise((r) => setTimeout(r, row!.move_state === "switching" ? 40 : 2));
    }
    expect(phases).toEqual(["copying", "switching", "cleaning"]);
    expect(await count(shard0, "SELECT shard AS n FROM sites WHERE id = ?1", site.id)).toBe(1);

    // Every accepted event is stored once, in the new shard; the old one holds nothing of the site.
    const ids = (await shard1.prepare("SELECT id FROM events WHERE site_id = ?1").bind(site.id).all<{ id: string }>()).results.map((r) => r.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(accepted);
    expect(accepted.size).toBeGreaterThan(100);
    for (const t of SITE_TABLES) expect(await count(shard0, `SELECT count(*) AS n FROM ${t.table} WHERE site_id = ?1`, site.id), t.table).toBe(0);
    // Event numbers per lead have no gaps or ties; every lead equals a recompute.
    const leads = (await shard1.prepare("SELECT id, event_count FROM leads WHERE site_id = ?1").bind(site.id).all<{ id: string; event_count: number }>()).results;
    expect(leads).toHaveLength(8);
    for (const l of leads) {
      const ns = (await shard1.prepare("SELECT n FROM events WHERE lead_id = ?1 ORDER BY n").bind(l.id).all<{ n: number }>()).results.map((r) => r.n);
      expect(ns).toEqual(Array.from({ length: l.event_count }, (_, i) => i + 1));
    }
    for (const c of await compareWithRecompute(site.id, "m", Date.now(), shard1)) {
      expect(c.stored.score).toBeCloseTo(c.recomputed.score, 9);
      expect(c.stored.tier).toBe(c.recomputed.tier);
    }
    // The site keeps working on its new shard; the other site never moved.
    expect((await collect({ site: site.publicKey, visitor: "mover-0", events: [event("page_view")] })).status).toBe(200);
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(accepted.size + 1);
    expect(await count(shard0, "SELECT count(*) AS n FROM events WHERE site_id = ?1", other.id)).toBe(1);
    // A second move to where it already is, or to an unbound shard, is refused.
    await expect(startMove(env, site.id, 1)).rejects.toMatchObject({ status: 409 });
    await expect(startMove(env, site.id, 7)).rejects.toThrow(/not bound/);
  });
});

describe("POST /v1/admin/sites/:id/move", () => {
  const op = (path: string, body?: unknown) =>
    call(path, { method: body === undefined ? "GET" : "POST", headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it("moves a site with the operator token, reports progress, and refuses what cannot be", { timeout: 60_000 }, async () => {
    const site = await createSite();
    await collect({ site: site.publicKey, visitor: "v", events: [event("page_view")] });
    expect((await call(`/v1/admin/sites/${site.id}/move`, { method: "POST", headers: { authorization: `Bearer ${site.secretKey}` }, body: "{}" })).status).toBe(401);
    expect((await op(`/v1/admin/sites/${site.id}/move`, { to: 9 })).status).toBe(400);
    expect((await op(`/v1/admin/sites/site_nope/move`, { to: 1 })).status).toBe(404);
    const res = await op(`/v1/admin/sites/${site.id}/move`, { to: 1 });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ site: site.id, shard: 0, moving: { to: 1, phase: "copying" } });
    // The request drove the copy and the switch (waitUntil); what is left is the delayed cleaning.
    expect(await (await op(`/v1/admin/sites/${site.id}/move`)).json()).toMatchObject({ shard: 1, moving: { to: 1, phase: "cleaning" } });
    expect((await op(`/v1/admin/sites/${site.id}/move`, { to: 0 })).status).toBe(409);
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(1);
  });
});

describe("a site on the second shard", () => {
  it("new sites go to the least loaded shard", async () => {
    const placed: number[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await createSite([ORIGIN], { shard: null });
      placed.push((await shard0.prepare("SELECT shard FROM sites WHERE id = ?1").bind(s.id).first<{ shard: number }>())!.shard);
    }
    expect(placed).toEqual([0, 1, 0, 1]);
    expect((await call("/v1/admin/sites", { method: "POST", headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" }, body: JSON.stringify({ name: "x", origins: [ORIGIN], shard: 5 }) })).status).toBe(400);
  });

  it("every query of its requests goes to its shard: ingest, hints, leads, alerts and their delivery, catalog, report, conversions, erase", { timeout: 60_000 }, async () => {
    const site = await createSite([ORIGIN], { shard: 1 });
    const hook = `${RECEIVER_ORIGIN}/ok/${site.id}`;
    const model = { ...interestModel, triggers: [{ id: "hot", when: { tier: "hot" }, webhook: hook }], promos: [{ id: "p", when: { tier: "warm" }, codes: ["C1", "C2"] }] };
    expect((await admin("/models/m", site.secretKey, { method: "PUT", body: model })).status).toBe(201);
    expect((await admin("/products", site.secretKey, { method: "PUT", body: { products: [{ id: "sku-1", name: "Boots", url: "https://shop.example/sku-1" }] } })).status).toBe(200);
    const r = await collect({ site: site.publicKey, visitor: "v2", session: "s", events: [event("trial_signup"), event("chat"), event("page_view", { url: "https://shop.example/pricing" }), event("product_view", { props: { id: "sku-1" } })] });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { hints: { tier: string } }).hints.tier).toBe("hot");
    const hints = await call("/v1/hints", { method: "POST", headers: { origin: ORIGIN }, body: JSON.stringify({ site: site.publicKey, visitor: "v2" }) });
    expect(((await hints.json()) as { tier: string; promo: { code: string } }).promo.code).toBe("C1");
    const list = (await (await admin("/leads", site.secretKey)).json()) as { leads: { id: string; tier: string }[] };
    expect(list.leads).toHaveLength(1);
    const leadId = list.leads[0]!.id;
    expect((await admin(`/leads/${leadId}`, site.secretKey)).status).toBe(200);
    expect((await admin("/conversions", site.secretKey, { body: { lead: leadId, value: 5 } })).status).toBe(201);
    expect((await admin("/report?model=m", site.secretKey)).status).toBe(200);
    // The alert was written on shard 1 and delivered with the secret from the directory.
    const alerts = (await (await admin("/alerts", site.secretKey)).json()) as { alerts: { status: string }[] };
    expect(alerts.alerts.map((a) => a.status)).toEqual(["delivered"]);
    const got = (await (await fetch(`${RECEIVER_ORIGIN}/__received?key=${site.id}`)).json()) as { headers: Record<string, string> }[];
    expect(got).toHaveLength(1);
    // Nothing of the site in shard 0 but its directory row.
    for (const t of SITE_TABLES) expect(await count(shard0, `SELECT count(*) AS n FROM ${t.table} WHERE site_id = ?1`, site.id), t.table).toBe(0);
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(4);
    expect(await count(shard1, "SELECT count(*) AS n FROM conversions WHERE site_id = ?1", site.id)).toBe(1);
    expect((await admin(`/leads/${leadId}`, site.secretKey, { method: "DELETE" })).status).toBe(204);
    expect(await count(shard1, "SELECT count(*) AS n FROM events WHERE site_id = ?1", site.id)).toBe(0);
  });
});

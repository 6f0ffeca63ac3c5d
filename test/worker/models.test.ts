import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";
import { describe, expect, it } from "vitest";
import { admin, collect, createSite, event, rows } from "../support/api";
import { dealerModel } from "../support/models";
import { rescoreChunk } from "../../worker/models/rescore";

type Err = { error: { code: string; issues: { path: string; message: string }[] } };

describe("/v1/admin/models", () => {
  it("rejects an invalid model with every problem and its path, and stores nothing", async () => {
    const site = await createSite();
    const res = await admin("/models/bad", site.secretKey, {
      method: "PUT",
      body: {
        tiers: { warm: 30, hot: 15 },
        categories: { fit: { kind: "fit", max: 50 } },
        rules: [
          { id: "a", category: "nope", points: 5, when: { event: "page_view" } },
          { id: "a", category: "fit", points: 5, when: { trait: "x", gte: 1 } },
          { id: "c", points: 5, when: { event: "page_view", path: "no-slash[" } },
        ],
        triggers: [{ id: "t", when: { tier: "hot" }, webhook: "http://169.254.169.254/latest" }],
      },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Err;
    expect(body.error.code).toBe("invalid_model");
    const paths = body.error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["tiers.hot", "rules.0.category", "rules.1.id", "rules.2.when.path", "triggers.0.webhook"]));
    expect((await admin("/models/bad", site.secretKey)).status).toBe(404);
    expect(await rows("SELECT * FROM models")).toEqual([]);
  });

  it("stores versions, lists models with the first as primary, deletes", async () => {
    const site = await createSite();
    const minimal = { rules: [{ id: "pricing", points: 10, when: { event: "page_view", path: "/pricing" } }] };
    const first = await admin("/models/b2c", site.secretKey, { method: "PUT", body: minimal });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ name: "b2c", version: 1, primary: true });
    const second = await admin("/models/dealer", site.secretKey, { method: "PUT", body: dealerModel });
    expect(await second.json()).toMatchObject({ name: "dealer", version: 1, primary: false });
    const again = await admin("/models/b2c", site.secretKey, { method: "PUT", body: { ...minimal, exposeScore: true } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ version: 2, primary: true });

    const list = (await (await admin("/models", site.secretKey)).json()) as { models: { name: string; version: number; primary: boolean }[] };
    expect(list.models.map((m) => [m.name, m.version, m.primary])).toEqual([
      ["b2c", 2, true],
      ["dealer", 1, false],
    ]);
    const one = (await (await admin("/models/b2c", site.secretKey)).json()) as { document: unknown; versions: { version: number }[] };
    expect(one.document).toEqual({ ...minimal, exposeScore: true });
    expect(one.versions.map((v) => v.version)).toEqual([1, 2]);

    expect((await admin("/models/b2c", site.secretKey, { method: "DELETE" })).status).toBe(204);
    expect((await admin("/models/b2c", site.secretKey)).status).toBe(404);
    expect((await admin("/models/b2c", site.secretKey, { method: "DELETE" })).status).toBe(404);
    const after = (await (await admin("/models", site.secretKey)).json()) as { models: { name: string; primary: boolean }[] };
    expect(after.models).toMatchObject([{ name: "dealer", primary: true }]);
  });

  it("a site's models are invisible to another site", async () => {
    const a = await createSite();
    const b = await createSite();
    await admin("/models/m", a.secretKey, { method: "PUT", body: dealerModel });
    expect((await admin("/models/m", b.secretKey)).status).toBe(404);
    expect(((await (await admin("/models", b.secretKey)).json()) as { models: unknown[] }).models).toEqual([]);
  });

  it("rescoring existing leads runs in chunks with visible progress", async () => {
    const site = await createSite(["https://dealer.example"]);
    // 120 leads with history before any model exists.
    for (let i = 0; i < 120; i++) {
      const evs = [event("page_view", { url: "https://dealer.example/directions" })];
      if (i % 2 === 0) evs.push(event("form_submit", { name: "car-interest" }));
      await collect({ site: site.publicKey, visitor: `v${i}`, events: evs }, { origin: "https://dealer.example" });
    }
    // Store the model without the request's immediate rescoring, then walk it chunk by chunk.
    const { putModel } = await import("../../worker/models/models");
    await putModel(env.DB, site.id, "dealer", dealerModel, Date.now());
    const progress = async () => ((await (await admin("/models/dealer", site.secretKey)).json()) as { rescore: { status: string; done: number; total: number } }).rescore;
    expect(await progress()).toEqual({ status: "running", done: 0, total: 120 });
    expect(await rescoreChunk(env.DB, site.id, "dealer", Date.now())).toBe(true);
    expect(await progress()).toEqual({ status: "running", done: 50, total: 120 });

    // The cron finishes it.
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await progress()).toEqual({ status: "done", done: 120, total: 120 });
    const tiers = await rows<{ tier: string; n: number }>("SELECT tier, count(*) AS n FROM lead_scores GROUP BY tier ORDER BY tier");
    expect(tiers).toEqual([
      { tier: "hot", n: 60 }, // directions 20 + form 10
      { tier: "warm", n: 60 }, // directions 20
    ]);
    // Rescoring after a model change never fires triggers for leads already past them.
    expect(await rows("SELECT * FROM alerts")).toEqual([]);
  });
});

// The review on real data: 2,000 contacts of a bank's phone campaigns (test/fixtures/bank.ts has
// the mapping to traits and events), conversions marked, then the report: the suggested model
// must rank held-out leads about as well as a plain logistic regression on the same columns, and
// be a document the API accepts.
//
// The rows (2,000 leads, ~8,000 events) are written to D1 in bulk, as an import would: through
// /v1/admin/events one request at a time they take minutes in the local runtime. The model is
// PUT afterwards, so the leads' scores come from the real rescoring (events → engine state).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bankCsv } from "../fixtures/bank-sample";
import { bankEvents, bankTraits, IMPORTED, parseBank, plainLogisticCvAuc, type BankRow } from "../fixtures/bank";
import { runRescoring } from "../../worker/models/rescore";
import { admin, createSite, rows } from "../support/api";

const handMade = {
  tiers: { warm: 15, hot: 30 },
  rules: [
    { id: "balance", category: "fit", points: 10, when: { trait: "balance", gte: 1000 } },
    { id: "student", category: "fit", points: 10, when: { trait: "job", eq: "student" } },
    { id: "prev-success", category: "interest", points: 30, when: { event: "custom", name: "previous_success" } },
    { id: "call", category: "interest", points: 2, when: { event: "custom", name: "call" } },
  ],
};

async function importRows(siteId: string, data: BankRow[], now: number) {
  const db = env.DB;
  for (let start = 0; start < data.length; start += 250) {
    const leads = data.slice(start, start + 250).map((r, k) => {
      const i = start + k;
      const events = bankEvents(r, now).map((e, n) => ({ id: `b${i}-${n}`, n: n + 1, ...e }));
      return {
        id: `ld_bank${String(i).padStart(5, "0")}`,
        email: `c${i}@bank.example`,
        traits: JSON.stringify(bankTraits(r)),
        first: Math.min(...events.map((e) => e.ts)),
        last: Math.max(...events.map((e) => e.ts)),
        converted: r.deposit ? now : null,
        events,
      };
    });
    const json = JSON.stringify(leads);
    await db.batch([
      db
        .prepare(
          `INSERT INTO leads (id, site_id, email, traits, first_seen, last_seen, event_count, version, converted_at)
           SELECT x->>'$.id', ?1, x->>'$.email', x->>'$.traits', x->>'$.first', x->>'$.last', json_array_length(x->'$.events'), 1, x->>'$.converted'
           FROM (SELECT value AS x FROM json_each(?2))`,
        )
        .bind(siteId, json),
      db
        .prepare(
          `INSERT INTO events (site_id, id, lead_id, n, type, name, ts, received_at)
           SELECT ?1, e.value->>'$.id', l.value->>'$.id', e.value->>'$.n', e.value->>'$.type', e.value->>'$.name', e.value->>'$.ts', ?3
           FROM json_each(?2) l, json_each(l.value->'$.events') e`,
        )
        .bind(siteId, json, now),
      db
        .prepare(
          `INSERT INTO conversions (site_id, lead_id, ts)
           SELECT ?1, value->>'$.id', value->>'$.converted' FROM json_each(?2) WHERE value->>'$.converted' IS NOT NULL`,
        )
        .bind(siteId, json),
    ]);
  }
}

type Report = {
  leads: number;
  converted: { count: number };
  auc: number;
  suggestedAuc: number;
  suggestedModel: Record<string, unknown>;
  suggested: { regressionAuc: number; folds: number; features: number; rules: { id: string; category: string; points: number }[] };
};

describe("the review on the bank-marketing sample", () => {
  it("suggests integer points that rank about as well as a logistic regression (5-fold CV)", { timeout: 180_000 }, async () => {
    const data = parseBank(bankCsv);
    expect(data).toHaveLength(2000);
    const site = await createSite();
    const now = Date.now();
    await importRows(site.id, data, now);
    expect((await admin("/models/calls", site.secretKey, { method: "PUT", body: handMade })).status).toBe(201);
    while ((await runRescoring(env.DB, 60_000)) > 0);
    expect(await rows("SELECT count(*) AS n FROM lead_scores WHERE site_id = ?1 AND model = 'calls'", site.id)).toEqual([{ n: 2000 }]);

    const t0 = Date.now();
    const res = await admin("/report?model=calls&days=30", site.secretKey);
    const ms = Date.now() - t0;
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    const plain = plainLogisticCvAuc(data, IMPORTED);
    console.log(
      `bank sample: ${r.leads} leads, ${r.converted.count} converted; report ${ms} ms; hand-made AUC ${r.auc}; ` +
        `suggestedAuc ${r.suggestedAuc} (raw regression ${r.suggested.regressionAuc}, ${r.suggested.features} features, ${r.suggested.rules.length} rules); ` +
        `plain logistic regression ${plain.toFixed(4)}`,
    );
    expect(r.leads).toBe(2000);
    expect(r.converted.count).toBe(961);
    expect(r.suggested.folds).toBe(5);
    // Measured: suggestedAuc 0.7461, same features raw regression 0.7448, plain regression 0.7458,
    // the hand-made model 0.6214 (deterministic: fixed sample, folds and fit).
    expect(r.suggestedAuc).toBeGreaterThanOrEqual(0.73);
    expect(Math.abs(r.suggestedAuc - plain)).toBeLessThan(0.02);
    expect(r.suggestedAuc).toBeGreaterThan(r.auc);
    // Known signals come out with the expected signs.
    const points = Object.fromEntries(r.suggested.rules.map((x) => [x.id, x.points]));
    expect(points["previous_success"]).toBeGreaterThan(10);
    expect(points["contact-cellular"]).toBeGreaterThan(0);

    const put = await admin("/models/suggested", site.secretKey, { method: "PUT", body: r.suggestedModel });
    expect(put.status).toBe(201);
  });
});

// The review page's recommendation (issue 15 item, done with issue 13): "Use the suggested model"
// is the prominent action only when the suggestion ranks the held-out leads better than the
// current model; otherwise a quiet link with the reason. And each suggested rule's "why".
// Also the report's recency feature read from D1 (days with events before the conversion).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ReviewPage } from "../../worker/dashboard/pages/review";
import type { Report } from "../../worker/dashboard/types";
import { loadSiteModels } from "../../worker/leads/list";
import { loadReportLeads } from "../../worker/report/load";
import { admin, createSite, event } from "../support/api";

const DAY = 86_400_000;

function report(over: Partial<Report["suggested"]>, suggestedAuc: number | null): Report {
  return {
    model: "sales",
    version: 1,
    days: 30,
    since: 0,
    generatedAt: 1,
    scoreBasis: "now",
    leads: 100,
    stale: 0,
    sampled: false,
    converted: { count: 20, averageScore: 30, value: 0 },
    notConverted: { count: 80, averageScore: 10 },
    onTrack: true,
    auc: 0.7,
    lowScorersConverted: { threshold: 15, count: 0, leads: [] },
    highScorersNotConverted: { threshold: 30, count: 0, leads: [] },
    rules: [],
    tiers: [],
    histogram: { binWidth: 10, bins: [{ from: 0, to: 10, converted: 1, notConverted: 5 }] },
    suggestedModel: { rules: [] },
    suggestedAuc,
    suggested: {
      currentAuc: 0.71,
      regressionAuc: 0.8,
      trainingAuc: 0.82,
      beatsCurrent: true,
      split: { method: "deterministic 70/30 split by a hash of the lead id", train: 70, holdout: 30, holdoutConverted: 6 },
      features: 40,
      rules: [{ id: "segment-partner", label: "segment = <b>partner</b>", category: "fit", points: 26, leads: 8, converted: 7, lift: 4.25 }],
      note: null,
      ...over,
    },
    sources: [],
  };
}

const render = (r: Report) => String(ReviewPage({ site: { name: "s" }, csrf: "t", models: ["sales"], model: "sales", days: 30, report: r, state: "ok" }));

describe("the review's recommendation", () => {
  it("recommends the suggested model prominently when it beats the current one on held-out leads", () => {
    const html = render(report({}, 0.79));
    expect(html).toContain('<button type="submit">Use the suggested model</button>');
    expect(html).toContain("AUC 0.79 against 0.71 for the current model, on 30 held-out leads");
    expect(html).toContain('action="/dashboard/models/sales"');
    expect(html).not.toContain("Not recommended");
    // The why per rule: label as text, points, leads touched, lift; and the split.
    expect(html).toContain("segment = &lt;b&gt;partner&lt;/b&gt;");
    expect(html).toContain('<td class="num">+26</td><td class="num">8</td><td class="num">7</td><td class="num">4.25</td>');
    expect(html).toContain("Fitted on 70 leads, measured on 30 held out (6 converted): deterministic 70/30 split");
  });

  it("offers only a quiet link, with the reason, when it does not beat the current model", () => {
    const html = render(report({ beatsCurrent: false, currentAuc: 0.81 }, 0.79));
    expect(html).not.toContain("Use the suggested model</button>");
    expect(html).toContain("Not recommended: On the held-out leads it does not rank better than the current model (AUC 0.79 vs 0.81).");
    expect(html).toContain('href="/dashboard/models/sales?from=suggested&amp;days=30"');
    const unmeasured = render(report({ beatsCurrent: false, note: "Too few conversions to hold leads out: the suggestion is fitted on every lead and its AUC is not measured." }, null));
    expect(unmeasured).not.toContain("Use the suggested model</button>");
    expect(unmeasured).toContain("Not recommended: Too few conversions to hold leads out");
  });
});

describe("recency read from D1", () => {
  it("counts the days with each type of event in the 7 days before the conversion, or before now", async () => {
    const site = await createSite();
    await admin("/models/main", site.secretKey, { method: "PUT", body: { rules: [{ id: "v", points: 1, when: { event: "page_view" } }] } });
    const now = Date.now();
    const at = (daysAgo: number, h = 0) => now - daysAgo * DAY - h * 3_600_000;
    // Active: page views 1 and 2 days ago (an hour apart there: one or two UTC days, counted below) and 20 days ago (too old).
    const active = [event("page_view", { ts: at(1) }), event("page_view", { ts: at(2) }), event("page_view", { ts: at(2, 1) }), event("page_view", { ts: at(20) })];
    await admin("/events", site.secretKey, { body: { email: "a@example.com", events: active } });
    // Converted 10 days ago: views 11 and 12 days ago count (before it), the one after does not.
    const conv = [event("page_view", { ts: at(11) }), event("page_view", { ts: at(12) }), event("page_view", { ts: at(1) })];
    await admin("/events", site.secretKey, { body: { email: "c@example.com", events: conv } });
    expect((await admin("/conversions", site.secretKey, { body: { email: "c@example.com", ts: at(10) } })).status).toBe(201);

    const [sm] = await loadSiteModels(env.DB, site.id);
    const { leads } = await loadReportLeads(env.DB, site.id, sm!, now - 30 * DAY, now);
    const by = Object.fromEntries(leads.map((l) => [l.email, l]));
    expect(by["a@example.com"]!.events.get("t|page_view")).toBe(4);
    const days = (...ts: number[]) => new Set(ts.map((t) => Math.floor(t / DAY))).size;
    expect(by["a@example.com"]!.recent?.get("t|page_view")).toBe(days(at(1), at(2), at(2, 1)));
    expect(by["c@example.com"]!.events.get("t|page_view")).toBe(2);
    expect(by["c@example.com"]!.recent?.get("t|page_view")).toBe(days(at(11), at(12)));
  });
});

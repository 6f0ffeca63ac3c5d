import { describe, expect, it } from "vitest";
import { type Model, modelDefaults, parseModel } from "./model";

describe("parseModel", () => {
  it("reports every problem at once, each with its path", () => {
    const bad = {
      readiness: 0,
      tiers: { hot: 30, warm: 15, cold: 40 },
      categories: { fit: { kind: "fit", max: 50 }, key: { kind: "intrest", max: 30, decay: { halfLife: 30 } } },
      rules: [
        { id: "a", category: "nope", points: 5, when: { event: "page_view", path: "pricing" } },
        { id: "a", points: 3, when: { event: "page_view" } },
        { id: "mixed", category: "fit", points: 1, when: { all: [{ event: "chat" }, { trait: "age", gte: 18 }] } },
        { id: "op", category: "fit", points: 1, when: { trait: "age", gt: 18 } },
        { id: "bare", when: { event: "chat" } },
        { id: "bad id!", category: "fit", points: 1, when: { trait: "x", exists: true }, limit: { times: 0, per: "week" } },
        { id: "tier-in-rule", category: "fit", points: 1, when: { tier: "hot" } },
        { id: "glob", category: "fit", points: 1, when: { path: "" } },
      ],
      triggers: [
        { id: "t", when: { tier: "lukewarm" }, webhook: "http://10.0.0.1/hook" },
        { id: "t", when: { score: 30 }, webhook: "https://169.254.169.254/latest" },
      ],
      promos: [{ id: "p", when: { tier: "warm" }, codes: [] }],
      extra: true,
    };
    const r = parseModel(bad);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues).toEqual([
      { path: "readiness", message: "must be greater than 0" },
      { path: "tiers.warm", message: "tiers must ascend: warm (15) must be above hot (30)" },
      { path: "tiers.cold", message: '"cold" is reserved (below the first tier is cold)' },
      { path: "categories.key.kind", message: 'expected one of: "fit", "interest"' },
      { path: "categories.key.decay.halfLife", message: 'unknown key "halfLife"' },
      { path: "rules.0.when.path", message: "glob must start with '/' (it matches the URL path)" },
      { path: "rules.0.category", message: 'unknown category "nope" (categories: fit, key)' },
      { path: "rules.1.id", message: 'duplicate rule id "a"' },
      { path: "rules.1.category", message: 'a rule with points needs a category (no "interest" category to default to)' },
      { path: "rules.2.when", message: "a rule's condition must be about events or about traits, not both" },
      { path: "rules.3.when.gt", message: 'unknown trait operator "gt" (use one of eq, neq, in, gte, lte, contains, exists)' },
      { path: "rules.4", message: "a rule needs a category and points, or must/disqualify" },
      { path: "rules.5.id", message: "must be 1-64 characters of A-Z a-z 0-9 _ . -" },
      { path: "rules.5.limit.times", message: "must be at least 1" },
      { path: "rules.5.limit.per", message: 'expected one of: "lead", "session", "day"' },
      { path: "rules.5.limit", message: "limit only applies to event rules" },
      { path: "rules.6.when.tier", message: "tier, score and readiness matchers are only allowed in triggers and promos" },
      { path: "rules.7.when.path", message: "glob is empty" },
      { path: "triggers.0.webhook", message: "webhook URL must use https" },
      { path: "triggers.0.when.tier", message: 'unknown tier "lukewarm" (tiers: cold, hot, warm)' },
      { path: "triggers.1.id", message: 'duplicate trigger id "t"' },
      { path: "triggers.1.webhook", message: "webhook URL points to a private or reserved IPv4 address" },
      { path: "promos.0.codes", message: "must have at least 1 item" },
      { path: "extra", message: 'unknown key "extra"' },
    ]);
  });

  it("lists a problem once even when two checks find it (a rule without when)", () => {
    const r = parseModel({ rules: [{ id: "a", points: 1, when: { event: "chat" } }, { id: "b", points: 2 }] });
    expect(r.ok ? [] : r.issues).toEqual([{ path: "rules.1.when", message: "required" }]);
  });

  it("makes a two-line model valid with the documented defaults", () => {
    const r = parseModel({ rules: [{ id: "pricing", points: 10, when: { event: "page_view", path: "/pricing" } }] });
    expect(r).toEqual({
      ok: true,
      model: {
        readiness: 100,
        tiers: { warm: 15, hot: 30 },
        categories: { fit: { kind: "fit", max: 50 }, interest: { kind: "interest", max: 50 } },
        rules: [
          { id: "pricing", category: "interest", points: 10, must: false, disqualify: false, when: { event: "page_view", path: "/pricing" } },
        ],
        triggers: [],
        promos: [],
        exposeScore: false,
      } satisfies Model,
    });
    expect(modelDefaults.readiness).toBe(100);
  });

  it("defaults trait rules with points to the fit category", () => {
    const r = parseModel({ rules: [{ id: "budget", points: 15, when: { trait: "budget", gte: 20000 } }] });
    expect(r.ok && r.model.rules[0]?.category).toBe("fit");
  });

  it("accepts the SPEC §4 example and its normalised form round-trips", () => {
    const spec = {
      readiness: 100,
      tiers: { warm: 15, hot: 30 },
      categories: {
        fit: { kind: "fit", max: 50 },
        key: { kind: "interest", max: 30, decay: { halfLifeDays: 30 } },
        engagement: { kind: "interest", max: 20, decay: { expireDays: 90 } },
      },
      rules: [
        { id: "car-form", category: "key", points: 10, when: { event: "form_submit", name: "car-interest" }, limit: { times: 1, per: "lead" } },
        { id: "email-open", category: "engagement", points: 3, when: { event: "custom", name: "email_open" } },
        { id: "directions", category: "key", points: 20, when: { event: "page_view", path: "/directions*" } },
        { id: "careers", category: "engagement", points: -10, when: { event: "page_view", path: "/careers*" } },
        { id: "budget", category: "fit", points: 15, when: { trait: "budget", gte: 20000 } },
        { id: "adult", must: true, when: { trait: "age", gte: 18 } },
        { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
      ],
      leadType: { trait: "company_size", codes: { small: 1, mid: 2, large: 3 } },
      triggers: [{ id: "test-drive", when: { tier: "hot" }, webhook: "https://dealer.example/hooks" }],
      promos: [{ id: "welcome", when: { tier: "warm" }, codes: ["WELCOME-A1", "WELCOME-B2"], message: "10% off today" }],
      exposeScore: false,
    };
    const r = parseModel(spec);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const again = parseModel(JSON.parse(JSON.stringify(r.model)));
    expect(again).toEqual(r);
    expect(r.model.rules.find((x) => x.id === "adult")).toEqual({ id: "adult", points: 0, must: true, disqualify: false, when: { trait: "age", gte: 18 } });
  });

  it("checks condition shapes", () => {
    const issues = (when: unknown) => {
      const r = parseModel({ promos: [{ id: "p", when, codes: ["X"] }] });
      return r.ok ? [] : r.issues;
    };
    expect(issues({})).toEqual([{ path: "promos.0.when", message: "empty condition" }]);
    expect(issues({ trait: "age" })).toEqual([{ path: "promos.0.when", message: "a trait matcher needs one operator: eq, neq, in, gte, lte, contains, exists" }]);
    expect(issues({ trait: "age", gte: 1, lte: 3 })).toEqual([{ path: "promos.0.when", message: "one operator per trait matcher (found gte, lte); combine them with all" }]);
    expect(issues({ event: "chat", trait: "age", eq: 1 })).toEqual([{ path: "promos.0.when", message: "mixes event and trait matchers in one object; combine them with all/any" }]);
    expect(issues({ any: [{ event: "nope" }, { score: "3" }] })).toEqual([
      { path: "promos.0.when.any.0.event", message: 'expected one of: "session_start", "page_view", "chat", "trial_signup", "identify", "product_view", "cart", "purchase", "form_submit", "custom"' },
      { path: "promos.0.when.any.1.score", message: "expected a number" },
    ]);
    // Mixed event and trait matchers are fine in triggers and promos.
    expect(issues({ all: [{ event: "cart" }, { trait: "vip", eq: true }, { tier: "disqualified" }] })).toEqual([]);
  });

  it("bounds sizes and id formats", () => {
    const rules = Array.from({ length: 501 }, (_, i) => ({ id: `r${i}`, points: 1, when: { event: "chat" } }));
    const r = parseModel({ rules });
    expect(r.ok ? [] : r.issues).toEqual([{ path: "rules", message: "must have at most 500 items" }]);
    const long = parseModel({ rules: [{ id: "x".repeat(65), points: 1, when: { event: "chat" } }] });
    expect(long.ok ? [] : long.issues).toEqual([{ path: "rules.0.id", message: "must be 1-64 characters of A-Z a-z 0-9 _ . -" }]);
    const musts = Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, must: true, when: { trait: "t", exists: true } }));
    const m = parseModel({ rules: musts });
    expect(m.ok ? [] : m.issues).toEqual([{ path: "rules", message: "at most 9 must rules (each is one digit of the lead code)" }]);
  });

  it("allows http webhooks to localhost only when asked", () => {
    const doc = { triggers: [{ id: "t", when: { tier: "hot" }, webhook: "http://localhost:8787/hook" }] };
    expect(parseModel(doc, { allowHttpLocalhost: true }).ok).toBe(true);
    const r = parseModel(doc);
    expect(r.ok ? [] : r.issues).toEqual([{ path: "triggers.0.webhook", message: "webhook URL must use https" }]);
  });

  it("rejects non-objects", () => {
    expect(parseModel(null)).toEqual({ ok: false, issues: [{ path: "", message: "expected a model object" }] });
    expect(parseModel([])).toEqual({ ok: false, issues: [{ path: "", message: "expected a model object" }] });
  });
});

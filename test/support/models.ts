// Model documents used by the worker tests: the DOMAIN.md car dealer first.
export const dealerModel = {
  readiness: 100,
  tiers: { warm: 15, hot: 30 },
  categories: {
    fit: { kind: "fit", max: 50 },
    key: { kind: "interest", max: 50 },
    engagement: { kind: "interest", max: 20 },
  },
  rules: [
    { id: "car-form", category: "key", points: 10, when: { event: "form_submit", name: "car-interest" }, limit: { times: 1, per: "lead" } },
    { id: "email-open", category: "engagement", points: 3, when: { event: "custom", name: "email_open" } },
    { id: "email-click", category: "engagement", points: 7, when: { event: "custom", name: "email_click" } },
    { id: "directions", category: "key", points: 20, when: { event: "page_view", path: "/directions*" }, limit: { times: 1, per: "lead" } },
    { id: "careers", category: "engagement", points: -10, when: { event: "page_view", path: "/careers*" } },
    { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
  ],
  triggers: [{ id: "test-drive", when: { tier: "hot" }, webhook: "https://dealer.example/hooks/test-drive" }],
};

/** Decay, expiry, limits per session/day/lead, negative points, a trait rule and a trigger. */
export const interestModel = {
  tiers: { warm: 10, hot: 25 },
  categories: {
    fit: { kind: "fit", max: 30 },
    key: { kind: "interest", max: 40, decay: { halfLifeDays: 7 } },
    engagement: { kind: "interest", max: 20, decay: { expireDays: 30 } },
  },
  rules: [
    { id: "pricing", category: "key", points: 5, when: { event: "page_view", path: "/pricing*" }, limit: { times: 2, per: "session" } },
    { id: "trial", category: "key", points: 15, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } },
    { id: "chat", category: "engagement", points: 4, when: { event: "chat" }, limit: { times: 3, per: "day" } },
    { id: "visit", category: "engagement", points: 1, when: { event: "page_view" } },
    { id: "careers", category: "engagement", points: -6, when: { event: "page_view", path: "/careers*" } },
    { id: "open", category: "engagement", points: 2, when: { event: "custom", name: "email_open" } },
    { id: "budget", category: "fit", points: 10, when: { trait: "budget", gte: 1000 } },
  ],
  triggers: [{ id: "hot", when: { tier: "hot" } }],
};

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

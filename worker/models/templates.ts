// Starter models for the editor (`/dashboard/models/<name>?template=saas|shop|dealer`),
// drawn from the demos (demo/*/model.json) with the demo folders taken out of the paths
// and no webhook (alerts go to the site's default destination until one is set).
// Each is a valid model document (test/worker/model-editor.test.ts parses them).

export const TEMPLATES = {
  saas: {
    title: "B2B SaaS",
    summary: "Trial signups, pricing visits and chats; company size and role as fit; a sales-call alert at hot.",
    document: {
      readiness: 100,
      tiers: { warm: 25, hot: 60 },
      categories: {
        target: { kind: "fit", max: 25 },
        ideal: { kind: "fit", max: 25 },
        key: { kind: "interest", max: 30, decay: { halfLifeDays: 30 } },
        interest: { kind: "interest", max: 20, decay: { expireDays: 60 } },
      },
      rules: [
        { id: "trial", category: "key", points: 25, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } },
        { id: "pricing", category: "key", points: 10, when: { event: "page_view", path: "/pricing*" }, limit: { times: 1, per: "day" } },
        { id: "chat", category: "interest", points: 8, when: { event: "chat" }, limit: { times: 2, per: "day" } },
        { id: "visit", category: "interest", points: 2, when: { event: "page_view" }, limit: { times: 5, per: "session" } },
        { id: "careers", category: "interest", points: -10, when: { event: "page_view", path: "/careers*" } },
        { id: "team-size", category: "target", points: 25, when: { trait: "company_size", in: ["mid", "large"] } },
        { id: "small-team", category: "target", points: 10, when: { trait: "company_size", eq: "small" } },
        { id: "decision-maker", category: "ideal", points: 25, when: { trait: "role", in: ["founder", "cfo", "finance"] } },
        { id: "student", disqualify: true, when: { trait: "role", contains: "student" } },
      ],
      leadType: { trait: "company_size", codes: { small: 1, mid: 2, large: 3 } },
      triggers: [{ id: "sales-call", when: { tier: "hot" } }],
    },
  },
  shop: {
    title: "B2C shop",
    summary: "Product views, carts and checkout visits with a 7-day half-life; a promo code at warm.",
    document: {
      tiers: { warm: 15, hot: 40 },
      categories: {
        fit: { kind: "fit", max: 30 },
        shopping: { kind: "interest", max: 50, decay: { halfLifeDays: 7 } },
        engagement: { kind: "interest", max: 20, decay: { expireDays: 30 } },
      },
      rules: [
        { id: "product-view", category: "shopping", points: 4, when: { event: "product_view" }, limit: { times: 5, per: "session" } },
        { id: "add-to-cart", category: "shopping", points: 10, when: { event: "cart" } },
        { id: "checkout-page", category: "shopping", points: 5, when: { event: "page_view", path: "/checkout*" }, limit: { times: 1, per: "day" } },
        { id: "return-visit", category: "engagement", points: 3, when: { event: "session_start" } },
        { id: "known-email", category: "fit", points: 10, when: { trait: "email", exists: true } },
      ],
      promos: [{ id: "welcome", when: { tier: "warm" }, message: "10% off your first order", codes: ["WELCOME-CHANGE-ME-1", "WELCOME-CHANGE-ME-2", "WELCOME-CHANGE-ME-3"] }],
    },
  },
  dealer: {
    title: "Car dealer",
    summary: "The car-interest form, email opens and clicks, the directions page; a test-drive alert at hot.",
    document: {
      readiness: 100,
      tiers: { warm: 15, hot: 30 },
      categories: {
        fit: { kind: "fit", max: 50 },
        key: { kind: "interest", max: 50, decay: { halfLifeDays: 30 } },
        engagement: { kind: "interest", max: 20, decay: { expireDays: 90 } },
      },
      rules: [
        { id: "car-form", category: "key", points: 10, when: { event: "form_submit", name: "car-interest" }, limit: { times: 1, per: "lead" } },
        { id: "email-open", category: "engagement", points: 3, when: { event: "custom", name: "email_open" } },
        { id: "email-click", category: "engagement", points: 7, when: { event: "custom", name: "email_click" } },
        { id: "directions", category: "key", points: 20, when: { event: "page_view", path: "/directions*" }, limit: { times: 1, per: "lead" } },
        { id: "careers", category: "engagement", points: -10, when: { event: "page_view", path: "/careers*" } },
        { id: "student", disqualify: true, when: { trait: "occupation", eq: "student" } },
      ],
      triggers: [{ id: "test-drive", when: { tier: "hot" } }],
    },
  },
} as const;

export type TemplateName = keyof typeof TEMPLATES;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export const isTemplate = (v: string | undefined): v is TemplateName => v !== undefined && Object.hasOwn(TEMPLATES, v);

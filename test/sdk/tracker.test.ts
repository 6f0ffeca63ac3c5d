// @vitest-environment happy-dom
// The snippet's core (`start`) in a DOM: queue and timers, transport choice,
// failed-send storage and replay, sessions, SPA page views, forms, consent,
// bots, and user callbacks that throw.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { start } from "../../sdk/api";
import type { Attr } from "../../sdk/config";
import type { EdgeScore } from "../../sdk/edgescore";

type Body = { site: string; visitor: string; session: string; events: any[] };
let sent: { via: "fetch" | "beacon"; url: string; body: Body }[] = [];
let respond: (url: string) => Promise<any> = async () => ({ status: 200, json: async () => ({ accepted: 1, duplicates: 0, hints: null }) });
let n = 0;
let site = "";

// Like a script tag's dataset: absent attributes are undefined.
const attrs = (o: Record<string, string | null> = {}): Attr => ({ site, ...o });

// Every test gets a new site key: instances from earlier tests stay attached to
// the shared document and history, so each test only looks at its own requests.
const mine = () => sent.filter((s) => s.body.site == site);
const events = () => mine().flatMap((s) => s.body.events);
const boot = (o?: Record<string, string | null>): EdgeScore => {
  delete window.edgescore;
  return start(attrs(o), "https://api.test");
};

beforeEach(() => {
  // happy-dom reports navigator.webdriver = true, like automation; a real visitor's browser does not.
  Object.defineProperty(navigator, "webdriver", { configurable: true, get: () => false });
  site = "pk_test" + ++n;
  sent = [];
  localStorage.clear();
  sessionStorage.clear();
  vi.useFakeTimers();
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init?: RequestInit) => {
      if (init && init.method == "POST" && url.endsWith("/v1/collect")) sent.push({ via: "fetch", url, body: JSON.parse(String(init.body)) });
      return respond(url);
    }),
  );
  Object.defineProperty(navigator, "sendBeacon", {
    configurable: true,
    value: vi.fn((url: string, body: string) => {
      sent.push({ via: "beacon", url, body: JSON.parse(body) });
      return true;
    }),
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  respond = async () => ({ status: 200, json: async () => ({ accepted: 1, duplicates: 0, hints: null }) });
});

describe("queue and transport", () => {
  it("sends session_start and page_view ≤ 1 s after load, with fetch keepalive to /v1/collect", async () => {
    boot();
    expect(mine()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(mine()).toHaveLength(1);
    const [s] = mine();
    expect(s!.via).toBe("fetch");
    expect(s!.url).toBe("https://api.test/v1/collect");
    expect(s!.body.visitor).toMatch(/^[0-9a-z]+$/);
    expect(s!.body.session).toMatch(/^[0-9a-z]+$/);
    expect(s!.body.events.map((e) => e.type)).toEqual(["session_start", "page_view"]);
    const pv = s!.body.events[1];
    expect(pv).toMatchObject({ url: location.href, title: document.title });
    expect(typeof pv.id).toBe("string");
    expect(Math.abs(pv.ts - Date.now())).toBeLessThan(5000);
    const init = (fetch as any).mock.calls.at(-1)[1];
    expect(init.keepalive).toBe(true);
    expect(typeof init.body).toBe("string");
    expect(init.headers).toBeUndefined(); // a string body is text/plain: no preflight
  });

  it("flushes at 20 events without waiting, and never sends more than 20 per request", async () => {
    const es = boot();
    for (let i = 0; i < 40; i++) es("track", "e" + i);
    expect(mine().length).toBeGreaterThanOrEqual(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(mine().every((s) => s.body.events.length <= 20)).toBe(true);
    expect(events().filter((e) => e.type == "custom").map((e) => e.name)).toEqual(Array.from({ length: 40 }, (_, i) => "e" + i));
    expect(new Set(events().map((e) => e.id)).size).toBe(events().length);
  });

  it("sends with sendBeacon on pagehide and when the page is hidden", async () => {
    const es = boot();
    window.dispatchEvent(new Event("pagehide"));
    expect(mine().map((s) => s.via)).toEqual(["beacon"]);
    es("chat", { topic: "pricing" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
    Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    expect(mine().map((s) => s.via)).toEqual(["beacon", "beacon"]);
    expect(mine()[1]!.body.events).toMatchObject([{ type: "chat", props: { topic: "pricing" } }]);
  });

  it("keeps failed batches (network error, 5xx, 429) and resends them on the next page; drops 4xx", async () => {
    respond = async () => {
      throw new TypeError("Failed to fetch");
    };
    const es = boot();
    await vi.advanceTimersByTimeAsync(1000);
    respond = async () => ({ status: 503, json: async () => ({}) });
    es("track", "second");
    await vi.advanceTimersByTimeAsync(1000);
    respond = async () => ({ status: 400, json: async () => ({ error: {} }) });
    es("track", "invalid");
    await vi.advanceTimersByTimeAsync(1000);
    const kept = JSON.parse(localStorage.getItem("es_r")!);
    expect(kept).toHaveLength(2);
    const first = mine()[0]!.body;
    // Next page load: the kept bodies go out again unchanged (same event ids).
    respond = async () => ({ status: 200, json: async () => ({ accepted: 1, duplicates: 0, hints: null }) });
    sent = [];
    boot();
    await vi.advanceTimersByTimeAsync(0);
    expect(mine()[0]!.body).toEqual(first);
    expect(mine()[1]!.body.events[0].name).toBe("second");
    await vi.advanceTimersByTimeAsync(1000);
    expect(JSON.parse(localStorage.getItem("es_r")!)).toEqual([]);
    expect(events().some((e) => e.name == "invalid")).toBe(false);
  });

  it("keeps a batch the browser refuses to beacon", async () => {
    (navigator.sendBeacon as any).mockImplementation(() => false);
    boot();
    window.dispatchEvent(new Event("pagehide"));
    expect(JSON.parse(localStorage.getItem("es_r")!)).toHaveLength(1);
  });

  it("cuts long strings to the API's limits", async () => {
    const title = document.title;
    const es = boot();
    history.replaceState(null, "", "/long/" + "u".repeat(3000));
    document.title = "t".repeat(3000);
    try {
      es("track", "big", { text: "y".repeat(3000), list: ["z".repeat(1200)], short: "s" });
    } finally {
      document.title = title;
      history.replaceState(null, "", "/");
    }
    await vi.advanceTimersByTimeAsync(1000);
    const e = events().find((e) => e.name == "big");
    expect(e.props.text).toHaveLength(1000); // props: ≤ 1,000 (the API's limit)
    expect(e.props.list[0]).toHaveLength(1000);
    expect(e.props.short).toBe("s");
    expect(e.url).toHaveLength(1000); // url and ref: ≤ 1,000 (the API allows 2,048)
    expect(e.title).toHaveLength(500); // title: ≤ 500 (the API allows 512)
  });
});

describe("sessions and page views", () => {
  it("reuses the session within 30 minutes and starts a new one (with UTM) after", async () => {
    history.replaceState(null, "", "/landing?utm_source=news&utm_medium=email&utm_campaign=spring");
    localStorage.clear(); // the earlier tests' instances saw that navigation too
    const es = boot();
    await vi.advanceTimersByTimeAsync(1000);
    const s1 = mine()[0]!.body.session;
    expect(events()[0]).toMatchObject({ type: "session_start", props: { utm_source: "news", utm_medium: "email", utm_campaign: "spring" } });
    await vi.advanceTimersByTimeAsync(29 * 60 * 1000);
    es("track", "still");
    await vi.advanceTimersByTimeAsync(1000);
    expect(mine()[1]!.body.session).toBe(s1);
    expect(mine()[1]!.body.events.map((e) => e.type)).toEqual(["custom"]);
    await vi.advanceTimersByTimeAsync(31 * 60 * 1000);
    es("track", "later");
    await vi.advanceTimersByTimeAsync(1000);
    const last = mine().at(-1)!.body;
    expect(last.session).not.toBe(s1);
    expect(last.events.map((e) => e.type)).toEqual(["session_start", "custom"]);
    expect(last.events[0].props.utm_source).toBe("news");
    expect(last.visitor).toBe(mine()[0]!.body.visitor);
  });

  it("gives session_start the timestamp of the event that starts the session (the server orders by time)", async () => {
    let t = Date.now();
    const now = vi.spyOn(Date, "now").mockImplementation(() => t++); // every call a new ms
    try {
      boot();
    } finally {
      now.mockRestore();
    }
    await vi.advanceTimersByTimeAsync(1000);
    const [ss, pv] = events();
    expect([ss.type, pv.type]).toEqual(["session_start", "page_view"]);
    expect(ss.ts).toBe(pv.ts);
  });

  it("records SPA navigation once per URL change (pushState, replaceState, popstate, hash routes)", async () => {
    history.replaceState(null, "", "/spa");
    boot();
    history.pushState(null, "", "/spa/a");
    history.pushState(null, "", "/spa/a"); // same URL: no duplicate
    history.replaceState(null, "", "/spa/b");
    history.replaceState({ x: 1 }, "", "/spa/b"); // state only
    // An anchor is not a page (its fragment is never sent); a hash route is.
    location.hash = "#section";
    window.dispatchEvent(new Event("hashchange"));
    location.hash = "#/h";
    window.dispatchEvent(new Event("hashchange"));
    window.dispatchEvent(new Event("popstate"));
    location.hash = "#!/k";
    window.dispatchEvent(new Event("hashchange"));
    await vi.advanceTimersByTimeAsync(1000);
    const pvs = events().filter((e) => e.type == "page_view");
    expect(pvs.map((e) => new URL(e.url).pathname + new URL(e.url).hash)).toEqual(["/spa", "/spa/a", "/spa/b", "/spa/b#/h", "/spa/b#!/k"]);
    expect(pvs[1].ref).toMatch(/\/spa$/);
    expect(pvs[2].ref).toMatch(/\/spa\/a$/);
  });

  it("does not track history with data-spa=off", async () => {
    history.replaceState(null, "", "/nospa");
    boot({ spa: "off" });
    history.pushState(null, "", "/nospa/x");
    await vi.advanceTimersByTimeAsync(1000);
    expect(events().filter((e) => e.type == "page_view")).toHaveLength(1);
  });

  it("keeps ids in sessionStorage only when cookieless", async () => {
    boot({ cookieless: "" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(localStorage.getItem("es_v")).toBeNull();
    expect(sessionStorage.getItem("es_v")).toBe(mine()[0]!.body.visitor);
  });
});

describe("autocapture", () => {
  it("sends trial_signup with safe fields and identifies with the email", async () => {
    boot();
    document.body.innerHTML = `<form data-es-event="trial_signup"><input name="email" type="email" value="ann@example.com"><input name="company" value="Acme"><input name="password" type="password" value="hunter2"><input type="hidden" name="csrf" value="tok"><input name="card" value="4111111111111111"></form>`;
    document.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await vi.advanceTimersByTimeAsync(1000);
    const evs = events();
    const id = evs.find((e) => e.type == "identify");
    const t = evs.find((e) => e.type == "trial_signup");
    expect(id.props).toEqual({ email: "ann@example.com" });
    expect(t.props).toEqual({ email: "ann@example.com", company: "Acme" });
    expect(JSON.stringify(mine())).not.toMatch(/hunter2|tok|4111/);
  });

  it("sends other marked forms as form_submit with their name", async () => {
    boot();
    document.body.innerHTML = `<form data-es-event="car-interest"><input name="model" value="Golf"></form><form><input name="x" value="1"></form>`;
    document.querySelectorAll("form").forEach((f) => f.dispatchEvent(new Event("submit", { bubbles: true })));
    await vi.advanceTimersByTimeAsync(1000);
    const fs = events().filter((e) => e.type == "form_submit");
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ name: "car-interest", props: { model: "Golf" } });
  });

  it("sends chat on clicks inside [data-es-chat]", async () => {
    boot();
    document.body.innerHTML = `<button data-es-chat="sales"><span id="in">Talk to us</span></button><button id="other">x</button>`;
    (document.getElementById("in") as HTMLElement).click();
    (document.getElementById("other") as HTMLElement).click();
    await vi.advanceTimersByTimeAsync(1000);
    expect(events().filter((e) => e.type == "chat")).toMatchObject([{ props: { label: "sales" } }]);
  });
});

describe("api", () => {
  it("maps commands to event types and replays the pre-load stub queue", async () => {
    const q: unknown[] = [];
    (window as any).edgescore = Object.assign((...a: unknown[]) => q.push(a), { q });
    const stub = (...a: unknown[]) => q.push(a);
    stub("identify", { email: "a@b.co", plan: "pro" });
    stub("track", "video_play", { id: 7 });
    stub("chat", { topic: "x" });
    stub("trial");
    stub("product", { id: "sku1", name: "Shoe", price: 10 });
    stub("cart", { id: "sku1", qty: 1 });
    stub("purchase", { order: "o1", value: 10, items: [{ id: "sku1" }] });
    stub("track"); // no name: ignored
    stub("nonsense", 1);
    start(attrs(), "https://api.test");
    expect(typeof window.edgescore).toBe("function");
    await vi.advanceTimersByTimeAsync(1000);
    expect(events().map((e) => [e.type, e.name])).toEqual([
      ["session_start", undefined],
      ["page_view", undefined],
      ["identify", undefined],
      ["custom", "video_play"],
      ["chat", undefined],
      ["trial_signup", undefined],
      ["product_view", undefined],
      ["cart", undefined],
      ["purchase", undefined],
    ]);
    expect(events()[2].props).toEqual({ email: "a@b.co", plan: "pro" });
    expect(events()[8].props.items).toEqual([{ id: "sku1" }]);
  });

  it("does not start twice", async () => {
    const es = boot();
    expect(start(attrs(), "https://api.test")).toBe(es);
    await vi.advanceTimersByTimeAsync(1000);
    expect(events().filter((e) => e.type == "page_view")).toHaveLength(1);
  });

  it("calls hints subscribers now if known and on every change, and applies hints", async () => {
    const hints = { tier: "hot", promo: { code: "HOT-1", message: "m" }, segments: [], recommendations: [] };
    respond = async () => ({ status: 200, json: async () => ({ accepted: 2, duplicates: 0, hints }) });
    document.body.innerHTML = `<div data-es-tier="hot" id="t">hot</div><span data-es-promo>none</span>`;
    const es = boot();
    expect((document.getElementById("t") as HTMLElement).hidden).toBe(true);
    const seen: unknown[] = [];
    es("hints", (h) => seen.push(h));
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([hints]);
    expect((document.getElementById("t") as HTMLElement).hidden).toBe(false);
    expect(document.querySelector("[data-es-promo]")!.textContent).toBe("HOT-1");
    const late: unknown[] = [];
    es("hints", (h) => late.push(h));
    expect(late).toEqual([hints]);
    es("track", "again"); // same hints: no call
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(1);
    // Elements rendered later are hidden or shown as well.
    document.body.insertAdjacentHTML("beforeend", `<p data-es-tier="warm" id="w">w</p>`);
    await vi.advanceTimersByTimeAsync(0);
    expect((document.getElementById("w") as HTMLElement).hidden).toBe(true);
  });

  it("never lets a throwing callback or bad input escape", async () => {
    const hints = { tier: "warm", promo: null, segments: [], recommendations: [] };
    respond = async (url) =>
      url.includes("recommendations")
        ? { status: 200, json: async () => ({ items: [{ id: "a" }] }) }
        : { status: 200, json: async () => ({ accepted: 2, duplicates: 0, hints }) };
    const es = boot();
    const onerr = vi.fn();
    window.addEventListener("error", onerr);
    window.addEventListener("unhandledrejection", onerr);
    const boom = () => {
      throw new Error("boom");
    };
    const cyc: any = {};
    cyc.cyc = cyc;
    expect(() => {
      es("hints", boom);
      es("recommend", { limit: 2 }, boom);
      es("recommend", null, undefined as any);
      es("track", "cyclic", cyc);
      (es as any)();
      (es as any)(null, null);
      (es as any)("hints", 42);
    }).not.toThrow();
    await vi.advanceTimersByTimeAsync(1000);
    es("hints", boom); // hints known now: called at once
    await vi.advanceTimersByTimeAsync(10);
    expect(onerr).not.toHaveBeenCalled();
    expect(events().map((e) => e.type)).toEqual(["session_start", "page_view"]);
  });

  it("finding 5: recommend POSTs a text/plain body to /v1/recommendations, no visitor in the URL ([] on failure)", async () => {
    respond = async (url) =>
      url.includes("recommendations") ? { status: 200, json: async () => ({ items: [{ id: "p2", reason: "co-view" }] }) } : { status: 200, json: async () => ({}) };
    const es = boot();
    const got: unknown[] = [];
    es("recommend", { limit: 3, product: "sku 1" }, (items) => got.push(items));
    await vi.advanceTimersByTimeAsync(10);
    expect(got).toEqual([[{ id: "p2", reason: "co-view" }]]);
    const [url, init] = (fetch as any).mock.calls.find((c: any[]) => String(c[0]).includes("recommendations"));
    expect(url).toBe("https://api.test/v1/recommendations");
    expect(init.method).toBe("POST");
    expect(init.headers).toBeUndefined(); // a string body: text/plain, no preflight
    expect(JSON.parse(init.body)).toEqual({ site, visitor: localStorage.getItem("es_v"), limit: 3, product: "sku 1" });
    expect(localStorage.getItem("es_v")).toMatch(/^[0-9a-z]{8}[0-9a-f]{32}$/);
    respond = async () => {
      throw new TypeError("offline");
    };
    es("recommend", {}, (items) => got.push(items));
    await vi.advanceTimersByTimeAsync(10);
    expect(got[1]).toEqual([]);
  });
});

describe("finding 6: URLs leave the page without secrets", () => {
  it("event url, ref and session_start referrer keep only utm_*, click ids, ref and keep-params; fragments only as routes", async () => {
    history.replaceState(null, "", "/reset?pw=hunter2&token=x&utm_source=a&ref=b&page=2#access_token=t0k");
    localStorage.clear();
    const referrer = vi.spyOn(document, "referrer", "get").mockReturnValue("https://mail.example/open?magic=XYZ&utm_medium=email#frag");
    try {
      const es = boot({ keepParams: "page" });
      history.pushState(null, "", "/next?email=ann%40example.com&gclid=G");
      es("track", "x");
      await vi.advanceTimersByTimeAsync(1000);
    } finally {
      referrer.mockRestore();
      history.replaceState(null, "", "/");
    }
    const [ss, pv1, pv2, custom] = events();
    expect(ss.type).toBe("session_start");
    expect(ss.props).toEqual({ referrer: "https://mail.example/open?utm_medium=email", utm_source: "a" });
    expect(pv1.url).toBe(location.origin + "/reset?utm_source=a&ref=b&page=2");
    expect(pv1.ref).toBe("https://mail.example/open?utm_medium=email");
    expect(pv2.url).toBe(location.origin + "/next?gclid=G");
    expect(pv2.ref).toBe(pv1.url);
    expect(custom.url).toBe(pv2.url);
    expect(JSON.stringify(mine())).not.toMatch(/hunter2|token|t0k|magic|XYZ|ann|frag/);
  });
});

describe("signed identify", () => {
  it("identify with {signature} sends it as a top-level event field; without it none", async () => {
    const es = boot();
    const sig = "a".repeat(64);
    es("identify", { email: "ann@example.com" }, { signature: sig });
    es("identify", { email: "bob@example.com" });
    await vi.advanceTimersByTimeAsync(1000);
    const ids = events().filter((e) => e.type == "identify");
    expect(ids[0]).toMatchObject({ props: { email: "ann@example.com" }, signature: sig });
    expect("signature" in ids[1]).toBe(false);
    expect(events().filter((e) => "signature" in e)).toHaveLength(1);
  });
});

describe("consent, bots and privacy", () => {
  it("with data-consent=required sends and stores nothing until consent, then sends the queue", async () => {
    const es = boot({ consent: "required" });
    es("track", "before");
    await vi.advanceTimersByTimeAsync(5000);
    window.dispatchEvent(new Event("pagehide"));
    expect(mine()).toHaveLength(0);
    expect(Object.keys(localStorage)).toEqual([]);
    es("recommend", {}, () => {});
    expect((fetch as any).mock.calls).toHaveLength(0);
    es("consent", true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(events().map((e) => e.type)).toEqual(["session_start", "page_view", "custom"]);
    expect(localStorage.getItem("es_v")).toBe(mine()[0]!.body.visitor);
    expect(localStorage.getItem("es_c")).toBe("1");
    // The next page remembers the consent.
    sent = [];
    boot({ consent: "required" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(events().map((e) => e.type)).toEqual(["page_view"]);
  });

  it("withdrawing consent drops the queue and the stored ids, and stops sending", async () => {
    const es = boot();
    await vi.advanceTimersByTimeAsync(1000);
    const v1 = mine()[0]!.body.visitor;
    es("track", "queued");
    es("consent", false);
    await vi.advanceTimersByTimeAsync(5000);
    window.dispatchEvent(new Event("pagehide"));
    expect(mine()).toHaveLength(1);
    expect(localStorage.getItem("es_v") || null).toBeNull();
    expect(localStorage.getItem("es_s") || null).toBeNull();
    expect(localStorage.getItem("es_c")).toBe("0");
    // Stays off on the next page, even without data-consent.
    sent = [];
    boot();
    await vi.advanceTimersByTimeAsync(2000);
    expect(mine()).toHaveLength(0);
    // Granting again starts with a new visitor id.
    window.edgescore!("consent", true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(mine()[0]!.body.visitor).not.toBe(v1);
  });

  it("sends nothing for bots", async () => {
    Object.defineProperty(navigator, "webdriver", { configurable: true, get: () => true });
    try {
      const es = boot();
      es("track", "x");
      es("consent", true);
      await vi.advanceTimersByTimeAsync(2000);
      window.dispatchEvent(new Event("pagehide"));
      expect(mine()).toHaveLength(0);
      expect(Object.keys(localStorage)).toEqual([]);
    } finally {
      Object.defineProperty(navigator, "webdriver", { configurable: true, get: () => false });
    }
  });

  it("honours Global Privacy Control only when asked to", async () => {
    Object.defineProperty(navigator, "globalPrivacyControl", { configurable: true, get: () => true });
    try {
      boot({ gpc: "honor" });
      await vi.advanceTimersByTimeAsync(2000);
      expect(mine()).toHaveLength(0);
      site += "b";
      boot();
      await vi.advanceTimersByTimeAsync(2000);
      expect(mine()).toHaveLength(1);
    } finally {
      Object.defineProperty(navigator, "globalPrivacyControl", { configurable: true, get: () => undefined });
    }
  });

  it("does nothing without a site key", async () => {
    boot({ site: null });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent.filter((s) => !s.body.site)).toHaveLength(0);
  });
});

describe("issue 15: a snippet that explains itself", () => {
  let logged: string[] = [];
  const lines = () => logged;
  const info = { mockClear: () => (logged = []) };
  beforeEach(() => {
    logged = [];
    vi.spyOn(console, "info").mockImplementation((x: unknown) => void logged.push(String(x)));
  });
  afterEach(() => vi.restoreAllMocks());
  const withWebdriver = async (f: () => Promise<void>) => {
    Object.defineProperty(navigator, "webdriver", { configurable: true, get: () => true });
    try {
      await f();
    } finally {
      Object.defineProperty(navigator, "webdriver", { configurable: true, get: () => false });
    }
  };

  it("says once why it stays off under automation, and runs with data-allow-automation", async () => {
    await withWebdriver(async () => {
      boot();
      await vi.advanceTimersByTimeAsync(2000);
      expect(mine()).toHaveLength(0);
      expect(lines()).toEqual(["EdgeScore: off, automation or bot (data-allow-automation)"]);
      site += "b";
      info.mockClear();
      boot({ allowAutomation: "" });
      await vi.advanceTimersByTimeAsync(2000);
      expect(events().map((e) => e.type)).toEqual(["session_start", "page_view"]);
      expect(lines()).toEqual([]);
    });
  });

  it("says why for a pending consent, Global Privacy Control and a missing site key; nothing when it runs", async () => {
    boot({ consent: "required" });
    boot({ site: null });
    Object.defineProperty(navigator, "globalPrivacyControl", { configurable: true, get: () => true });
    try {
      boot({ gpc: "honor" });
    } finally {
      Object.defineProperty(navigator, "globalPrivacyControl", { configurable: true, get: () => undefined });
    }
    site += "ok";
    boot();
    await vi.advanceTimersByTimeAsync(1000);
    expect(lines()).toEqual(["EdgeScore: off, no consent", "EdgeScore: off, no data-site", "EdgeScore: off, GPC"]);
  });

  it("prints the worker's refusal (an origin not allowed) and does not keep the batch for a retry", async () => {
    respond = async () => ({
      status: 403,
      json: async () => ({ error: { code: "origin_not_allowed", message: "Origin http://x.test is not one of this site's allowed origins." } }),
    });
    boot();
    await vi.advanceTimersByTimeAsync(1000);
    expect(mine()).toHaveLength(1);
    expect(lines()).toEqual(["EdgeScore: Origin http://x.test is not one of this site's allowed origins."]);
    expect(JSON.parse(localStorage.getItem("es_r") || "[]")).toEqual([]);
  });

  it("data-debug logs every batch it sends, beacons included", async () => {
    const es = boot({ debug: "" });
    await vi.advanceTimersByTimeAsync(1000);
    es("track", "later");
    window.dispatchEvent(new Event("pagehide"));
    expect(mine().map((s) => s.via)).toEqual(["fetch", "beacon"]);
    const logged = lines().map((l) => JSON.parse(l.replace(/^EdgeScore: send /, "")));
    expect(logged).toEqual(mine().map((s) => s.body));
  });

  it("a form's trait fields go out as one identify before the form's event", async () => {
    boot();
    document.body.innerHTML = `<form data-es-event="trial_signup" data-es-traits="role"><input name="email" type="email" value="ann@example.com"><select name="size" data-es-trait="company_size"><option value="51-200" selected>x</option></select><input name="role" value="cfo"><input name="password" type="password" value="hunter2" data-es-trait="pw"></form>`;
    document.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await vi.advanceTimersByTimeAsync(1000);
    const evs = events().filter((e) => e.type == "identify" || e.type == "trial_signup");
    expect(evs.map((e) => [e.type, e.props])).toEqual([
      ["identify", { email: "ann@example.com", company_size: "51-200", role: "cfo" }],
      ["trial_signup", { email: "ann@example.com", size: "51-200", role: "cfo" }],
    ]);
    expect(JSON.stringify(mine())).not.toMatch(/hunter2/);
  });
});

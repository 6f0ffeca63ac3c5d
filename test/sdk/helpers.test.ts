// @vitest-environment happy-dom
// Pure helpers of the snippet: props limits, UTM parsing, form field filtering,
// session timing, the bounded retry store, bot detection, hints application.
import { describe, expect, it, vi } from "vitest";
import { fromOptions, isBot } from "../../sdk/config";
import { fields, formType, sensitive } from "../../sdk/forms";
import { apply } from "../../sdk/hints";
import { IDLE_MS, touch } from "../../sdk/session";
import { addRetry, retryable } from "../../sdk/transport";
import { call, cut, limit, uid, utm } from "../../sdk/util";

describe("util", () => {
  it("finding 5: uid is the time in base 36 (8 chars) then 32 hex chars of 16 random bytes", () => {
    const before = Date.now();
    const ids = new Set(Array.from({ length: 2000 }, uid));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{8}[0-9a-f]{32}$/);
    // The worker reads the first 8 chars as the creation time (lead-cache.ts looksNew).
    const t = parseInt([...ids][0]!.slice(0, 8), 36);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
  it("finding 5: uid's randomness comes from crypto.getRandomValues, not Math.random", () => {
    const rnd = vi.spyOn(Math, "random").mockReturnValue(0.5);
    const bytes = vi.spyOn(crypto, "getRandomValues");
    try {
      const a = uid();
      const b = uid();
      expect(a.slice(8)).not.toBe(b.slice(8));
      expect(bytes).toHaveBeenCalledTimes(2);
      expect((bytes.mock.calls[0]![0] as Uint8Array).byteLength).toBe(16);
    } finally {
      rnd.mockRestore();
      bytes.mockRestore();
    }
  });
  it("finding 5: uid's 128 random bits are uniform (every hex digit at every position)", () => {
    // 4,000 ids × 32 digits: each of the 16 digits is expected 8,000 times; a
    // fixed nibble (a UUID version digit) or a biased source would be far off.
    const counts = new Array(16).fill(0);
    const perPosition = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) {
      const r = uid().slice(8);
      for (let j = 0; j < 32; j++) {
        counts[parseInt(r[j]!, 16)]++;
        perPosition[j]!.add(r[j]!);
      }
    }
    for (const c of counts) expect(Math.abs(c - 8000)).toBeLessThan(600);
    for (const p of perPosition) expect(p.size).toBe(16);
  });
  it("limit cuts every string to 1000 (the API's limit for props)", () => {
    const long = "x".repeat(5000);
    const out = JSON.parse(JSON.stringify({ url: long, ref: long, props: { a: long, n: 5, b: [long], o: { s: long } } }, limit));
    expect(out.url).toHaveLength(1000);
    expect(out.ref).toHaveLength(1000);
    expect(out.props.a).toHaveLength(1000);
    expect(out.props.b[0]).toHaveLength(1000);
    expect(out.props.o.s).toHaveLength(1000);
    expect(out.props.n).toBe(5);
  });
  it("cut snapshots plain objects only and drops functions", () => {
    const p = { a: 1, f: () => 1, d: new Date(0) };
    const c = cut(p) as Record<string, unknown>;
    expect(c).toEqual({ a: 1, d: "1970-01-01T00:00:00.000Z" });
    p.a = 2;
    expect(c.a).toBe(1);
    expect(cut("str")).toBeUndefined();
    expect(cut(null)).toBeUndefined();
    const cyc: any = {};
    cyc.self = cyc;
    expect(() => cut(cyc)).toThrow();
  });
  it("utm picks utm_* parameters", () => {
    expect(utm("?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=t&utm_content=c&x=1", { referrer: "r" })).toEqual({
      referrer: "r",
      utm_source: "news",
      utm_medium: "email",
      utm_campaign: "spring",
      utm_term: "t",
      utm_content: "c",
    });
    expect(utm("", {})).toEqual({});
  });
  it("call swallows errors", () => {
    expect(call(() => {
      throw new Error("x");
    })).toBeUndefined();
    expect(call((x: number) => x + 1, 1)).toBe(2);
  });
});

describe("session timing", () => {
  it("keeps the id within 30 minutes of activity and renews it after", () => {
    const t = 1_700_000_000_000;
    // No (or an unreadable) stored session: none is active, the core starts a new one.
    expect(touch(null, t)).toBe("");
    expect(touch(undefined, t)).toBe("");
    expect(touch("garbage", t)).toBe("");
    expect(touch("abc.", t)).toBe("");
    expect(IDLE_MS).toBe(30 * 60 * 1000);
    expect(touch(`abc.${t}`, t + IDLE_MS - 1)).toBe("abc");
    expect(touch(`abc.${t}`, t + IDLE_MS)).toBe("");
  });
});

describe("retry store", () => {
  it("keeps at most 10 batches, oldest dropped", () => {
    let l: string[] = [];
    for (let i = 0; i < 15; i++) l = addRetry(l, "b" + i);
    expect(l).toHaveLength(10);
    expect(l[0]).toBe("b5");
    expect(l[9]).toBe("b14");
  });
  it("keeps at most 32,000 characters", () => {
    let l: string[] = [];
    for (let i = 0; i < 5; i++) l = addRetry(l, String(i).repeat(10_000));
    expect(l.join().length).toBeLessThanOrEqual(32_000);
    expect(l.at(-1)![0]).toBe("4");
    expect(addRetry([], "x".repeat(40_000))).toEqual([]);
  });
  it("retries 429 and 5xx, not 4xx", () => {
    expect([429, 500, 502, 503].every(retryable)).toBe(true);
    expect([200, 400, 401, 403, 413].some(retryable)).toBe(false);
  });
});

describe("bots and options", () => {
  it("detects webdriver and crawler user agents", () => {
    const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    expect(isBot({ userAgent: ua })).toBe(false);
    expect(isBot({ userAgent: ua, webdriver: true })).toBe(true);
    expect(isBot({ userAgent: ua.replace("Chrome", "HeadlessChrome") })).toBe(true);
    for (const b of ["Googlebot/2.1", "bingbot", "Baiduspider", "Yahoo! Slurp", "AhrefsBot", "facebookcrawler", "Chrome-Lighthouse"])
      expect(isBot({ userAgent: b })).toBe(true);
  });
  it("ESM options map to the script tag's attribute semantics", () => {
    const a = fromOptions({ site: "pk_x", consent: "required", cookieless: true, spa: false, gpc: true });
    expect([a.site, a.consent, a.cookieless, a.spa, a.gpc, a.api]).toEqual(["pk_x", "required", "", "off", "honor", undefined]);
    const b = fromOptions({ site: "pk_x" });
    expect([b.consent, b.cookieless, b.spa, b.gpc, b.debug, b.allowAutomation]).toEqual([null, null, null, null, null, null]);
    const c = fromOptions({ site: "pk_x", debug: true, allowAutomation: true });
    expect([c.debug, c.allowAutomation]).toEqual(["", ""]);
  });
});

describe("forms", () => {
  it("maps known names to event types, anything else to form_submit", () => {
    expect(formType("trial_signup")).toBe("trial_signup");
    expect(formType("chat")).toBe("chat");
    expect(formType("car-interest")).toBe("form_submit");
    expect(formType("")).toBe("form_submit");
  });
  it("recognises card numbers", () => {
    const card = (v: string) => sensitive({ type: "text", id: "notes" }, "notes", v);
    for (const v of ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", " 378282246310005 ", "6011000990139424123"])
      expect(card(v)).toBe(true);
    for (const v of ["123456", "+49 170 1234", "hello 4111111111111111", "2024-01-01", "41111111111111111111"]) expect(card(v)).toBe(false);
  });
  it("flags sensitive fields", () => {
    expect(sensitive({ type: "password" }, "pw", "x")).toBe(true);
    expect(sensitive({ type: "hidden" }, "token", "x")).toBe(true);
    expect(sensitive({ type: "text", autocomplete: "cc-number" }, "n", "x")).toBe(true);
    for (const name of ["passcode", "card_holder", "cvc", "CVV2", "iban", "ssn", "user_password"])
      expect(sensitive({ type: "text" }, name, "x")).toBe(true);
    expect(sensitive({ type: "text" }, "notes", "4111 1111 1111 1111")).toBe(true);
    expect(sensitive({ type: "text", id: "company" }, "company", "Acme")).toBe(false);
    expect(sensitive({ type: "email" }, "email", "a@b.co")).toBe(false);
  });
  it("keeps only non-sensitive fields and finds the email", () => {
    document.body.innerHTML = `<form data-es-event="trial_signup">
      <input name="email" type="email" value=" ann@example.com ">
      <input name="company" value="Acme">
      <input name="password" type="password" value="hunter2">
      <input name="pin" type="password" value="1234">
      <input name="token" type="hidden" value="secret">
      <input name="cardnumber" value="4111111111111111">
      <input name="notes" value="4111 1111 1111 1111">
      <input name="n2" autocomplete="cc-exp" value="12/29">
      <input name="plan" type="radio" value="free"><input name="plan" type="radio" value="pro" checked>
      <input name="news" type="checkbox" value="yes">
      <select name="size"><option value="s">S</option><option value="m" selected>M</option></select>
      <textarea name="msg">hi</textarea>
      <input name="empty" value="">
    </form>`;
    const ids: Record<string, string>[] = [];
    const p = fields(document.querySelector("form")!, (t) => ids.push(t));
    expect(p).toEqual({ email: " ann@example.com ", company: "Acme", plan: "pro", size: "m", msg: "hi" });
    expect(ids).toEqual([{ email: "ann@example.com" }]);
  });
  it("finds no email without an email field", () => {
    document.body.innerHTML = `<form><input name="name" value="Ann"><input name="email" value="not-an-email"></form>`;
    const ids: Record<string, string>[] = [];
    expect(fields(document.querySelector("form")!, (t) => ids.push(t))).toEqual({ name: "Ann", email: "not-an-email" });
    expect(ids).toEqual([]);
  });
  it("issue 15: data-es-trait fields and the form's data-es-traits list become traits, with the email, in one identify", () => {
    document.body.innerHTML = `<form data-es-event="trial_signup" data-es-traits="role, plan">
      <input name="email" type="email" value="ann@example.com">
      <select name="size" data-es-trait="company_size"><option value="51-200" selected>51-200</option></select>
      <input name="role" value="cfo">
      <input name="plan" type="radio" value="free"><input name="plan" type="radio" value="pro" checked>
      <input name="notes" value="hello">
    </form>`;
    const ids: Record<string, string>[] = [];
    const p = fields(document.querySelector("form")!, (t) => ids.push(t));
    expect(ids).toEqual([{ email: "ann@example.com", company_size: "51-200", role: "cfo", plan: "pro" }]);
    // the fields stay the event's props too
    expect(p).toMatchObject({ size: "51-200", role: "cfo", notes: "hello" });
  });
  it("issue 15: never a trait from a password, hidden or card-number field, however it is marked", () => {
    document.body.innerHTML = `<form data-es-traits="pw token notes cc">
      <input name="pw" type="password" value="hunter2" data-es-trait="password">
      <input name="token" type="hidden" value="tok" data-es-trait="token">
      <input name="notes" value="4111 1111 1111 1111" data-es-trait="notes">
      <input name="cc" autocomplete="cc-number" value="5555">
      <input name="company" value="Acme" data-es-trait="company">
    </form>`;
    const ids: Record<string, string>[] = [];
    const p = fields(document.querySelector("form")!, (t) => ids.push(t));
    expect(ids).toEqual([{ company: "Acme" }]);
    expect(JSON.stringify([p, ids])).not.toMatch(/hunter2|tok|4111|5555/);
  });
  it("issue 15: no identify when the form names neither an email nor a trait", () => {
    document.body.innerHTML = `<form data-es-traits=""><input name="q" value="boots"></form>`;
    const ids: Record<string, string>[] = [];
    fields(document.querySelector("form")!, (t) => ids.push(t));
    expect(ids).toEqual([]);
  });
});

describe("hints application", () => {
  it("hides tiered elements unless the tier is listed, sets promo codes", () => {
    document.body.innerHTML = `<p data-es-tier="warm hot" id="a">A</p><p data-es-tier="hot" id="b">B</p><p id="c">C</p><b data-es-promo>default</b>`;
    const $ = (id: string) => document.getElementById(id)!;
    apply(undefined);
    expect([$("a").hidden, $("b").hidden, $("c").hidden]).toEqual([true, true, false]);
    expect(document.querySelector("[data-es-promo]")!.textContent).toBe("default");
    apply({ tier: "warm", promo: { code: "WELCOME-A1", message: "10% off" }, segments: [], recommendations: [] });
    expect([$("a").hidden, $("b").hidden]).toEqual([false, true]);
    expect(document.querySelector("[data-es-promo]")!.textContent).toBe("WELCOME-A1");
    apply({ tier: "hot", promo: null, segments: [], recommendations: [] });
    expect([$("a").hidden, $("b").hidden]).toEqual([false, false]);
    expect(document.querySelector("[data-es-promo]")!.textContent).toBe("WELCOME-A1");
  });
});

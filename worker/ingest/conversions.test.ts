import { describe, expect, it } from "vitest";
import { conversionsFrom } from "./conversions";
import type { StoredEvent } from "./normalize";

const ev = (type: StoredEvent["type"], name: string | null, props: Record<string, unknown> | null = null, ts = 1): StoredEvent => ({
  id: "e" + ts, type, name, ts, url: null, path: null, ref: null, title: null, sessionId: null, props,
});

describe("conversionsFrom", () => {
  it("matches event types, and custom/form events by name, with the named prop as value", () => {
    const rules = { purchase: { valueProp: "value" }, demo: {}, trial_signup: {} };
    const out = conversionsFrom(
      [ev("purchase", null, { value: 42 }, 1), ev("custom", "demo", null, 2), ev("form_submit", "demo", { value: 3 }, 3), ev("page_view", null, null, 4), ev("trial_signup", null, null, 5)],
      rules,
    );
    expect(out).toEqual([{ value: 42, ts: 1 }, { value: null, ts: 2 }, { value: null, ts: 3 }, { value: null, ts: 5 }]);
  });
  it("a value that is not a finite number is no value; names are never looked up on the prototype", () => {
    expect(conversionsFrom([ev("purchase", null, { value: "42" }), ev("custom", "constructor"), ev("custom", "toString")], { purchase: { valueProp: "value" } })).toEqual([{ value: null, ts: 1 }]);
    expect(conversionsFrom([ev("purchase", null)], undefined)).toEqual([]);
    expect(conversionsFrom([ev("page_view", "purchase")], { purchase: {} })).toEqual([]);
  });
});

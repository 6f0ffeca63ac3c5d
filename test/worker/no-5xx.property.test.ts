// Property: no input, however malformed or deep, gets a 5xx from the public and
// admin routes that read JSON; every 4xx has the SPEC §3 error shape.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { call, createSite, ORIGIN, type Keys } from "../support/api";

let site: Keys;
beforeEach(async () => {
  site = await createSite();
});

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }), // includes lone surrogates (invalid UTF-16)
  fc.constantFrom("'; DROP TABLE events; --", "\" OR 1=1 --", "__proto__", "constructor", "\u0000", "\ud800", "%00", "${x}"),
  fc.string({ minLength: 5000, maxLength: 70000 }).map((s) => s.repeat(1)),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e308, 0.5),
  fc.boolean(),
  fc.constant(null),
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, nasty, fc.array(tie("v"), { maxLength: 5 }), fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "prototype", "props", "events")), tie("v"), { maxKeys: 5 })),
})).v;

const eventArb = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 140 }), nasty),
    type: fc.oneof(fc.constantFrom("page_view", "custom", "identify", "form_submit", "purchase", "bogus"), nasty),
    ts: fc.oneof(fc.integer({ min: 0 }), nasty),
    name: fc.oneof(fc.string(), nasty),
    url: fc.oneof(fc.webUrl(), nasty),
    props: jsonish,
  },
  { requiredKeys: [] },
);

const bodyArb = (key: () => string) =>
  fc.oneof(
    jsonish,
    fc.record(
      {
        site: fc.oneof(fc.constant(undefined).map(() => key()), nasty),
        visitor: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), nasty),
        session: fc.oneof(fc.string({ maxLength: 10 }), nasty),
        events: fc.oneof(fc.array(eventArb, { maxLength: 60 }), nasty),
        traits: jsonish,
      },
      { requiredKeys: [] },
    ),
  );

const raw = fc.oneof(
  bodyArb(() => site.publicKey).map((b) => {
    try {
      return JSON.stringify(b) ?? "";
    } catch {
      return "";
    }
  }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
);

describe("no input gets a 5xx", () => {
  it("POST /v1/collect", async () => {
    await fc.assert(
      fc.asyncProperty(raw, fc.constantFrom("text/plain", "application/json", "application/x-www-form-urlencoded", ""), async (body, type) => {
        const res = await call("/v1/collect", { method: "POST", headers: { origin: ORIGIN, ...(type ? { "content-type": type } : {}) }, body });
        expect(res.status, await res.clone().text()).toBeLessThan(500);
        if (res.status >= 400) {
          const err = (await res.json()) as { error: { code: string; message: string } };
          expect(typeof err.error.code).toBe("string");
          expect(typeof err.error.message).toBe("string");
        }
      }),
      { numRuns: 150 },
    );
  });

  it("POST /v1/admin/events", async () => {
    const adminBody = fc.oneof(
      jsonish,
      fc.record({ visitor: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), nasty), email: fc.oneof(fc.emailAddress(), nasty), traits: jsonish, events: fc.oneof(fc.array(eventArb, { maxLength: 8 }), nasty) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(adminBody, async (b) => {
        let body = "";
        try {
          body = JSON.stringify(b) ?? "";
        } catch {}
        const res = await call("/v1/admin/events", { method: "POST", headers: { authorization: `Bearer ${site.secretKey}` }, body });
        expect(res.status, await res.clone().text()).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });

  it("valid-looking events with hostile strings are stored verbatim, not executed", async () => {
    const evil = "'); DELETE FROM events; --";
    const res = await call("/v1/collect", {
      method: "POST",
      headers: { origin: ORIGIN },
      body: JSON.stringify({ site: site.publicKey, visitor: evil, session: evil, events: [{ id: evil, type: "custom", name: evil, ts: Date.now(), url: evil, props: { q: evil } }], traits: { note: evil } }),
    });
    expect(res.status).toBe(200);
    const again = await call("/v1/collect", {
      method: "POST",
      headers: { origin: ORIGIN },
      body: JSON.stringify({ site: site.publicKey, visitor: evil, events: [{ id: evil, type: "custom", name: evil, ts: Date.now() }] }),
    });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});

// Finding 7: deep nesting. A value nested thousands of levels deep (arrays, objects, the
// model's all/any) is placed where each route reads a nested value; the body reader refuses
// it past 64 levels with the path of the first too-deep node, before anything recurses.
type Level = "array" | "object" | "all";
const LEVELS: Record<Level, { open: string; close: string; json: number }> = {
  array: { open: "[", close: "]", json: 1 },
  object: { open: '{"a":', close: "}", json: 1 },
  all: { open: '{"all":[', close: "]}", json: 2 },
};
const PROTO_OPEN = '{"__proto__":';

interface Deep {
  text: string;
  /** JSON levels of the value's containers. */
  depth: number;
  /** JSON level of the object holding "__proto__" (1 = the value itself), or null. */
  protoLevel: number | null;
}

/** The text of a nested value, built as text: a 10,000-level value cannot go through JSON.stringify here. */
function deepValue(levels: Level[], protoAt: number | null): Deep {
  let open = "";
  let close = "";
  let depth = 0;
  let protoLevel: number | null = null;
  levels.forEach((l, i) => {
    if (i === protoAt) {
      open += PROTO_OPEN;
      close = "}" + close;
      protoLevel = depth + 1;
      depth += 1;
    } else {
      open += LEVELS[l].open;
      close = LEVELS[l].close + close;
      depth += LEVELS[l].json;
    }
  });
  return { text: open + "1" + close, depth, protoLevel };
}

interface Target {
  name: string;
  method: string;
  path: string;
  headers: () => Record<string, string>;
  /** The body with the deep value at `prefix` (whose containers number `around`). */
  body: (deep: string) => string;
  prefix: string;
  around: number;
}

const targets = (): Target[] => {
  const secret = () => ({ authorization: `Bearer ${site.secretKey}`, "content-type": "application/json" });
  const ev = (props: string) => `{"id":"e1","type":"custom","name":"x","ts":${Date.now()},"props":{"x":${props}}}`;
  return [
    { name: "POST /v1/collect", method: "POST", path: "/v1/collect", headers: () => ({ origin: ORIGIN, "content-type": "text/plain" }), body: (d) => `{"site":"${site.publicKey}","visitor":"v","events":[${ev(d)}]}`, prefix: "events.0.props.x", around: 4 },
    { name: "POST /v1/admin/events", method: "POST", path: "/v1/admin/events", headers: secret, body: (d) => `{"visitor":"v","events":[${ev(d)}]}`, prefix: "events.0.props.x", around: 4 },
    { name: "PUT /v1/admin/models/:name", method: "PUT", path: "/v1/admin/models/deep", headers: secret, body: (d) => `{"readiness":100,"tiers":{"warm":10},"categories":{"c":{"kind":"interest","max":50}},"rules":[{"id":"r","category":"c","points":1,"when":${d}}]}`, prefix: "rules.0.when", around: 3 },
    { name: "PUT /v1/admin/products", method: "PUT", path: "/v1/admin/products", headers: secret, body: (d) => `{"products":[{"id":"p","name":${d}}]}`, prefix: "products.0.name", around: 3 },
    { name: "POST /v1/admin/conversions", method: "POST", path: "/v1/admin/conversions", headers: secret, body: (d) => `{"visitor":"v","value":${d}}`, prefix: "value", around: 1 },
  ];
};

type Issues = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };

/** The answer to a deep body: never a 5xx; a 400 naming the first problem when there is one. */
async function expectDeepAnswer(t: Target, deep: Deep) {
  const res = await call(t.path, { method: t.method, headers: t.headers(), body: t.body(deep.text) });
  const text = await res.text();
  expect(res.status, `${t.name}: ${text.slice(0, 300)}`).toBeLessThan(500);
  const protoLevel = deep.protoLevel === null ? null : t.around + deep.protoLevel;
  const tooDeep = t.around + deep.depth > 64;
  if (protoLevel !== null && protoLevel <= 64) {
    expect(res.status).toBe(400);
    const issue = (JSON.parse(text) as Issues).error.issues?.[0];
    expect(issue?.message).toBe("is a reserved key name");
    expect(issue?.path.endsWith("__proto__")).toBe(true);
  } else if (tooDeep) {
    expect(res.status, text.slice(0, 300)).toBe(400);
    const issue = (JSON.parse(text) as Issues).error.issues?.[0];
    expect(issue?.message).toBe("nests deeper than 64 levels of arrays and objects");
    expect(issue?.path.startsWith(t.prefix + ".")).toBe(true);
    // The path is shortened, not 64 segments long.
    expect(issue!.path.length).toBeLessThan(400);
  }
}

describe("finding 7: no nesting depth gets a 5xx", () => {
  // One kind all the way down (the cheap attack), or a random mix around the cap. "all"
  // levels are 10 characters each: 6,000 of them fill a 64 KiB body.
  const levelsArb = (allMax: number) =>
    fc.oneof(
      fc.constantFrom<Level>("array", "object", "all").chain((l) => fc.integer({ min: 1, max: l === "all" ? allMax : 10_000 }).map((n) => Array<Level>(n).fill(l))),
      fc.array(fc.constantFrom<Level>("array", "object", "all"), { minLength: 1, maxLength: 80 }),
    );
  const deepArb = (allMax: number) =>
    fc.tuple(levelsArb(allMax), fc.option(fc.nat(), { nil: null })).map(([levels, p]) => deepValue(levels, p === null ? null : p % levels.length));

  for (const name of ["POST /v1/collect", "POST /v1/admin/events", "PUT /v1/admin/models/:name", "PUT /v1/admin/products", "POST /v1/admin/conversions"]) {
    it(`${name}: random nesting up to 10,000 levels, with and without __proto__`, async () => {
      const t = targets().find((x) => x.name === name)!;
      await fc.assert(
        fc.asyncProperty(deepArb(t.name.includes("models") || t.name.includes("products") ? 10_000 : 6_000), (deep) => expectDeepAnswer(t, deep)),
        { numRuns: 25 },
      );
    });

    for (const depth of [5_000, 10_000])
      it(`${name}: exactly ${depth.toLocaleString("en")} levels of arrays, of objects, each with __proto__ innermost`, async () => {
        const t = targets().find((x) => x.name === name)!;
        for (const kind of ["array", "object"] as const) {
          const levels = Array<Level>(depth).fill(kind);
          const plain = deepValue(levels, null);
          const proto = deepValue(levels, depth - 1);
          expect(plain.depth).toBe(depth);
          await expectDeepAnswer(t, plain);
          await expectDeepAnswer(t, proto);
        }
      });
  }
});

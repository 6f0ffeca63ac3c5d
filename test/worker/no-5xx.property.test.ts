// Property: no input, however malformed, gets a 5xx from the public and admin
// ingest routes; every 4xx has the SPEC §3 error shape.
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

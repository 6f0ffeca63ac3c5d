// Property: no body, content type or query gets a 5xx from POST /v1/admin/import;
// every answer is the import's summary or a SPEC §3 error.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, createSite } from "../support/api";

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("'; DROP TABLE leads; --", "__proto__", "constructor", "\u0000", "\ud800", "\"", "\"\"\"", "{", "[]", "null", "1e999"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, nasty, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "email", "events", "traits", "mapping")), tie("v"), { maxKeys: 4 })),
})).v;
const event = fc.record(
  { id: fc.oneof(fc.string({ maxLength: 140 }), nasty), type: fc.oneof(fc.constantFrom("page_view", "custom", "chat", "bogus"), nasty), ts: fc.oneof(fc.integer({ min: 0 }), nasty), name: nasty, url: nasty, props: jsonish },
  { requiredKeys: [] },
);
const lead = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), nasty),
    external_id: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), nasty),
    visitor: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), nasty),
    traits: jsonish,
    events: fc.oneof(fc.array(event, { maxLength: 5 }), nasty),
    converted: fc.oneof(fc.boolean(), nasty),
    convertedAt: fc.oneof(fc.integer({ min: 0 }), nasty),
    value: fc.oneof(fc.double(), nasty),
  },
  { requiredKeys: [] },
);
const text = (v: unknown) => {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
};
const ndjsonBody = fc.oneof(fc.array(fc.oneof(lead.map(text), jsonish.map(text), fc.string()), { maxLength: 8 }).map((ls) => ls.join("\n")), fc.uint8Array({ maxLength: 300 }));
const cell = fc.oneof(fc.constantFrom("", "yes", "no", "1", "x@y.co", "3.5", "\"q\"\"", "a,b", "\n"), fc.string({ maxLength: 8 }));
const csvBody = fc.oneof(
  fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }).map((r) => r.join(",")), { maxLength: 8 }).map((rs) => ["email,age,won,extra", ...rs].join("\n")),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);
const mapping = fc.oneof(
  fc.constant({ email: "email", traits: { age: "number" }, outcome: "won" }),
  fc.constant({ traits: { age: "number", extra: "boolean" }, outcome: "won", convertedAt: "extra", value: "age" }),
  jsonish,
);

describe("POST /v1/admin/import: no input gets a 5xx", () => {
  it("NDJSON and CSV bodies, mappings and queries", async () => {
    const site = await createSite();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ type: fc.constant("application/x-ndjson"), body: ndjsonBody, query: fc.constantFrom("", "?line_offset=5", "?line_offset=-1", "?line_offset=x") }),
          fc.record({ type: fc.constant("text/csv"), body: csvBody, query: fc.oneof(mapping.map((m) => `?map=${encodeURIComponent(text(m))}`), fc.string().map((s) => `?map=${encodeURIComponent(s)}`)) }),
          fc.record({ type: fc.constantFrom("", "text/plain", "application/json"), body: fc.string({ maxLength: 50 }), query: fc.constant("") }),
        ),
        async ({ type, body, query }) => {
          const res = await call(`/v1/admin/import${query}`, { method: "POST", headers: { authorization: `Bearer ${site.secretKey}`, ...(type ? { "content-type": type } : {}) }, body });
          const answer = (await res.json()) as Record<string, unknown>;
          expect(res.status, JSON.stringify(answer)).toBeLessThan(500);
          if (res.status === 200) expect(Object.keys(answer).sort()).toEqual(expect.arrayContaining(["conversions", "created", "errors", "events", "leads", "skipped", "updated"]));
          else expect(typeof (answer.error as { code: string }).code).toBe("string");
        },
      ),
      { numRuns: 150 },
    );
  });
});

// worker/shims/js-base64.ts stands in for js-base64 in the Worker (wrangler.toml [alias]):
// for any text, the same output as the package for the two calls mimetext makes.
import fc from "fast-check";
import { Base64 as real } from "js-base64";
import { describe, expect, it } from "vitest";
import { Base64 as shim } from "../../worker/shims/js-base64";

describe("js-base64 shim", () => {
  it("encode and encodeURI equal js-base64's for any string (unicode, lone surrogates, long)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.string()), (s) => {
        expect(shim.encode(s)).toBe(real.encode(s));
        expect(shim.encodeURI(s)).toBe(real.encodeURI(s));
      }),
      { numRuns: 200 },
    );
    // A lone surrogate (U+FFFD in UTF-8 for both) and more than one chunk of bytes.
    for (const s of ["a\ud800b", "\udc00", "é✓".repeat(30_000)]) {
      expect(shim.encode(s)).toBe(real.encode(s));
      expect(shim.encodeURI(s)).toBe(real.encodeURI(s));
    }
    expect(shim.encode("Grüße ✓")).toBe("R3LDvMOfZSDinJM=");
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonProblem, lineColumn, MAX_JSON_DEPTH, parseJson, syntaxErrorOffset } from "./json";

const nest = (depth: number, kind: "array" | "object", leaf: unknown = 1, key = "a"): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { [key]: v };
  return v;
};

/** A text with one character inserted or deleted somewhere: mostly invalid JSON. */
const brokenJson = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom("}", "]", ",", ":", '"', "x", "-", "1", "e", ".", " ", "\\", "\u0001", "{", "[", "\n"), fc.boolean())
  .map(([j, k, ch, del]) => {
    const at = k % (j.length + 1);
    return del ? j.slice(0, at) + j.slice(at + 1) : j.slice(0, at) + ch + j.slice(at);
  });

const engineError = (text: string): string | null => {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe("parseJson", () => {
  it("parses valid JSON", () => {
    expect(parseJson(' {"a": [1, "x", null]} ')).toEqual({ ok: true, value: { a: [1, "x", null] } });
  });

  it.each([
    ['{\n  "a": 1,\n  "b": }', 3, 8],
    ['{\n  "a": 1,\n  "b": 1', 3, 9],
    ["[1,]", 1, 4],
    ["", 1, 1],
    ['{"a" 1}', 1, 6],
    ["[1] x", 1, 5],
    ['"\\q"', 1, 3],
    ["tru", 1, 4],
    ["\n\n  -", 3, 4],
  ])("locates the syntax error in %j at line %i, column %i", (text, line, column) => {
    const r = parseJson(text);
    expect(r).toMatchObject({ ok: false, line, column });
    if (!r.ok) {
      expect(r.message).not.toMatch(/position|is not valid JSON/);
      expect(r.message.length).toBeGreaterThan(0);
    }
  });

  it("the fallback scan stops where the engine does", () => {
    let compared = 0;
    fc.assert(
      fc.property(brokenJson, (text) => {
        const msg = engineError(text);
        if (msg === null) return;
        const off = syntaxErrorOffset(text);
        const pos = /at position (\d+)/.exec(msg);
        const token = /^Unexpected token '(.)'/su.exec(msg);
        compared++;
        if (pos) expect(off).toBe(Number(pos[1]));
        else if (token) expect(text[off]).toBe(token[1]);
        else if (msg.startsWith("Unexpected end")) expect(off).toBe(text.length);
      }),
      { numRuns: 3000 },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it("counts lines and columns in UTF-16 units from 1", () => {
    expect(lineColumn("ab\ncd\r\nef", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn("ab\ncd\r\nef", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("ab\ncd\r\nef", 8)).toEqual({ line: 3, column: 2 });
  });
});

describe("jsonProblem", () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and ordinary keys`, () => {
    expect(jsonProblem(nest(MAX_JSON_DEPTH, "array"))).toBeNull();
    expect(jsonProblem(nest(MAX_JSON_DEPTH, "object"))).toBeNull();
    expect(jsonProblem({ events: [{ props: { proto: 1, ctor: "constructor" } }], n: null, s: "__proto__" })).toBeNull();
    expect(jsonProblem("text")).toBeNull();
  });

  it("finding 7: refuses 10,000 levels of arrays or objects without recursion, naming the first too-deep node", () => {
    const arrays = jsonProblem({ events: nest(10_000, "array") });
    expect(arrays).toEqual({ path: "events.0.0.0.0.0.0.0.…49 more….0.0.0.0.0.0.0", message: `nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects` });
    const objects = jsonProblem(nest(10_000, "object", 1, "__proto__"));
    // The reserved key comes first in document order.
    expect(objects).toEqual({ path: "__proto__", message: "is a reserved key name" });
    const deepObjects = jsonProblem(nest(65, "object", 1, "k"));
    expect(deepObjects?.path.split(".")).toEqual([...Array(8).fill("k"), "…49 more…", ...Array(7).fill("k")]);
    // Exactly one level too many: the first node past the cap.
    expect(jsonProblem(nest(MAX_JSON_DEPTH + 1, "array"))?.message).toMatch(/deeper than 64/);
  });

  it("finding 7: refuses reserved keys at any depth with their path, in document order", () => {
    const v = JSON.parse('{"a":[{"ok":1},{"b":{"__proto__":{"x":1}}}],"constructor":2}');
    expect(jsonProblem(v)).toEqual({ path: "a.1.b.__proto__", message: "is a reserved key name" });
    expect(jsonProblem({ x: { prototype: 1 } })).toEqual({ path: "x.prototype", message: "is a reserved key name" });
    const long = "k".repeat(100);
    expect(jsonProblem({ [long]: { constructor: 1 } })?.path).toBe("k".repeat(40) + "….constructor");
  });
});

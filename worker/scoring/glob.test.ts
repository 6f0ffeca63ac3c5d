import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, eventPath, MAX_PATH_LENGTH, normalizePath } from "./glob";

/**
 * The reference: the textbook dynamic programme over (glob position, path position),
 * memoised, so it is obviously right and exponential in nothing. `*` any run, `?` one
 * character, everything else itself; the whole path must match.
 */
function reference(glob: string, path: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (path.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === glob.length) r = j === path.length;
    else if (glob[i] === "*") r = go(i + 1, j) || (j < path.length && go(i, j + 1));
    else r = j < path.length && (glob[i] === "?" || glob[i] === path[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

const matches = (glob: string, path: string) => compileGlob(glob)(normalizePath(path));

describe("path globs", () => {
  it.each([
    ["/pricing", "/pricing", true],
    ["/pricing", "/pricing/", true],
    ["/pricing/", "/pricing", true],
    ["/pricing", "/pricing/team", false],
    ["/pricing", "/pricin", false],
    ["/directions*", "/directions", true],
    ["/directions*", "/directions/north", true],
    ["/directions*", "/direction", false],
    ["/blog/*", "/blog/2024/post", true],
    ["/blog/*", "/blog/x", true],
    ["/blog/*", "/blog", false],
    ["/blog/**", "/blog/2024/post", true],
    ["/blog/**/edit", "/blog/2024/post/edit", true],
    ["/blog/**/edit", "/blog/edit", false],
    ["/*/edit", "/a/b/edit", true],
    ["/*", "/", true],
    ["/*", "/anything/at/all", true],
    ["/", "/", true],
    ["/", "/a", false],
    ["/p?ge", "/page", true],
    ["/p?ge", "/p/ge", true],
    ["/p?ge", "/pge", false],
    ["/p?ge", "/paage", false],
    ["/car-?", "/car-5", true],
    ["/car-?", "/car-", false],
    ["/*.pdf", "/docs/a.pdf", true],
    ["/*.pdf", "/docs/a.pdf.html", false],
    ["/a*b*c", "/abc", true],
    ["/a*b*c", "/axxbxxc", true],
    ["/a*b*c", "/axxcxxb", false],
    ["/a*?b", "/ab", false],
    ["/a*?b", "/acb", true],
    ["/*ab*ab", "/abab", true],
    ["/*ab*ab", "/aba", false],
    ["/x*x", "/x", false],
    ["/x*x", "/xx", true],
    ["/??*", "/a", false],
    ["/??*", "/ab", true],
    ["/a.b", "/aXb", false],
    ["/(a|b)+", "/(a|b)+", true],
    ["/$[x]^", "/$[x]^", true],
  ])("%s against %s is %s", (glob, path, want) => {
    expect(matches(glob, path)).toBe(want);
  });

  it("agrees with a reference matcher on random globs and paths", () => {
    const globArb = fc.array(fc.constantFrom("/", "a", "b", "*", "?", "**"), { maxLength: 10 }).map((p) => "/" + p.join(""));
    const pathArb = fc.array(fc.constantFrom("/", "a", "b"), { maxLength: 14 }).map((p) => "/" + p.join(""));
    fc.assert(
      fc.property(globArb, pathArb, (glob, path) => {
        expect(matches(glob, path)).toBe(reference(normalizePath(glob), normalizePath(path)));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with the reference on long `?` segments (searched 32 characters per word)", () => {
    const seg = fc.array(fc.constantFrom("a", "b", "?", "?"), { minLength: 20, maxLength: 90 }).map((p) => p.join(""));
    const globArb = fc.tuple(seg, fc.constantFrom("", "a", "b?", "?")).map(([mid, tail]) => `/*${mid}*${tail}`);
    const pathArb = fc.tuple(fc.array(fc.constantFrom("a", "a", "b"), { maxLength: 200 }), fc.nat(200), seg).map(([p, at, mid]) => {
      // Plant a copy of a segment-like run half the time, so matches are common.
      const s = p.join("");
      return "/" + (at % 2 ? s.slice(0, at) + mid.replaceAll("?", "b") + s.slice(at) : s);
    });
    fc.assert(
      fc.property(globArb, pathArb, (glob, path) => {
        expect(matches(glob, path)).toBe(reference(glob, path));
      }),
      { numRuns: 1000 },
    );
  });

  it("finding 3: a backtracking-bomb glob gets the right answer on long paths (no regex)", () => {
    const bomb = compileGlob("/*a*a*a*a*a*a*a*ab");
    for (const n of [80, 2000]) {
      const path = "/" + "a".repeat(n);
      expect(bomb(path)).toBe(false);
      expect(bomb(path + "b")).toBe(true);
      expect(bomb(path + "ba")).toBe(false);
    }
    const qs = compileGlob("/*?a?a?a?a*b");
    expect(qs("/" + "a".repeat(2000))).toBe(false);
    expect(qs("/" + "a".repeat(2000) + "b")).toBe(true);
    expect(compileGlob("/*a?*?a*?b")("/" + "ab".repeat(1000))).toBe(true);
  });

  it(`finding 3: paths are matched on their first ${MAX_PATH_LENGTH} characters`, () => {
    const long = "/" + "a".repeat(MAX_PATH_LENGTH + 500) + "b";
    expect(compileGlob("/a*")(long)).toBe(true);
    // The cut drops the tail, so a suffix beyond the cap is not seen.
    expect(compileGlob("/*b")(long)).toBe(false);
    expect(compileGlob("/*a")(long)).toBe(true);
  });

  it("an event's path is its own path, else its URL's, without query or fragment", () => {
    expect(eventPath("/x/", null)).toBe("/x");
    expect(eventPath(null, "https://shop.example/p/1?utm=a#top")).toBe("/p/1");
    expect(eventPath(null, "https://shop.example")).toBe("/");
    expect(eventPath(null, "shop.example/p")).toBe(null);
  });
});

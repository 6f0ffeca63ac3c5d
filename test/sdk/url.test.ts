// @vitest-environment happy-dom
// Finding 6: which parts of a URL the snippet may send (sdk/url.ts). The worker
// applies the same rule (worker/ingest/url-privacy.ts); these cases are the rule.
import { describe, expect, it } from "vitest";
import { fromOptions } from "../../sdk/config";
import { clean, keepList, query } from "../../sdk/url";

const c = (u: string, keep: string[] = []) => clean(u, keep);

describe("finding 6: query parameters", () => {
  it("drops pw and token, keeps utm_* and ref: ?pw=hunter2&token=x&utm_source=a&ref=b", () => {
    expect(c("https://shop.example/login?pw=hunter2&token=x&utm_source=a&ref=b")).toBe("https://shop.example/login?utm_source=a&ref=b");
  });
  it("keeps every utm_* parameter and the click ids, in order, and nothing else", () => {
    expect(c("https://s.example/?utm_source=news&gclid=G1&email=ann%40x.com&fbclid=F&utm_campaign=spring&msclkid=M&utm_id=7&reset=abc")).toBe(
      "https://s.example/?utm_source=news&gclid=G1&fbclid=F&utm_campaign=spring&msclkid=M&utm_id=7",
    );
  });
  it("drops the `?` when no parameter is left", () => {
    expect(c("https://s.example/p?email=ann@example.com&magic=XYZ")).toBe("https://s.example/p");
    expect(c("https://s.example/p?")).toBe("https://s.example/p");
    expect(c("https://s.example/p?&&")).toBe("https://s.example/p");
  });
  it("built-in names match in any letter case; prefixes and lookalikes do not count", () => {
    expect(c("https://s.example/?UTM_Source=A&Ref=b&GCLID=g")).toBe("https://s.example/?UTM_Source=A&Ref=b&GCLID=g");
    for (const name of ["refx", "xref", "referrer", "gclid2", "my_utm_source", "utm", "utm-source"])
      expect(c(`https://s.example/?${name}=secret`), name).toBe("https://s.example/");
    // An encoded name is not decoded first: simply not allowed.
    expect(c("https://s.example/?utm%5Fsource=a&r%65f=b")).toBe("https://s.example/");
  });
  it("keeps values as written, repeated names, and empty values", () => {
    expect(c("https://s.example/?utm_term=a%20b+c&pw=1&ref=x&ref=y&utm_content=")).toBe("https://s.example/?utm_term=a%20b+c&ref=x&ref=y&utm_content=");
  });
  it("a value cannot smuggle a parameter: `?` and `=` inside a dropped value go with it", () => {
    expect(c("https://s.example/?next=/a?utm_source=x&token=t=u&ref=ok")).toBe("https://s.example/?ref=ok");
  });
  it("keeps the site's keep-params (exact names) besides the built-in ones", () => {
    expect(c("https://s.example/list?page=2&sort=asc&token=x&utm_medium=cpc", ["page", "sort"])).toBe("https://s.example/list?page=2&sort=asc&utm_medium=cpc");
    expect(c("https://s.example/list?Page=2", ["page"])).toBe("https://s.example/list");
  });
  it("query() filters a bare query string", () => {
    expect(query("?a=1&utm_source=x&b=2", [])).toBe("?utm_source=x");
    expect(query("?a=1&b=2", ["b"])).toBe("?b=2");
    expect(query("?a=1", [])).toBe("");
    expect(query("", [])).toBe("");
  });
});

describe("finding 6: fragments, credentials, garbage", () => {
  it("drops plain fragments (anchors, OAuth tokens) with their #", () => {
    expect(c("https://s.example/faq#shipping")).toBe("https://s.example/faq");
    expect(c("https://s.example/cb#access_token=ya29.secret&token_type=bearer")).toBe("https://s.example/cb");
    expect(c("https://s.example/p?utm_source=a#")).toBe("https://s.example/p?utm_source=a");
  });
  it("keeps hash routes (#/… and #!…), their own query filtered by the same rule", () => {
    expect(c("https://s.example/app#/products/42")).toBe("https://s.example/app#/products/42");
    expect(c("https://s.example/app#!/cart")).toBe("https://s.example/app#!/cart");
    expect(c("https://s.example/app?pw=1#/reset?token=abc&utm_source=mail")).toBe("https://s.example/app#/reset?utm_source=mail");
    expect(c("https://s.example/app#/list?page=3&email=a@b.co", ["page"])).toBe("https://s.example/app#/list?page=3");
  });
  it("drops a user name and password", () => {
    expect(c("https://ann:hunter2@s.example/x?ref=a")).toBe("https://s.example/x?ref=a");
  });
  it("gives an empty string for what is not an absolute URL", () => {
    for (const u of ["", "/relative?pw=1", "not a url", "http://"]) expect(c(u), u).toBe("");
  });
});

describe("keep-params option", () => {
  it("data-keep-params takes names separated by commas and/or spaces", () => {
    expect(keepList("page, sort  q,,id")).toEqual(["page", "sort", "q", "id"]);
    expect(keepList("")).toEqual([]);
    expect(keepList(null)).toEqual([]);
    expect(keepList(undefined)).toEqual([]);
  });
  it("the ESM option keepParams maps to the same attribute", () => {
    expect(keepList(fromOptions({ site: "pk_x", keepParams: ["page", "sort"] }).keepParams)).toEqual(["page", "sort"]);
    expect(keepList(fromOptions({ site: "pk_x" }).keepParams)).toEqual([]);
  });
});

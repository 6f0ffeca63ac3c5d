import { describe, expect, it } from "vitest";
import { scrubUrl } from "./url-privacy";

describe("scrubUrl (finding 6: secrets in page URLs)", () => {
  it.each([
    ["https://s.example/welcome?pw=hunter2&token=abc", "https://s.example/welcome"],
    ["https://s.example/p?utm_source=news&pw=x&utm_campaign=spring&ref=hn", "https://s.example/p?utm_source=news&utm_campaign=spring&ref=hn"],
    ["https://s.example/p?gclid=1&fbclid=2&msclkid=3&email=a%40b.c", "https://s.example/p?gclid=1&fbclid=2&msclkid=3"],
    ["https://s.example/reset#token=abc", "https://s.example/reset"],
    ["https://s.example/app#/orders/7?magic=1&utm_medium=x", "https://s.example/app#/orders/7?utm_medium=x"],
    ["https://s.example/app#!/inbox", "https://s.example/app#!/inbox"],
    ["https://s.example/?UTM_Source=A", "https://s.example/?UTM_Source=A"],
    ["https://s.example/?%75tm_term=x&%zz=1", "https://s.example/?%75tm_term=x"],
    ["/relative?x=1&utm_source=y", "/relative?utm_source=y"],
    ["https://s.example/plain", "https://s.example/plain"],
    ["https://ann:hunter2@s.example/p?utm_source=x", "https://s.example/p?utm_source=x"],
  ])("%s -> %s", (input, out) => {
    expect(scrubUrl(input)).toBe(out);
  });

  it("keeps the site's own parameters (keep_params)", () => {
    expect(scrubUrl("https://s.example/p?variant=blue&pw=1", ["variant"])).toBe("https://s.example/p?variant=blue");
  });
});

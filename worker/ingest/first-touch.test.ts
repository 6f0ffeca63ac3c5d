import { describe, expect, it } from "vitest";
import { firstTouch, ownHosts } from "./first-touch";
import type { StoredEvent } from "./normalize";

const ev = (over: Partial<StoredEvent>): StoredEvent => ({
  id: "e",
  type: "page_view",
  name: null,
  ts: 1000,
  url: "https://shop.example/",
  path: "/",
  ref: null,
  title: null,
  sessionId: "s",
  props: null,
  ...over,
});
const own = ownHosts(["https://shop.example", "https://*.brand.example"]);

describe("firstTouch", () => {
  it("reads the earliest page view or session start: UTM from its props, else its URL; referrer as a host", () => {
    const t = firstTouch(
      [
        ev({ ts: 2000, url: "https://shop.example/b?utm_source=late", path: "/b" }),
        ev({ type: "session_start", ts: 1000, url: "https://shop.example/a?utm_medium=email", path: "/a", props: { referrer: "https://Mail.Example.com/x?q=1", utm_source: "news" } }),
        ev({ type: "custom", ts: 10, url: null, path: null }),
      ],
      own,
    );
    expect(t).toEqual({ at: 1000, referrer: "mail.example.com", utmSource: "news", utmMedium: "email", utmCampaign: null, landing: "/a" });
  });

  it("does not count the site's own pages (and its subdomains) as a referrer", () => {
    expect(firstTouch([ev({ ref: "https://shop.example/prev" })], own)?.referrer).toBeNull();
    expect(firstTouch([ev({ ref: "https://www.brand.example/" })], own)?.referrer).toBeNull();
    expect(firstTouch([ev({ ref: "https://other.example/" })], own)?.referrer).toBe("other.example");
  });

  it("has none without a page view or session start, and keeps beacon text short", () => {
    expect(firstTouch([ev({ type: "custom" })], own)).toBeNull();
    expect(firstTouch([ev({ props: null, url: `https://shop.example/?utm_campaign=${"x".repeat(900)}` })], own)?.utmCampaign).toHaveLength(200);
  });
});

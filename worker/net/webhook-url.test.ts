import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "./webhook-url";

const prod = { allowHttpLocalhost: false };
const dev = { allowHttpLocalhost: true };

describe("checkWebhookUrl", () => {
  it("accepts public https URLs", () => {
    for (const u of ["https://dealer.example/hooks", "https://hooks.slack.com/services/T/B/X?x=1", "https://93.184.216.34/x", "https://[2606:4700::1111]/x"]) {
      expect([u, checkWebhookUrl(u, prod)]).toEqual([u, null]);
    }
  });

  it("rejects other schemes, credentials and garbage", () => {
    expect(checkWebhookUrl("http://dealer.example/hooks", prod)).toBe("webhook URL must use https");
    expect(checkWebhookUrl("ftp://dealer.example/x", prod)).toBe("webhook URL must use https");
    expect(checkWebhookUrl("not a url", prod)).toBe("webhook URL is not a valid absolute URL");
    expect(checkWebhookUrl("", prod)).toBe("webhook URL is empty");
    expect(checkWebhookUrl("https://user:pw@dealer.example/", prod)).toBe("webhook URL must not contain credentials");
  });

  it("allows http to loopback only in dev", () => {
    for (const u of ["http://localhost:8787/h", "http://127.0.0.1/h", "http://[::1]:9000/h", "https://localhost/h"]) {
      expect([u, checkWebhookUrl(u, dev)]).toEqual([u, null]);
    }
    expect(checkWebhookUrl("http://127.0.0.2/h", dev)).toBe("webhook URL must use https (http only to localhost, 127.0.0.1 or [::1])");
    expect(checkWebhookUrl("https://localhost/h", prod)).toBe("webhook URL points to localhost");
    expect(checkWebhookUrl("https://127.0.0.1/h", prod)).toBe("webhook URL points to a private or reserved IPv4 address");
  });

  it("rejects private, loopback, link-local, CGNAT and metadata IPv4 (also odd spellings)", () => {
    const v4 = "webhook URL points to a private or reserved IPv4 address";
    for (const host of ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0x7f.1", "2130706433", "017700000001"]) {
      expect([host, checkWebhookUrl(`https://${host}/x`, prod)]).toEqual([host, v4]);
    }
    for (const host of ["172.15.0.1", "172.32.0.1", "100.128.0.1", "8.8.8.8"]) {
      expect([host, checkWebhookUrl(`https://${host}/x`, prod)]).toEqual([host, null]);
    }
  });

  it("rejects private IPv6, including IPv4-mapped", () => {
    const v6 = "webhook URL points to a private or reserved IPv6 address";
    for (const host of ["[::1]", "[::]", "[fc00::1]", "[fd12:3456::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::ffff:8.8.8.8]", "[64:ff9b::a00:1]", "[2002:a00:1::1]"]) {
      expect([host, checkWebhookUrl(`https://${host}/x`, prod)]).toEqual([host, v6]);
    }
  });

  it("rejects internal host names", () => {
    const internal = "webhook URL points to an internal host name";
    expect(checkWebhookUrl("https://metadata.google.internal/computeMetadata/v1/", prod)).toBe(internal);
    expect(checkWebhookUrl("https://printer.local/x", prod)).toBe(internal);
    expect(checkWebhookUrl("https://api.localhost/x", prod)).toBe("webhook URL points to localhost");
    expect(checkWebhookUrl("https://LOCALHOST./x", prod)).toBe("webhook URL points to localhost");
    expect(checkWebhookUrl("https://intranet/x", prod)).toBe("webhook URL host must be a public domain name");
  });
});

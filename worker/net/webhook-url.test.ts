import { describe, expect, it } from "vitest";
import { checkWebhookUrl, IPV4_REFUSED, IPV6_REFUSED } from "./webhook-url";

const prod = { allowHttpLocalhost: false };
const dev = { allowHttpLocalhost: true };
const V4 = "webhook URL points to a private or reserved IPv4 address";
const V6 = "webhook URL points to a private or reserved IPv6 address";

/** [host, verdict] pairs for a list of literal hosts, to compare in one expect (every failure shown). */
const verdicts = (hosts: string[]) => hosts.map((h) => [h, checkWebhookUrl(`https://${h}/hook`, prod)]);

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
    expect(checkWebhookUrl("https://127.0.0.1/h", prod)).toBe(V4);
  });

  it("rejects internal host names", () => {
    const internal = "webhook URL points to an internal host name";
    expect(checkWebhookUrl("https://metadata.google.internal/computeMetadata/v1/", prod)).toBe(internal);
    expect(checkWebhookUrl("https://printer.local/x", prod)).toBe(internal);
    expect(checkWebhookUrl("https://router.home.arpa/x", prod)).toBe(internal);
    expect(checkWebhookUrl("https://api.localhost/x", prod)).toBe("webhook URL points to localhost");
    expect(checkWebhookUrl("https://LOCALHOST./x", prod)).toBe("webhook URL points to localhost");
    expect(checkWebhookUrl("https://intranet/x", prod)).toBe("webhook URL host must be a public domain name");
  });
});

// Every row of the IANA special-purpose registries (and multicast, reserved space): its first and
// last address refused, and the neighbours just outside it with the verdict they deserve (refused
// when they fall in another refused row, which the comment names).
describe("finding 8: the webhook policy refuses every special-purpose, multicast and reserved address", () => {
  it("finding 8: IPv4 special-purpose ranges, first and last address refused (192.0.2.2 TEST-NET-1, 198.18/15, 100.64/10, 240/4 …)", () => {
    const refused = [
      "0.0.0.0", "0.255.255.255", // this network
      "10.0.0.0", "10.255.255.255",
      "100.64.0.0", "100.127.255.255", // shared address space
      "127.0.0.0", "127.255.255.255",
      "169.254.0.0", "169.254.169.254", "169.254.255.255",
      "172.16.0.0", "172.31.255.255",
      "192.0.0.0", "192.0.0.9", "192.0.0.170", "192.0.0.255", // IETF protocol assignments
      "192.0.2.0", "192.0.2.2", "192.0.2.255", // TEST-NET-1
      "192.31.196.0", "192.31.196.255", // AS112-v4
      "192.52.193.0", "192.52.193.255", // AMT
      "192.88.99.0", "192.88.99.2", "192.88.99.255", // 6to4 relay anycast
      "192.168.0.0", "192.168.255.255",
      "192.175.48.0", "192.175.48.255", // AS112 direct delegation
      "198.18.0.0", "198.19.255.255", // benchmarking
      "198.51.100.0", "198.51.100.255", // TEST-NET-2
      "203.0.113.0", "203.0.113.255", // TEST-NET-3
      "224.0.0.0", "239.255.255.255", // multicast
      "240.0.0.0", "255.255.255.254", "255.255.255.255", // reserved, limited broadcast
    ];
    expect(verdicts(refused)).toEqual(refused.map((h) => [h, V4]));
  });

  it("finding 8: IPv4 neighbours just outside each range are accepted", () => {
    const accepted = [
      "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
      "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "191.255.255.255", "192.0.1.0", "192.0.1.255",
      "192.0.3.0", "192.31.195.255", "192.31.197.0", "192.52.192.255", "192.52.194.0", "192.88.98.255", "192.88.100.0",
      "192.167.255.255", "192.169.0.0", "192.175.47.255", "192.175.49.0", "198.17.255.255", "198.20.0.0", "198.51.99.255",
      "198.51.101.0", "203.0.112.255", "203.0.114.0", "223.255.255.255", "8.8.8.8", "1.1.1.1",
    ];
    expect(verdicts(accepted)).toEqual(accepted.map((h) => [h, null]));
  });

  it("finding 8: IPv6 special-purpose ranges, first and last address refused (2001:db8::/32, 2001::/23 blocks, 100::/64, 5f00::/16, 3fff::/20, 2001:2::/48, ORCHIDv2, 64:ff9b:1::/48, ::ffff:0:0/96 …)", () => {
    const refused = [
      "[::]", "[::1]",
      "[::ffff:0:0]", "[::ffff:ffff:ffff]", "[::ffff:127.0.0.1]", "[::ffff:8.8.8.8]", // IPv4-mapped
      "[64:ff9b::]", "[64:ff9b::ffff:ffff]", "[64:ff9b::8.8.8.8]", // NAT64
      "[64:ff9b:1::]", "[64:ff9b:1:ffff:ffff:ffff:ffff:ffff]", // local-use NAT64
      "[100::]", "[100::ffff:ffff:ffff:ffff]", // discard-only
      "[100:0:0:1::]", "[100:0:0:1:ffff:ffff:ffff:ffff]", // dummy prefix
      "[2001::]", "[2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff]", // IETF protocol assignments, TEREDO
      "[2001:1::1]", "[2001:1::3]", // PCP, DNS-SD anycast
      "[2001:2::]", "[2001:2:0:ffff:ffff:ffff:ffff:ffff]", // benchmarking
      "[2001:3::]", "[2001:4:112::]", // AMT, AS112-v6
      "[2001:10::]", "[2001:1f:ffff:ffff:ffff:ffff:ffff:ffff]", // ORCHID
      "[2001:20::]", "[2001:2f:ffff:ffff:ffff:ffff:ffff:ffff]", // ORCHIDv2
      "[2001:30::]", "[2001:3f:ffff:ffff:ffff:ffff:ffff:ffff]", // drone remote ID
      "[2001:db8::]", "[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]", // documentation
      "[2002::]", "[2002:808:808::1]", "[2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // 6to4
      "[2620:4f:8000::]", "[2620:4f:8000:ffff:ffff:ffff:ffff:ffff]", // AS112 direct delegation
      "[3fff::]", "[3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff]", // documentation
      "[5f00::]", "[5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // SRv6 SIDs
      "[fc00::]", "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // unique local
      "[fe80::]", "[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // link-local
      "[fec0::]", "[feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // site-local
      "[ff00::]", "[ff02::1]", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // multicast
      "[1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[4000::]", "[8000::]", "[e000::]", // outside 2000::/3
    ];
    expect(verdicts(refused)).toEqual(refused.map((h) => [h, V6]));
  });

  it("finding 8: IPv6 neighbours just outside the ranges inside 2000::/3 are accepted; those outside it are reserved", () => {
    const accepted = [
      "[2000::]", "[2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[2001:200::]", // around 2001::/23
      "[2001:db7:ffff:ffff:ffff:ffff:ffff:ffff]", "[2001:db9::]", // around 2001:db8::/32
      "[2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[2003::]", // around 2002::/16
      "[2620:4f:7fff:ffff:ffff:ffff:ffff:ffff]", "[2620:4f:8001::]", // around 2620:4f:8000::/48
      "[3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[3fff:1000::]", "[3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", // around 3fff::/20
      "[2606:4700::1111]", "[2a00:1450:4001::200e]",
    ];
    expect(verdicts(accepted)).toEqual(accepted.map((h) => [h, null]));
    // Neighbours of the rows outside 2000::/3 fall in reserved space: refused too.
    const reserved = [
      "[::2]", "[::fffe:ffff:ffff]", "[::1:0:0:0]", "[64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff]", "[64:ff9b:0:0:0:1::]", "[64:ff9b:2::]",
      "[ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[100:0:0:2::]", "[5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[5f01::]",
      "[fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[fe00::]", "[fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
    ];
    expect(verdicts(reserved)).toEqual(reserved.map((h) => [h, V6]));
  });

  it("finding 8: the first and last address of every row of the refusal tables is refused (prefix matcher over bytes)", () => {
    const ends = (cidr: string, width: 32 | 128): [bigint, bigint] => {
      const [addr = "", len = ""] = cidr.split("/");
      const value = width === 32 ? addr.split(".").reduce((v, b) => (v << 8n) | BigInt(b), 0n) : v6Value(addr);
      const host = (1n << BigInt(width - Number(len))) - 1n;
      return [value, value | host];
    };
    const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => (n >> s) & 255n).join(".");
    const v6 = (n: bigint) => `[${[112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((n >> s) & 0xffffn).toString(16)).join(":")}]`;
    const hosts = [
      ...IPV4_REFUSED.flatMap((cidr) => ends(cidr, 32).map(v4)),
      ...IPV6_REFUSED.flatMap((cidr) => ends(cidr, 128).map(v6)),
    ];
    expect(hosts.length).toBe(2 * (IPV4_REFUSED.length + IPV6_REFUSED.length));
    expect(verdicts(hosts)).toEqual(hosts.map((h) => [h, h.startsWith("[") ? V6 : V4]));
  });

  it("finding 8: decimal, hex, octal, short, full-width and percent-encoded IPv4 are normalised by URL to dotted decimal and refused", () => {
    const spellings = ["2130706433", "0x7f000001", "0x7f.1", "0x7f.0.0.0x1", "017700000001", "0177.0.0.1", "127.1", "127.0.1", "127.0.0.1.", "１２７.０.０.１", "127。0。0。1", "%31%32%37.0.0.1", "127.0.0.1%2e"];
    expect(spellings.map((h) => [h, new URL(`https://${h}/`).hostname])).toEqual(spellings.map((h) => [h, "127.0.0.1"]));
    expect(verdicts(spellings)).toEqual(spellings.map((h) => [h, V4]));
    // Metadata and private space through the same spellings.
    expect(verdicts(["0xa9fea9fe", "2852039166", "0251.0376.0251.0376", "0xc0.0xa8.1.1", "0xa.1", "0"])).toEqual([
      ["0xa9fea9fe", V4],
      ["2852039166", V4],
      ["0251.0376.0251.0376", V4],
      ["0xc0.0xa8.1.1", V4],
      ["0xa.1", V4],
      ["0", V4],
    ]);
    // And IPv6 spellings of embedded IPv4 are compressed to hex words first.
    expect(new URL("https://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
    expect(verdicts(["[0:0:0:0:0:ffff:7f00:1]", "[::127.0.0.1]"])).toEqual([
      ["[0:0:0:0:0:ffff:7f00:1]", V6],
      ["[::127.0.0.1]", V6],
    ]);
  });

  it("finding 8: refuses numeric hosts URL leaves alone (repeated trailing dots) that a resolver could still turn into an address", () => {
    const hosts = ["127.0.0.1..", "2130706433..", "0x7f.0.0.1..", "169.254.169.254...", "8.8.8.8.."];
    // URL does not normalise these …
    expect(hosts.map((h) => new URL(`https://${h}/`).hostname)).toEqual(hosts);
    // … so the policy refuses them outright.
    expect(verdicts(hosts)).toEqual(hosts.map((h) => [h, "webhook URL has an invalid host name"]));
    expect(verdicts(["a..example.com"])).toEqual([["a..example.com", "webhook URL has an invalid host name"]]);
  });
});

function v6Value(addr: string): bigint {
  const [head = "", tail] = addr.split("::");
  const words = (s: string) => (s ? s.split(":").map((w) => BigInt(parseInt(w, 16))) : []);
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = tail === undefined ? h : [...h, ...new Array<bigint>(8 - h.length - t.length).fill(0n), ...t];
  return all.reduce((v, w) => (v << 16n) | w, 0n);
}

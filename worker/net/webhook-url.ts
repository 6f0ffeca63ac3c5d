/**
 * Webhook URL policy (SPEC §7): https only (http only to a loopback host in dev), never an
 * address from the IANA special-purpose registries, multicast or reserved space, and never a
 * host name that only resolves inside a private network. Used when a model is validated and
 * again by the alert sender right before each delivery (a model stored under an older policy,
 * or a value that came from somewhere else, must not slip through).
 *
 * This checks the URL text only. A public name that resolves to a private address (DNS
 * rebinding) cannot be seen here; Workers' `fetch` does not reach private networks anyway.
 */

export interface WebhookUrlOptions {
  /** Local development: allow `http://localhost`, `http://127.0.0.1` and `http://[::1]`. */
  allowHttpLocalhost: boolean;
}

const MAX_URL_LENGTH = 2048;
const LOOPBACK_DEV_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Refused IPv4 space: every row of the IANA IPv4 Special-Purpose Address Registry (RFC 6890 and
 * updates; rows nested in a wider row follow it, marked "in …"), then multicast and the
 * reserved block. Refused whether or not the registry marks a row "globally reachable": anycast
 * relays and AS112 sinks are not webhook receivers.
 */
export const IPV4_REFUSED: readonly string[] = [
  "0.0.0.0/8", // "this network" (RFC 791)
  "0.0.0.0/32", // in 0/8: "this host on this network" (RFC 1122)
  "10.0.0.0/8", // private use (RFC 1918)
  "100.64.0.0/10", // shared address space, carrier-grade NAT (RFC 6598)
  "127.0.0.0/8", // loopback (RFC 1122)
  "169.254.0.0/16", // link local (RFC 3927), cloud metadata at 169.254.169.254
  "172.16.0.0/12", // private use (RFC 1918)
  "192.0.0.0/24", // IETF protocol assignments (RFC 6890)
  "192.0.0.0/29", // in 192.0.0.0/24: IPv4 service continuity prefix, DS-Lite (RFC 7335)
  "192.0.0.8/32", // in 192.0.0.0/24: IPv4 dummy address (RFC 7600)
  "192.0.0.9/32", // in 192.0.0.0/24: port control protocol anycast (RFC 7723)
  "192.0.0.10/32", // in 192.0.0.0/24: TURN anycast (RFC 8155)
  "192.0.0.170/32", // in 192.0.0.0/24: NAT64/DNS64 discovery (RFC 8880)
  "192.0.0.171/32", // in 192.0.0.0/24: NAT64/DNS64 discovery (RFC 8880)
  "192.0.2.0/24", // documentation, TEST-NET-1 (RFC 5737)
  "192.31.196.0/24", // AS112-v4 (RFC 7535)
  "192.52.193.0/24", // AMT (RFC 7450)
  "192.88.99.0/24", // deprecated 6to4 relay anycast (RFC 7526)
  "192.88.99.2/32", // in 192.88.99.0/24: 6a44 relay anycast (RFC 6751)
  "192.168.0.0/16", // private use (RFC 1918)
  "192.175.48.0/24", // direct delegation AS112 service (RFC 7534)
  "198.18.0.0/15", // benchmarking (RFC 2544)
  "198.51.100.0/24", // documentation, TEST-NET-2 (RFC 5737)
  "203.0.113.0/24", // documentation, TEST-NET-3 (RFC 5737)
  "224.0.0.0/4", // multicast (RFC 5771), not in the registry
  "240.0.0.0/4", // reserved (RFC 1112)
  "255.255.255.255/32", // in 240/4: limited broadcast (RFC 919)
];

/**
 * Refused IPv6 space: every row of the IANA IPv6 Special-Purpose Address Registry (RFC 6890 and
 * updates; nested rows marked "in …"), then everything outside 2000::/3, the only block IANA
 * allocates global unicast from (its IPv6 Address Space registry marks the rest reserved by the
 * IETF, unique local, link-local or multicast). Many registry rows lie in those last three too;
 * they stay listed so the table reads like the registry.
 */
export const IPV6_REFUSED: readonly string[] = [
  "::1/128", // loopback (RFC 4291)
  "::/128", // unspecified (RFC 4291)
  "::ffff:0:0/96", // IPv4-mapped (RFC 4291)
  "64:ff9b::/96", // IPv4/IPv6 translation, NAT64 well-known prefix (RFC 6052)
  "64:ff9b:1::/48", // local-use IPv4/IPv6 translation (RFC 8215)
  "100::/64", // discard-only (RFC 6666)
  "100:0:0:1::/64", // dummy IPv6 prefix (RFC 9780)
  "2001::/23", // IETF protocol assignments (RFC 2928)
  "2001::/32", // in 2001::/23: TEREDO (RFC 4380)
  "2001:1::1/128", // in 2001::/23: port control protocol anycast (RFC 7723)
  "2001:1::2/128", // in 2001::/23: TURN anycast (RFC 8155)
  "2001:1::3/128", // in 2001::/23: DNS-SD service registration protocol anycast (RFC 9665)
  "2001:2::/48", // in 2001::/23: benchmarking (RFC 5180)
  "2001:3::/32", // in 2001::/23: AMT (RFC 7450)
  "2001:4:112::/48", // in 2001::/23: AS112-v6 (RFC 7535)
  "2001:10::/28", // in 2001::/23: deprecated ORCHID (RFC 4843)
  "2001:20::/28", // in 2001::/23: ORCHIDv2 (RFC 7343)
  "2001:30::/28", // in 2001::/23: drone remote ID entity tags (RFC 9374)
  "2001:db8::/32", // documentation (RFC 3849)
  "2002::/16", // 6to4 (RFC 3056)
  "2620:4f:8000::/48", // direct delegation AS112 service (RFC 7534)
  "3fff::/20", // documentation (RFC 9637)
  "5f00::/16", // segment routing SRv6 SIDs (RFC 9602)
  "fc00::/7", // unique local (RFC 4193)
  "fe80::/10", // link-local unicast (RFC 4291)
  "fec0::/10", // deprecated site-local (RFC 3879), not in the registry
  "ff00::/8", // multicast (RFC 4291), not in the registry
  "::/3", // reserved by the IETF: ::/8, 100::/8, 200::/7, 400::/6, 800::/5, 1000::/4
  "4000::/2", // reserved by the IETF: 4000::/3, 6000::/3
  "8000::/1", // reserved by the IETF 8000::/3 … f800::/6, fe00::/9; and fc00::/7, fe80::/10, ff00::/8 above
];

interface Prefix {
  bytes: Uint8Array;
  bits: number;
}

const V4 = compile(IPV4_REFUSED, parseIpv4);
const V6 = compile(IPV6_REFUSED, parseIpv6);

/** Returns null when the URL is acceptable, otherwise a human-readable reason. */
export function checkWebhookUrl(url: string, opts: WebhookUrlOptions): string | null {
  if (typeof url !== "string" || url.length === 0) return "webhook URL is empty";
  if (url.length > MAX_URL_LENGTH) return `webhook URL is longer than ${MAX_URL_LENGTH} characters`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "webhook URL is not a valid absolute URL";
  }
  if (u.username !== "" || u.password !== "") return "webhook URL must not contain credentials";
  // WHATWG parsing already normalised the host: lower case, IPv4 in dotted decimal (also from
  // decimal, hex, octal and short spellings), IPv6 compressed in brackets. Drop the root dot.
  const host = u.hostname.replace(/\.$/, "");
  const devLoopback = opts.allowHttpLocalhost && LOOPBACK_DEV_HOSTS.has(host);

  if (u.protocol === "http:") {
    if (!devLoopback) {
      return opts.allowHttpLocalhost
        ? "webhook URL must use https (http only to localhost, 127.0.0.1 or [::1])"
        : "webhook URL must use https";
    }
    return null;
  }
  if (u.protocol !== "https:") return "webhook URL must use https";
  if (devLoopback) return null;
  if (host === "") return "webhook URL has no host";
  return checkHost(host);
}

function checkHost(host: string): string | null {
  if (host.startsWith("[")) {
    const a = parseIpv6(host.slice(1, -1));
    if (!a) return "webhook URL has an invalid IPv6 address";
    return refused(a, V6) ? "webhook URL points to a private or reserved IPv6 address" : null;
  }
  const labels = host.split(".");
  // "127.0.0.1.." is left alone by URL, and some resolvers strip the dots and connect to 127.0.0.1.
  if (labels.some((l) => l === "")) return "webhook URL has an invalid host name";
  // WHATWG's "ends in a number" rule: such a host is an IPv4 address, and URL has rewritten
  // every spelling it accepts to dotted decimal. Anything else that ends in a number was not
  // normalised (for example "2130706433.." above) and may still reach an address once resolved.
  if (/^(\d+|0x[0-9a-f]*)$/i.test(labels[labels.length - 1]!)) {
    const a = parseIpv4(host);
    if (!a) return "webhook URL has an IPv4 address in a non-standard form";
    return refused(a, V4) ? "webhook URL points to a private or reserved IPv4 address" : null;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return "webhook URL points to localhost";
  if (
    host.endsWith(".internal") ||
    host === "internal" ||
    host.endsWith(".local") ||
    host.endsWith(".home.arpa") ||
    host.endsWith(".lan")
  ) {
    // metadata.google.internal is covered by *.internal.
    return "webhook URL points to an internal host name";
  }
  // Single-label names ("intranet", "metadata") only resolve on private networks.
  if (!host.includes(".")) return "webhook URL host must be a public domain name";
  return null;
}

function refused(a: Uint8Array, table: readonly Prefix[]): boolean {
  return table.some((p) => inPrefix(a, p));
}

/** The mask of byte `i` of a prefix `bits` long. */
function byteMask(bits: number, i: number): number {
  return (0xff << (8 - Math.min(8, Math.max(0, bits - 8 * i)))) & 0xff;
}

function inPrefix(a: Uint8Array, p: Prefix): boolean {
  for (let i = 0; i * 8 < p.bits; i++) if ((a[i]! & byteMask(p.bits, i)) !== p.bytes[i]) return false;
  return true;
}

function compile(rows: readonly string[], parse: (s: string) => Uint8Array | null): Prefix[] {
  return rows.map((cidr) => {
    const [addr = "", len = ""] = cidr.split("/");
    const bytes = parse(addr);
    const bits = /^\d{1,3}$/.test(len) ? Number(len) : -1;
    // A typo in the table must fail loudly (the module's tests load it), not match nothing.
    if (!bytes || bits < 0 || bits > bytes.length * 8) throw new Error(`bad prefix ${cidr}`);
    if (bytes.some((b, i) => (b & ~byteMask(bits, i) & 0xff) !== 0)) throw new Error(`prefix ${cidr} has host bits set`);
    return { bytes, bits };
  });
}

/** Dotted decimal only, as URL writes it (no leading zeros): 4 bytes, or null. */
function parseIpv4(text: string): Uint8Array | null {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text);
  if (!m) return null;
  const bytes = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : null;
}

/** An IPv6 literal without brackets (a dotted IPv4 tail allowed): 16 bytes, or null. */
function parseIpv6(text: string): Uint8Array | null {
  let s = text;
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(s);
  if (tail?.[1]) {
    const v4 = parseIpv4(tail[1]);
    if (!v4) return null;
    s = s.slice(0, -tail[1].length) + ((v4[0]! << 8) | v4[1]!).toString(16) + ":" + ((v4[2]! << 8) | v4[3]!).toString(16);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const toWords = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    for (const w of part.split(":")) {
      if (!/^[0-9a-f]{1,4}$/i.test(w)) return null;
      out.push(parseInt(w, 16));
    }
    return out;
  };
  const head = toWords(halves[0] ?? "");
  const rest = halves.length === 2 ? toWords(halves[1] ?? "") : [];
  if (!head || !rest) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 1 && explicit !== 8) return null;
  if (halves.length === 2 && explicit > 7) return null;
  const words = halves.length === 2 ? [...head, ...new Array<number>(8 - explicit).fill(0), ...rest] : head;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

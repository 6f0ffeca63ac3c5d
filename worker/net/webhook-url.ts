/**
 * Webhook URL policy (SPEC §7): https only (http only to a loopback host in dev), never a
 * private, loopback, link-local or metadata address. Used when a model is validated and again by
 * the alert sender right before each delivery (a model stored under an older policy, or a value
 * that came from somewhere else, must not slip through).
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
  // hex/octal/integer spellings), IPv6 compressed in brackets. Drop a trailing root dot.
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
    const words = parseIpv6(host.slice(1, -1));
    if (!words) return "webhook URL has an invalid IPv6 address";
    return privateIpv6(words) ? "webhook URL points to a private or reserved IPv6 address" : null;
  }
  const v4 = parseIpv4(host);
  if (v4) return privateIpv4(v4) ? "webhook URL points to a private or reserved IPv4 address" : null;
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

function parseIpv4(host: string): [number, number, number, number] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as const;
  if (parts.some((p) => p > 255)) return null;
  return [parts[0], parts[1], parts[2], parts[3]];
}

function privateIpv4([a, b, c]: [number, number, number, number]): boolean {
  return (
    a === 0 || // 0.0.0.0/8 "this network"
    a === 10 || // 10/8
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // 100.64/10 carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata 169.254.169.254
    (a === 172 && b >= 16 && b <= 31) || // 172.16/12
    (a === 192 && b === 168) || // 192.168/16
    (a === 192 && b === 0 && c === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/** Parses an IPv6 literal (as normalised by URL) into 8 16-bit words. */
function parseIpv6(text: string): number[] | null {
  let s = text;
  // An embedded dotted IPv4 tail (URL normalises it away, but be tolerant): rewrite as two words.
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(s);
  if (tail?.[1]) {
    const v4 = parseIpv4(tail[1]);
    if (!v4) return null;
    const hi = ((v4[0] << 8) | v4[1]).toString(16);
    const lo = ((v4[2] << 8) | v4[3]).toString(16);
    s = s.slice(0, -tail[1].length) + hi + ":" + lo;
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
  const zeros = new Array<number>(8 - explicit).fill(0);
  return halves.length === 2 ? [...head, ...zeros, ...rest] : head;
}

function privateIpv6(w: number[]): boolean {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  const firstFiveZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  if (firstFiveZero && w5 === 0 && w6 === 0 && (w7 === 0 || w7 === 1)) return true; // :: and ::1
  if (firstFiveZero && w5 === 0xffff) return true; // IPv4-mapped ::ffff:a.b.c.d
  if (firstFiveZero && w5 === 0) return true; // IPv4-compatible ::a.b.c.d (deprecated)
  if (w0 === 0x64 && w1 === 0xff9b) return true; // NAT64 64:ff9b::/96 reaches IPv4 space
  if ((w0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((w0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((w0 & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((w0 & 0xff00) === 0xff00) return true; // multicast
  if (w0 === 0x2002) {
    // 6to4 embeds an IPv4 address in words 1-2.
    return privateIpv4([w1 >> 8, w1 & 0xff, w2 >> 8, w2 & 0xff]);
  }
  if (w0 === 0x2001 && w1 === 0xdb8) return true; // documentation
  return false;
}

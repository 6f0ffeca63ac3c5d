// The connecting client, as far as abuse controls need it: who is behind a
// request when visitor ids are whatever the client says. Known only as
// SHA-256(daily salt, site, address) — the address itself is never stored or
// logged, and once the day's salt is deleted (two days later, by the cron) no
// stored value can be tied back to an address. Plausible counts unique
// visitors the same way.
import { base64url, sha256Hex } from "../lib/crypto";
import type { DailySaltRow } from "../store/rows";
import { dayOf, deleteSaltsBefore, insertSalt, saltOf } from "../store/sites";

// One salt per day, created by whichever isolate needs it first (INSERT OR
// IGNORE makes concurrent creators agree on one) and then kept in memory.
const salts = new Map<number, Promise<string>>();

function saltFor(db: D1Database, day: number): Promise<string> {
  let s = salts.get(day);
  if (!s) {
    const fresh = base64url(crypto.getRandomValues(new Uint8Array(32)));
    s = db
      .batch([insertSalt(db, { day, salt: fresh }), saltOf(db, day)])
      .then((r) => (r[1]!.results[0] as Pick<DailySaltRow, "salt">).salt);
    // A failed read is not cached: the next request tries again.
    s.catch(() => salts.delete(day));
    if (salts.size > 3) salts.delete(salts.keys().next().value!);
    salts.set(day, s);
  }
  return s;
}

/**
 * The address a request came from: Cloudflare sets CF-Connecting-IP and a client
 * cannot override it. An IPv6 address counts as its /64 (one subscriber's
 * network: a client rotating addresses inside its prefix is still one client).
 */
export function clientAddress(req: Request): string | null {
  const ip = req.headers.get("cf-connecting-ip")?.trim();
  if (!ip) return null;
  if (!ip.includes(":")) return ip;
  return expandV6(ip)?.slice(0, 4).join(":") ?? ip;
}

function expandV6(ip: string): string[] | null {
  const [head, tail, extra] = ip.toLowerCase().split("::");
  if (extra !== undefined) return null;
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  if (tail === undefined && h.length !== 8) return null;
  const words = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
  return words.map((w) => w.replace(/^0+(?=.)/, ""));
}

/** The client key of a request for one site and day, or null when the address is unknown. */
export async function clientKey(db: D1Database, req: Request, siteId: string, now: number): Promise<string | null> {
  const address = clientAddress(req);
  if (!address) return null;
  const day = dayOf(now);
  return (await sha256Hex(`${await saltFor(db, day)}\u0000${siteId}\u0000${address}`)).slice(0, 32);
}

/** Forgets salts (and with them any link to an address) older than yesterday. */
export function purgeSalts(db: D1Database, now: number) {
  return deleteSaltsBefore(db, dayOf(now) - 1);
}

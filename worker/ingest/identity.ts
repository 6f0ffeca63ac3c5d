// Identity you can trust. A browser identify is a *claim*: anybody holding the
// public key can say any email. Verified identity comes from the site itself:
// server-side calls with the secret key, or a *signed identify* — the site's
// backend signs the email of its signed-in user (HMAC-SHA256 under the site's
// identity secret, as Intercom and Crisp do) and the snippet passes the
// signature along. Traits carry the strength of their source, and a weaker
// source never overwrites a stronger one.
import { hmacSha256Hex, safeEqual } from "../lib/crypto";
import type { Issue } from "../http/errors";
import type { Traits, WireEvent } from "./schema";

/** Trait source strengths: what a browser says < a signed identify < the site's server. */
export const STRENGTH = { browser: 1, signed: 2, server: 3 } as const;
export type Strength = (typeof STRENGTH)[keyof typeof STRENGTH];

/** The lower-cased, trimmed form an email is stored, matched and signed in. */
export function normalizeEmail(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const e = v.trim().toLowerCase();
  return e.length >= 3 && e.length <= 254 && e.includes("@") ? e : null;
}

/** The signature a site's backend computes for an email. */
export const identitySignature = (secret: string, email: string) => hmacSha256Hex(secret, email);

/**
 * Checks every signed identify event of a batch. Returns the email the batch
 * proved (the last signed one), or the issues of signatures that do not match:
 * a wrong signature is a bug in the site's backend (or an attack), reported as
 * a 400 rather than quietly downgraded to a claim.
 */
export async function verifySignedIdentify(events: WireEvent[], secret: string | null): Promise<{ email: string | null; issues: Issue[] }> {
  let email: string | null = null;
  const issues: Issue[] = [];
  for (const [i, e] of events.entries()) {
    if (e.signature === undefined) continue;
    const path = `events.${i}.signature`;
    const claimed = e.type === "identify" ? normalizeEmail(e.props?.email) : null;
    if (!claimed) {
      issues.push({ path, message: "a signature is only accepted on an identify event with an email" });
      continue;
    }
    if (!secret || !safeEqual(e.signature.toLowerCase(), await identitySignature(secret, claimed))) {
      issues.push({ path, message: "does not match: sign the lower-cased, trimmed email with the site's identity secret (hex HMAC-SHA256)" });
      continue;
    }
    email = claimed;
  }
  return { email, issues };
}

export interface TraitSet {
  traits: Traits;
  /** Strength per trait, for traits stronger than a browser's (absent = browser). */
  sources: Record<string, number>;
}

function parseJsonObject<T>(text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as T) : null;
  } catch {
    return null;
  }
}

export function storedTraits(row: { traits: string; trait_sources: string | null } | null): TraitSet {
  return { traits: parseJsonObject<Traits>(row?.traits) ?? {}, sources: parseJsonObject<Record<string, number>>(row?.trait_sources) ?? {} };
}

/**
 * The lead's traits after a request: a merged-away lead's traits fill only what
 * the target lacks; incoming traits apply where their strength is at least the
 * stored one's. Returns the traits and their sources.
 */
export function mergeTraits(from: TraitSet | null, target: TraitSet, incoming: Traits, strength: Strength): TraitSet {
  const traits: Traits = { ...from?.traits, ...target.traits };
  const sources: Record<string, number> = { ...from?.sources, ...target.sources };
  for (const k of Object.keys(target.traits)) if (target.sources[k] === undefined) delete sources[k];
  for (const [k, v] of Object.entries(incoming)) {
    if (strength < (sources[k] ?? STRENGTH.browser)) continue;
    traits[k] = v;
    if (strength > STRENGTH.browser) sources[k] = strength;
    else delete sources[k];
  }
  return { traits, sources };
}

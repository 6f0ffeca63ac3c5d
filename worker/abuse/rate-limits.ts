// Request limits on the public routes, counted by Cloudflare's Workers Rate
// Limiting binding (per location, shared by every isolate there), keyed on what
// a client cannot choose:
// - per connecting client (its salted address hash, see client.ts) and site: a
//   fixed ceiling (RL_CLIENT in wrangler.toml), whatever visitor ids it rotates;
// - per site: the site's own limit (rate_site_per_min), so one tenant's flood
//   never makes another tenant wait;
// - per visitor: the site's rate_visitor_per_min (SPEC §8), against runaway
//   loops of one browser (a visitor id is client-chosen, so this one is no
//   security control; the client limit is).
//
// A binding's limit is fixed in its configuration, while the site and visitor
// limits are per site. So those are counted by sampling: a binding that allows B
// per minute, consulted with probability B/L, is exhausted after about L
// requests (binomial; at the defaults the crossing lands within ±15 %). Once
// the binding refuses a key, every request for it is refused until the minute
// is over — a memo of the binding's answer, not a counter of its own.
export interface Limiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface LimitBindings {
  RL_CLIENT?: Limiter;
  RL_SITE?: Limiter;
  RL_VISITOR?: Limiter;
  /** Wrong operator tokens per client (see `countFailedGuess`). */
  RL_AUTH?: Limiter;
}

/** The per-minute allowance each binding is configured with (wrangler.toml `[[ratelimits]]`). */
export const BINDING_LIMITS = { client: 600, site: 600, visitor: 20 } as const;
/** The smallest site and visitor limits a site may set: the sampling needs limit ≥ the binding's. */
export const MIN_SITE_PER_MIN = BINDING_LIMITS.site;
export const MIN_VISITOR_PER_MIN = BINDING_LIMITS.visitor;

const WINDOW_MS = 60_000;
const refused = new Map<string, number>();

async function over(binding: Limiter | undefined, key: string, p: number, now: number, random: () => number): Promise<boolean> {
  if (!binding) return false;
  const until = refused.get(key);
  if (until !== undefined) {
    if (until > now) return true;
    refused.delete(key);
  }
  if (p < 1 && random() >= p) return false;
  const { success } = await binding.limit({ key });
  if (success) return false;
  if (refused.size > 10_000) refused.clear();
  refused.set(key, now - (now % WINDOW_MS) + WINDOW_MS);
  return true;
}

export interface LimitRequest {
  siteId: string;
  sitePerMin: number;
  visitorPerMin: number;
  client: string | null;
  visitor: string;
}

/** 0 when the request may go on, else the seconds to wait (Retry-After). */
export async function checkLimits(b: LimitBindings, r: LimitRequest, now: number, random: () => number = Math.random): Promise<number> {
  const sampled = (limit: number, per: number) => Math.min(1, per / Math.max(limit, 1));
  const limited =
    (await over(b.RL_SITE, `s:${r.siteId}`, sampled(r.sitePerMin, BINDING_LIMITS.site), now, random)) ||
    (r.client !== null && (await over(b.RL_CLIENT, `c:${r.siteId}:${r.client}`, 1, now, random))) ||
    (r.visitor !== "" && (await over(b.RL_VISITOR, `v:${r.siteId}:${r.visitor}`, sampled(r.visitorPerMin, BINDING_LIMITS.visitor), now, random)));
  return limited ? retryAfter(now) : 0;
}

const retryAfter = (now: number) => Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));

// Operator-token guesses (worker/http/auth.ts). The operator picks ADMIN_TOKEN,
// so it may be short enough to guess: wrong tokens are counted per client by
// RL_AUTH, and past its limit the client's operator calls are refused for the
// rest of the minute, the right token included (per isolate, from the memo the
// binding's refusal leaves), so guessing goes at about the binding's limit a
// minute.

/** 0 when the client may present the operator token, else the seconds to wait (Retry-After). */
export function guessesRefused(client: string, now: number): number {
  const until = refused.get(`g:${client}`);
  return until !== undefined && until > now ? retryAfter(now) : 0;
}

/** Counts a wrong operator token sent by `client`: 0, or the seconds to wait when that was one too many. */
export async function countFailedGuess(b: LimitBindings, client: string, now: number): Promise<number> {
  return (await over(b.RL_AUTH, `g:${client}`, 1, now, Math.random)) ? retryAfter(now) : 0;
}

// Retry schedule of alert webhooks: exponential backoff with jitter.
//
// Attempt 1 is immediate (right after the request that fired the alert). After the n-th failed
// attempt the next one waits 1 min · 3^(n−1), ±20 % jitter so that the alerts of one receiver
// outage do not all come back in lockstep: 1, 3, 9, 27, 81 min, 4 h 03, 12 h 09. That is 8
// attempts over about 18 hours (a full day with the cron's one-minute granularity and jitter);
// after the 8th failure the alert is `failed` and can be resent with POST /v1/admin/alerts/:id/retry.

export const MAX_ATTEMPTS = 8;
export const BASE_DELAY_MS = 60_000;
export const BACKOFF_FACTOR = 3;
export const JITTER = 0.2;

/** Delay before the next attempt, after `attempts` attempts have failed (1 ≤ attempts < MAX_ATTEMPTS). */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = BASE_DELAY_MS * BACKOFF_FACTOR ** Math.max(0, attempts - 1);
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * Time-weighted contributions of event-rule hits.
 *
 * Half-life without expiry: one accumulator per rule, `a` = Σ p·0.5^((ref − tᵢ)/H) kept relative
 * to a reference time `ref` (the latest hit). Moving `ref` forward rescales `a`, so `a` stays
 * within [min(p)·n, max(p)·n] however long the history, instead of growing like 2^(t/H) as an
 * epoch-based sum would. The value at `now` is a·0.5^((now − ref)/H).
 *
 * Expiry (with or without half-life): the hit times themselves, sorted, pruned once expired.
 * Both forms depend only on the hits in arrival order, never on when they were applied, so an
 * incremental state equals a full recompute bit for bit.
 */

export const DAY_MS = 86_400_000;

export interface HalfLifeAcc {
  a?: number;
  r?: number;
}

export function addHalfLife(acc: HalfLifeAcc, points: number, t: number, halfLifeMs: number): void {
  if (acc.a === undefined || acc.r === undefined) {
    acc.a = points;
    acc.r = t;
  } else if (t > acc.r) {
    acc.a = acc.a * Math.pow(0.5, (t - acc.r) / halfLifeMs) + points;
    acc.r = t;
  } else {
    acc.a += points * Math.pow(0.5, (acc.r - t) / halfLifeMs);
  }
}

/** Hits later than `now` (clock skew, clamped client times) count as if they happened now. */
export function halfLifeValue(acc: HalfLifeAcc, now: number, halfLifeMs: number): number {
  if (acc.a === undefined || acc.r === undefined) return 0;
  return acc.r >= now ? acc.a : acc.a * Math.pow(0.5, (now - acc.r) / halfLifeMs);
}

/** Index of the first time > cutoff in an ascending list. */
export function firstAfter(times: readonly number[], cutoff: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) > cutoff) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Inserts keeping ascending order; events mostly arrive in time order, so usually a push. */
export function insertSorted(times: number[], t: number): void {
  const last = times[times.length - 1];
  if (last === undefined || t >= last) {
    times.push(t);
    return;
  }
  times.splice(firstAfter(times, t), 0, t);
}

/** A hit counts while now − t < expiry, i.e. t > now − expiry. */
export function expiryCutoff(now: number, expireMs: number): number {
  return now - expireMs;
}

export function expiringValue(times: readonly number[], points: number, now: number, expireMs: number): number {
  return points * (times.length - firstAfter(times, expiryCutoff(now, expireMs)));
}

/** Sum in ascending time order (the same order in every path) for reproducible floats. */
export function expiringHalfLifeValue(
  times: readonly number[],
  points: number,
  now: number,
  expireMs: number,
  halfLifeMs: number,
): number {
  let sum = 0;
  for (let i = firstAfter(times, expiryCutoff(now, expireMs)); i < times.length; i++) {
    const t = times[i] as number;
    sum += t >= now ? points : points * Math.pow(0.5, (now - t) / halfLifeMs);
  }
  return sum;
}

/**
 * Time-weighted contributions of event-rule hits.
 *
 * Half-life without expiry: one accumulator per rule, `a` = Σ p·0.5^((ref − tᵢ)/H) kept relative
 * to a reference time `ref` (the latest hit). Moving `ref` forward rescales `a`, so `a` stays
 * within [min(p)·n, max(p)·n] however long the history, instead of growing like 2^(t/H) as an
 * epoch-based sum would. The value at `now` is a·0.5^((now − ref)/H). It depends only on the hits
 * in arrival order, never on when they were applied, so an incremental state equals a full
 * recompute bit for bit.
 *
 * Expiry (with or without half-life): the live hit times, ascending, encoded in `t` (codec.ts),
 * with the newest `l` and their number `m`. Hits found expired when an update computes its
 * figures are pruned; a state may still hold hits that expired since, so every figure skips them.
 *
 * Half-life with expiry: the value must not cost one pow per live hit, and must be the same
 * whichever hits a state happens to still hold and in whatever order they were added and
 * pruned. So each hit weighs a fixed-point integer, u(t) = round(2^32 · 0.5^((R − t)/H)), relative
 * to a reference R = ⌈l / H⌉·H derived from the newest hit (u ≤ 2^32), and `a` holds Σ u over the
 * hits in `t`. Integer sums are exact (below 2^53, i.e. up to 2^21 live hits per rule) and do not
 * depend on order, so adding, pruning and recomputing give the same `a` bit for bit, and the value
 * at `now`, p·(a − Σ u of expired hits)·2^-32·0.5^((now − R)/H), is the same in every path. When a
 * newer hit moves R forward (at most once per half-life of activity), `a` is recomputed.
 * Quantisation error: below p·2^-33 per hit, i.e. far below the 2-decimal figures.
 */
import { decodeList, encAbs, encNext, encodeList, ListReader } from "./codec";

export const DAY_MS = 86_400_000;

/**
 * 0.5^(dt/H), as exp(−dt·ln2/H): several times faster than a pow, and the one formula every
 * path uses (so figures stay bit-identical between them).
 */
export function halving(dt: number, halfLifeMs: number): number {
  return Math.exp((-dt * Math.LN2) / halfLifeMs);
}

export interface HalfLifeAcc {
  a?: number;
  r?: number;
}

export function addHalfLife(acc: HalfLifeAcc, points: number, t: number, halfLifeMs: number): void {
  if (acc.a === undefined || acc.r === undefined) {
    acc.a = points;
    acc.r = t;
  } else if (t > acc.r) {
    acc.a = acc.a * halving(t - acc.r, halfLifeMs) + points;
    acc.r = t;
  } else {
    acc.a += points * halving(acc.r - t, halfLifeMs);
  }
}

/** Hits later than `now` (clock skew, clamped client times) count as if they happened now. */
export function halfLifeValue(acc: HalfLifeAcc, now: number, halfLifeMs: number): number {
  if (acc.a === undefined || acc.r === undefined) return 0;
  return acc.r >= now ? acc.a : acc.a * halving(now - acc.r, halfLifeMs);
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

/** A hit counts while now − t < expiry, i.e. t > now − expiry. */
export function expiryCutoff(now: number, expireMs: number): number {
  return now - expireMs;
}

// ---------------------------------------------------------------------------------------------
// Expiring hit lists

export interface HitList {
  /** Half-life with expiry: Σ u(t) over the hits in `t` (see above). */
  a?: number | undefined;
  /** Hit times, ascending (codec.ts list). */
  t?: string | undefined;
  /** Newest hit time in `t`. */
  l?: number | undefined;
  /** Number of hits in `t`. */
  m?: number | undefined;
}

const SCALE = 2 ** 32;
const UNSCALE = 2 ** -32;
const reader = new ListReader();

function refTime(l: number, halfLifeMs: number): number {
  return Math.ceil(l / halfLifeMs) * halfLifeMs;
}

function unit(t: number, ref: number, halfLifeMs: number): number {
  return Math.round(halving(ref - t, halfLifeMs) * SCALE);
}

function unitSum(times: string, ref: number, halfLifeMs: number): number {
  let sum = 0;
  const r = reader.reset(times, 1);
  while (!r.done()) sum += unit(r.next(), ref, halfLifeMs);
  return sum;
}

/** Adds a hit time (the caller checked it is live); `halfLifeMs` 0 = expiry only. */
export function addExpiring(h: HitList, ts: number, halfLifeMs: number): void {
  const l = h.l;
  if (h.t === undefined || h.t === "" || l === undefined) {
    h.t = encAbs(ts);
    h.l = ts;
    h.m = 1;
    if (halfLifeMs > 0) h.a = unit(ts, refTime(ts, halfLifeMs), halfLifeMs);
    return;
  }
  h.m = (h.m ?? 0) + 1;
  if (ts >= l) {
    h.t += encNext(l, ts, 1);
    h.l = ts;
    if (halfLifeMs > 0) {
      const before = refTime(l, halfLifeMs);
      const ref = refTime(ts, halfLifeMs);
      h.a = ref === before ? (h.a ?? 0) + unit(ts, ref, halfLifeMs) : unitSum(h.t, ref, halfLifeMs);
    }
    return;
  }
  // Out of time order (a late event): rebuild the list.
  const times = decodeList(h.t, 1);
  times.splice(firstAfter(times, ts), 0, ts);
  h.t = encodeList(times, 1);
  if (halfLifeMs > 0) h.a = (h.a ?? 0) + unit(ts, refTime(l, halfLifeMs), halfLifeMs);
}

/** Drops hits with t ≤ cutoff; true when something changed. */
export function pruneExpiring(h: HitList, cutoff: number, halfLifeMs: number): boolean {
  const t = h.t;
  if (t === undefined || t === "" || h.l === undefined) return false;
  const ref = halfLifeMs > 0 ? refTime(h.l, halfLifeMs) : 0;
  const r = reader.reset(t, 1);
  let k = 0;
  let sub = 0;
  while (!r.done()) {
    const v = r.next();
    if (v > cutoff) {
      if (k === 0) return false;
      h.t = encAbs(v) + t.slice(r.pos);
      h.m = (h.m ?? 0) - k;
      if (halfLifeMs > 0) h.a = (h.a ?? 0) - sub;
      return true;
    }
    k++;
    if (halfLifeMs > 0) sub += unit(v, ref, halfLifeMs);
  }
  h.t = h.l = h.m = h.a = undefined;
  return true;
}

let skipped = false;

/** Whether the last expiringValue / expiringHalfLifeValue call skipped expired hits (worth pruning). */
export function skippedExpired(): boolean {
  return skipped;
}

/** Expiry only: p per live hit. */
export function expiringValue(h: HitList, points: number, now: number, expireMs: number): number {
  const t = h.t;
  if (t === undefined || t === "") return 0;
  const cutoff = expiryCutoff(now, expireMs);
  const r = reader.reset(t, 1);
  let expired = 0;
  while (!r.done() && r.next() <= cutoff) expired++;
  skipped = expired > 0;
  return points * ((h.m ?? 0) - expired);
}

/** Half-life with expiry: O(1) amortised (expired hits since the last update, future hits). */
export function expiringHalfLifeValue(h: HitList, points: number, now: number, expireMs: number, halfLifeMs: number): number {
  const t = h.t;
  const l = h.l;
  if (t === undefined || t === "" || l === undefined) return 0;
  const cutoff = expiryCutoff(now, expireMs);
  const ref = refTime(l, halfLifeMs);
  let sum = h.a ?? 0;
  const r = reader.reset(t, 1);
  skipped = false;
  while (!r.done()) {
    const v = r.next();
    if (v > cutoff) break;
    sum -= unit(v, ref, halfLifeMs);
    skipped = true;
  }
  let future = 0;
  if (l >= now) {
    // Hits at or after `now` count in full (rare: clamped clock skew).
    r.reset(t, 1);
    while (!r.done()) {
      const v = r.next();
      if (v >= now && v > cutoff) {
        sum -= unit(v, ref, halfLifeMs);
        future++;
      }
    }
  }
  return points * (sum * UNSCALE) * halving(now - ref, halfLifeMs) + points * future;
}

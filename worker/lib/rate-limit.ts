// Fixed-window request counters kept in the isolate's memory. Like Cloudflare's
// own rate-limiting binding they are per location and approximate across
// isolates, which is what a limit against floods needs; in exchange they cost no
// D1 read or write on the hot path. Windows are one minute.
const WINDOW_MS = 60_000;
const MAX_KEYS = 50_000;

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();

  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string, limit: number, now: number): number {
    const start = now - (now % WINDOW_MS);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size >= MAX_KEYS) this.sweep(start);
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > limit ? Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) : 0;
  }

  private sweep(current: number) {
    for (const [k, w] of this.windows) if (w.start !== current) this.windows.delete(k);
    if (this.windows.size >= MAX_KEYS) this.windows.clear();
  }
}

export const limiter = new RateLimiter();

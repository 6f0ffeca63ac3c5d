// Item-to-item co-views, kept up to date at a bounded cost per product view:
// a product viewed in a session is paired (both directions) with each distinct
// product viewed before it in that session, at most RECENT of them, once per
// session and pair. So one product view writes at most 2·RECENT co-view rows.
export const RECENT = 10;

export interface CoView {
  a: string;
  b: string;
  n: number;
}

export interface SessionProducts {
  session: string;
  /** Products viewed earlier in the session (stored on the session row). */
  before: string[];
  /** Product ids viewed in this batch, in order. */
  viewed: string[];
}

/** Pairs to add and each session's new recent list. Pure. */
export function coViews(sessions: SessionProducts[]): { pairs: CoView[]; recent: Map<string, string[]> } {
  const counts = new Map<string, CoView>();
  const recent = new Map<string, string[]>();
  for (const s of sessions) {
    let prev = s.before.slice(-RECENT);
    for (const p of s.viewed) {
      if (prev.includes(p)) continue;
      for (const q of prev) {
        for (const [a, b] of [[p, q], [q, p]] as const) {
          const k = `${a}\u0000${b}`;
          const c = counts.get(k);
          if (c) c.n++;
          else counts.set(k, { a, b, n: 1 });
        }
      }
      prev = [...prev, p].slice(-RECENT);
    }
    recent.set(s.session, prev);
  }
  return { pairs: [...counts.values()], recent };
}

// What the previous request of a visitor left in this isolate: its lead row,
// score states, promo codes, the site's models and the session's recent
// products, as they are after that request's write. A beacon from the same
// visitor (the common case: a visit is many beacons) then skips the read round
// trip. Never trusted blindly: the write batch's guard checks the lead version,
// the visitor's mapping, the models and the event ids against D1, and any
// mismatch rolls the batch back and retries with a fresh read.
import type { HeldCode } from "../promos/promos";
import type { LeadRow } from "../store/leads/ingest";
import type { ModelRow, ScoreRow } from "../store/scores/ingest";

export interface Snapshot {
  byVisitor: LeadRow | null;
  byEmail: LeadRow | null;
  models: ModelRow[];
  states: ScoreRow[];
  existing: Set<string>;
  held: HeldCode[];
  sessionProducts: Map<string, string[]>;
  /** The site is fenced in this shard (it moved): known only from a fresh read. */
  fenced?: boolean;
}

const MAX_ENTRIES = 2000;
// Event ids a visitor's entry remembers (stored by this isolate's writes, or seen
// stored by its reads): a resend of one of its recent beacons, the snippet's retry
// after a lost answer, is then answered with no round trip at all.
const MAX_IDS = 100;

/** The ids stored so far, the newest `MAX_IDS` of them. */
export function remember(existing: Set<string>, ids: string[]): Set<string> {
  const all = [...existing, ...ids];
  return new Set(all.length > MAX_IDS ? all.slice(-MAX_IDS) : all);
}
// Big states are not kept: memory is 128 MB per isolate, and such leads are rare.
const MAX_STATE_CHARS = 16_000;
const entries = new Map<string, Snapshot>();

const key = (siteId: string, visitor: string) => `${siteId}\u0000${visitor}`;

export const leadCache = {
  get(siteId: string, visitor: string): Snapshot | null {
    const k = key(siteId, visitor);
    const s = entries.get(k);
    if (!s) return null;
    // Least recently used goes first: re-insert on use.
    entries.delete(k);
    entries.set(k, s);
    return s;
  },
  set(siteId: string, visitor: string, s: Snapshot) {
    if (s.states.some((r) => r.state.length > MAX_STATE_CHARS)) return this.delete(siteId, visitor);
    const k = key(siteId, visitor);
    entries.delete(k);
    entries.set(k, s);
    if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  },
  delete(siteId: string, visitor: string) {
    entries.delete(key(siteId, visitor));
  },
  clear() {
    entries.clear();
  },
};

export const modelsSignature = (rows: ModelRow[]) => rows.map((r) => `${r.name}:${r.version}`).join(",");

// The site's models as last read, for requests that skip the read round trip.
// The guard compares their signature with D1's, so a stale entry only costs a retry.
const modelsBySite = new Map<string, ModelRow[]>();

export const modelsCache = {
  get: (siteId: string) => modelsBySite.get(siteId) ?? null,
  set(siteId: string, rows: ModelRow[]) {
    if (modelsBySite.size > 1000) modelsBySite.clear();
    modelsBySite.set(siteId, rows);
  },
};

/**
 * The snippet's ids start with their creation time (`Date.now().toString(36)`).
 * A visitor id made in the last ten minutes that this isolate has not seen is
 * almost always a first beacon: its lead does not exist yet, so there is
 * nothing to read. Ids in any other format are never guessed about.
 */
export function looksNew(visitor: string, now: number): boolean {
  if (!/^[0-9a-z]{8}[0-9a-z]/.test(visitor)) return false;
  const created = parseInt(visitor.slice(0, 8), 36);
  return created > now - 10 * 60_000 && created <= now + 60_000;
}

/** What a first beacon's read would return: no lead, no state, nothing stored. */
export function newVisitorSnapshot(models: ModelRow[], sessions: string[]): Snapshot {
  return { byVisitor: null, byEmail: null, models, states: [], existing: new Set(), held: [], sessionProducts: new Map(sessions.map((s) => [s, []])) };
}

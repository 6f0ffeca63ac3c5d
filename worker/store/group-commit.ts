// Group commit for the write batches of one site in this isolate. Every D1
// call costs the same fixed round trip whatever it holds, and a database runs
// its calls one after another, so under load the calls, not the rows, are the
// ceiling of a shard. While one request's batch is in flight, the batches that
// arrive for the same site wait; when it returns, the first of them takes the
// others along in one D1 batch (one round trip, one transaction). A request
// alone (any quiet moment) goes at once: grouping never adds a wait of its own.
//
// Each request's statements stay together and in order, its guard first, so
// each request is still all-or-nothing. A group that fails is not picked apart
// (D1 rolled all of it back): every member runs alone again, where its own
// guard decides — one more round trip, for that group only. Groups are per
// site, so one tenant's failing writes never cost another tenant a thing.
//
// The group's D1 call is made by one of its members, in its own request (a
// request's I/O ends with it, so a member never depends on a finished one).
// Should that member's request be cancelled mid-call, the others stop waiting
// after STALL_MS and run alone; their guards sort out whether the group landed.
// A newcomer that finds the lane's call older than that starts a lane of its own.

/** What a waiting member learns. */
type Turn =
  | { kind: "lead"; group: Member[] }
  | { kind: "done"; results: D1Result[]; size: number }
  /** Run alone: the group failed (after: 2 calls) or its leader is gone (1: the lost call is not counted). */
  | { kind: "alone"; after: 1 | 2 };

interface Member {
  stmts: D1PreparedStatement[];
  tell: (t: Turn) => void;
}

interface Lane {
  /** The members waiting for the batch in flight to return. */
  waiting: Member[];
  /** When the batch in flight began (a stalled lane is abandoned). */
  since: number;
}

/** Statements per group at most: D1 runs a batch as one transaction, keep it short. */
export const MAX_GROUP_STATEMENTS = 100;
/**
 * A group not back after this long is given up on by its other members. A D1 call takes
 * milliseconds; running alone early is safe (the guard refuses a second copy of a write that
 * landed after all), waiting long is what a client cancelling its own request could inflict.
 */
const STALL_MS = 5_000;

export interface GroupOptions {
  now?: () => number;
  /** How long members wait for a group's leader before they run alone. */
  stallMs?: number;
}

const lanes = new WeakMap<D1Database, Map<string, Lane>>();

export interface GroupedRun {
  results: D1Result[];
  /** How many requests shared the D1 call that wrote these statements (1: alone). */
  groupSize: number;
  /** The D1 calls this request waited for: 1, or 2 when its group failed or stalled and it then ran alone. */
  roundTrips: number;
}

/**
 * Runs `stmts` as one transaction, together with the other requests of `key`
 * (a site) waiting at the same time on this database. Throws what D1 threw
 * when the statements, run alone, fail.
 */
export async function runGrouped(db: D1Database, key: string, stmts: D1PreparedStatement[], opts: GroupOptions = {}): Promise<GroupedRun> {
  const now = opts.now ?? Date.now;
  const stallMs = opts.stallMs ?? STALL_MS;
  let byKey = lanes.get(db);
  if (!byKey) lanes.set(db, (byKey = new Map()));
  const lane = byKey.get(key);
  if (!lane || now() - lane.since > stallMs) {
    const mine: Lane = { waiting: [], since: now() };
    byKey.set(key, mine);
    return lead(db, byKey, key, mine, [], stmts, now);
  }
  const turn = await wait(lane, stmts, stallMs);
  if (turn.kind === "done") return { results: turn.results, groupSize: turn.size, roundTrips: 1 };
  if (turn.kind === "alone") return { results: await db.batch(stmts), groupSize: 1, roundTrips: turn.after };
  return lead(db, byKey, key, lane, turn.group, stmts, now);
}

function wait(lane: Lane, stmts: D1PreparedStatement[], stallMs: number): Promise<Turn> {
  return new Promise<Turn>((resolve) => {
    let settled = false;
    const tell = (t: Turn) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(t);
    };
    const me: Member = { stmts, tell };
    const timer = setTimeout(() => {
      const i = lane.waiting.indexOf(me);
      if (i >= 0) lane.waiting.splice(i, 1);
      tell({ kind: "alone", after: 1 });
    }, stallMs);
    lane.waiting.push(me);
  });
}

/** Runs the caller's statements and `others`' as one batch, then hands the lane on. */
async function lead(db: D1Database, byKey: Map<string, Lane>, key: string, lane: Lane, others: Member[], stmts: D1PreparedStatement[], now: () => number): Promise<GroupedRun> {
  lane.since = now();
  try {
    if (others.length === 0) return { results: await db.batch(stmts), groupSize: 1, roundTrips: 1 };
    let all: D1Result[];
    try {
      all = await db.batch([...stmts, ...others.flatMap((m) => m.stmts)]);
    } catch {
      // Whose statements failed is not known: each member finds out alone.
      for (const m of others) m.tell({ kind: "alone", after: 2 });
      return { results: await db.batch(stmts), groupSize: 1, roundTrips: 2 };
    }
    let at = stmts.length;
    for (const m of others) {
      m.tell({ kind: "done", results: all.slice(at, at + m.stmts.length), size: others.length + 1 });
      at += m.stmts.length;
    }
    return { results: all.slice(0, stmts.length), groupSize: others.length + 1, roundTrips: 1 };
  } finally {
    handOn(byKey, key, lane);
  }
}

/** The next group (the longest prefix of the waiting line within the statement cap) gets a leader. */
function handOn(byKey: Map<string, Lane>, key: string, lane: Lane): void {
  if (byKey.get(key) !== lane) {
    // The lane was given up for stalled and replaced meanwhile: its waiters go alone now.
    for (const m of lane.waiting.splice(0)) m.tell({ kind: "alone", after: 1 });
    return;
  }
  if (lane.waiting.length === 0) {
    byKey.delete(key);
    return;
  }
  let n = 0;
  let count = 0;
  while (n < lane.waiting.length && (n === 0 || count + lane.waiting[n]!.stmts.length <= MAX_GROUP_STATEMENTS)) count += lane.waiting[n++]!.stmts.length;
  const group = lane.waiting.splice(0, n);
  group[0]!.tell({ kind: "lead", group: group.slice(1) });
}

// The ingest executor shared by /v1/collect (browser) and /v1/admin/events
// (server signals): read what the decision needs (RT1), let the pure planner
// (plan.ts) decide, run its writes as one D1 batch (RT2), and retry when the
// batch lost a race. Two round trips in the common case; a third only to read
// history after a merge or a model change; one when this isolate remembers the
// visitor (or it is a new visitor's first beacon), which the guard verifies.
//
// Concurrency: the write batch starts with a guard that fails the whole batch
// when another request changed the lead (its version) or stored one of these
// events since our read (store/leads/guard.ts); that comes back as a
// WriteConflict and we re-read and re-plan. So the stored score is always the
// engine applied to exactly the stored events, in arrival order, as a full
// recompute would give: optimistic concurrency, one transaction per request,
// no locks held across round trips.
import { ApiError } from "../http/errors";
import { randomToken } from "../lib/crypto";
import { allocationStatements } from "../promos/promos";
import { insertAlert } from "../store/alerts-outbox";
import { newStats, noop, rowsOf, runBatch, WriteConflict, type D1Stats } from "../store/batch";
import { catalogSql } from "../store/catalog";
import { existingEvents, history, insertEvents, type EventRow } from "../store/events/ingest";
import { fencedHere, guard, GuardedBatchFailed, lostRace, runGuardedOnce } from "../store/leads/guard";
import * as leads from "../store/leads/ingest";
import { promoSql, type HeldCode } from "../store/promos";
import { insertConversion, markConverted } from "../store/reports";
import { scoresOf, siteModelRows, upsertScores, type ModelRow, type ScoreRow } from "../store/scores/ingest";
import { normalizeEmail } from "./identity";
import { leadCache, looksNew, modelsCache, modelsSignature, newVisitorSnapshot, type Snapshot } from "./lead-cache";
import { batchTraits, normalizeEvents, type EventSource } from "./normalize";
import { inTurn } from "./visitor-turns";
import { planIngest, type IngestSite, type Plan, type PlanRequest, type Write } from "./plan";
import type { Traits, WireEvent } from "./schema";
import type { ModelOutcome } from "./score-models";

export type { IngestSite } from "./plan";

export interface IngestInput {
  site: IngestSite;
  source: EventSource;
  visitor: string | null;
  /** Server calls only: the email the events are about (verified: the server speaks for it). */
  email: string | null;
  /** Browser calls: the email a signed identify in this batch proved (identity.ts). */
  verifiedEmail?: string | null;
  /** Browser calls: the connecting client's salted hash, for the promo caps. */
  client?: string | null;
  /** The owner accepts a claim: the visitor's lead merges into the email's holder (resolve.ts acceptClaim). */
  acceptClaim?: boolean;
  session: string | undefined;
  events: WireEvent[];
  traits: Traits | undefined;
  country: string | null;
  now: number;
}

export interface IngestOutcome {
  leadId: string;
  accepted: number;
  duplicates: number;
  outcomes: ModelOutcome[];
  /** Promo codes the lead holds after this request. */
  codes: HeldCode[];
  /** Alerts this request wrote (pending delivery). */
  alertIds: string[];
  /** D1 figures of this request, for benchmarks and the bench script. */
  stats: D1Stats & { attempts: number };
}

const MAX_ATTEMPTS = 40;

export async function ingest(db: D1Database, input: IngestInput): Promise<IngestOutcome> {
  const { events, repeated } = normalizeEvents(input.events, input.session, input.now, input.source, input.site.keepParams);
  const traits = batchTraits(events, input.traits);
  const req: PlanRequest = {
    site: input.site,
    source: input.source,
    visitor: input.visitor,
    email: normalizeEmail(traits.email) ?? input.email,
    verifiedEmail: input.verifiedEmail ?? null,
    client: input.client ?? null,
    acceptClaim: input.acceptClaim === true,
    country: input.country,
    events,
    repeated,
    traits,
    now: input.now,
  };
  return req.visitor ? inTurn(`${req.site.id}\u0000${req.visitor}`, () => attempts(db, req)) : attempts(db, req);
}

async function attempts(db: D1Database, req: PlanRequest): Promise<IngestOutcome> {
  const stats = { ...newStats(), attempts: 0 };
  let failed: GuardedBatchFailed | null = null;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    stats.attempts = attempt;
    try {
      return await attemptIngest(db, req, stats, attempt, failed);
    } catch (err) {
      // Whatever this isolate remembered of the visitor is not to be trusted now.
      if (req.visitor) leadCache.delete(req.site.id, req.visitor);
      // A failed write is judged by the next attempt's read (a lost race, or a real error).
      failed = err instanceof GuardedBatchFailed ? err : null;
      if (!failed && !(err instanceof WriteConflict)) throw err;
      // Another request for this lead probably won the race: back off a little,
      // with jitter so a burst of retries does not collide again in lockstep.
      await sleep(Math.random() * Math.min(50, 2 * attempt));
    }
  }
  throw new ApiError(503, "busy", "Too many concurrent writes for this lead; retry shortly.", undefined, { "Retry-After": "1" });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RT1: everything the decision needs, in one batch. */
async function readSnapshot(db: D1Database, req: PlanRequest, viewedSessions: string[], stats: D1Stats): Promise<Snapshot> {
  const { site, visitor, email } = req;
  const none = noop(db);
  const rt1 = await runBatch(
    db,
    [
      visitor ? leads.leadByVisitor(db, site.id, visitor) : none,
      email ? leads.leadByEmail(db, site.id, email) : none,
      siteModelRows(db, site.id),
      scoresOf(db, site.id, visitor, email),
      existingEvents(db, site.id, req.events.map((e) => e.id)),
      promoSql.heldByVisitorOrEmail(db, site.id, visitor, email),
      viewedSessions.length ? leads.sessionProducts(db, site.id, viewedSessions) : none,
      fencedHere(db, site.id),
    ],
    stats,
  );
  return {
    byVisitor: rowsOf<leads.LeadRow>(rt1[0])[0] ?? null,
    byEmail: rowsOf<leads.LeadRow>(rt1[1])[0] ?? null,
    models: rowsOf<ModelRow>(rt1[2]),
    states: rowsOf<ScoreRow>(rt1[3]),
    existing: new Set(rowsOf<{ id: string }>(rt1[4]).map((r) => r.id)),
    held: rowsOf<HeldCode>(rt1[5]),
    sessionProducts: new Map(rowsOf<{ id: string; products: string | null }>(rt1[6]).map((r) => [r.id, r.products ? (JSON.parse(r.products) as string[]) : []])),
    fenced: rowsOf<{ fenced: number }>(rt1[7])[0]?.fenced === 1,
  };
}

/** What a fresh snapshot says about a failed batch's guard (store/leads/guard.ts lostRace). */
function guardView(snap: Snapshot): Parameters<typeof lostRace>[1] {
  const versions = new Map<string, number>();
  for (const l of [snap.byVisitor, snap.byEmail]) if (l) versions.set(l.id, l.version);
  return { versions, visitorLead: snap.byVisitor?.id ?? null, modelsSignature: modelsSignature(snap.models), existing: snap.existing, fenced: snap.fenced === true };
}

async function attemptIngest(db: D1Database, req: PlanRequest, stats: IngestOutcome["stats"], attempt: number, failed: GuardedBatchFailed | null): Promise<IngestOutcome> {
  const { site, visitor, now } = req;
  const viewedSessions = [...new Set(req.events.filter((e) => e.type === "product_view" && e.sessionId).map((e) => e.sessionId!))];

  // The read is skipped when this isolate holds the visitor's state from its
  // previous request, or for a first beacon (a new snippet visitor id this
  // isolate has not seen): there is nothing to read yet. Claims of an email
  // always read: they may merge leads. The guard checks both guesses.
  const skipRead = !!visitor && !req.email && attempt === 1;
  const cached = skipRead ? leadCache.get(site.id, visitor) : null;
  const siteModelsRows = skipRead && !cached && looksNew(visitor, now) ? modelsCache.get(site.id) : null;
  const snap =
    cached && viewedSessions.every((s) => cached.sessionProducts.has(s))
      ? cached
      : siteModelsRows
        ? newVisitorSnapshot(siteModelsRows, viewedSessions)
        : await readSnapshot(db, req, viewedSessions, stats);
  modelsCache.set(site.id, snap.models);
  // The previous attempt's write failed: unless this read shows why (a lost race), it was a real error.
  if (failed && !lostRace(failed, guardView(snap))) throw failed.cause;

  const newId = () => "al_" + randomToken(12);
  let step = await planIngest(req, snap, null, newId);
  if (step.kind === "history") {
    // RT1b (rare): the history for a merge or a stale model state.
    const h = await runBatch(db, [history(db, step.target, step.merged)], stats);
    step = await planIngest(req, snap, rowsOf<EventRow>(h[0]), newId);
  }
  if (step.kind !== "plan") throw new Error("the planner asked for history twice");
  const plan = step.plan;
  const result = { leadId: plan.leadId, accepted: plan.accepted, duplicates: plan.duplicates, outcomes: plan.outcomes, alertIds: plan.alertIds, stats };
  if (plan.writes.length === 0) {
    // A resend (nothing new). A fresh read shows the visitor as D1 has it now: keep that, or the
    // visitor's next beacon, no longer remembered after the failed attempt, would be guessed a
    // new visitor's first (looksNew), fail its guard and need a third round trip.
    if (visitor && !req.email && snap !== cached) leadCache.set(site.id, visitor, { ...snap, byEmail: null });
    return { ...result, codes: plan.codes };
  }

  // RT2: one batch, one transaction; a lost race comes back as a WriteConflict.
  const rt2 = await runGuardedOnce(db, plan.writes.flatMap((w) => statements(db, req, plan, w)), plan.guard, plan.eventIds, stats);
  const codes = plan.writes[plan.writes.length - 1]!.op === "readCodes" ? rowsOf<HeldCode>(rt2[rt2.length - 1]) : plan.codes;
  if (visitor && plan.next) leadCache.set(site.id, visitor, { ...plan.next, held: codes });
  return { ...result, codes };
}

/** The store statement(s) of one planned write. */
function statements(db: D1Database, req: PlanRequest, plan: Plan, w: Write): D1PreparedStatement[] {
  const siteId = req.site.id;
  const now = req.now;
  switch (w.op) {
    case "events":
      return [insertEvents(db, siteId, w.leadId, w.visitor, w.events, w.after, now, plan.guard)];
    case "guard":
      return [guard(db, plan.guard)];
    case "evictClaim":
      return [leads.evictClaim(db, w.lead)];
    case "insertLead":
      return [leads.insertLead(db, w.lead)];
    case "updateLead":
      return [leads.updateLead(db, w.lead, w.before)];
    case "merge":
      return leads.mergeLead(db, w.from, w.into, w.offset);
    case "mapVisitor":
      return [leads.mapVisitor(db, siteId, w.visitor, w.leadId, now)];
    case "session":
      return [leads.touchSession(db, siteId, w.leadId, w.visitor, w.touch, w.country, w.products)];
    case "scores":
      return [upsertScores(db, siteId, now, w.rows)];
    case "alert":
      return [insertAlert(db, w.alert)];
    case "products":
      return [catalogSql.upsert(db, siteId, now, w.items)];
    case "productUrls":
      return [catalogSql.fillUrls(db, siteId, w.items)];
    case "coViews":
      return [catalogSql.coViews(db, siteId, w.pairs)];
    case "allocate":
      return allocationStatements(db, siteId, [w.allocation], w.leadId, now, w.who);
    case "readCodes":
      return [promoSql.heldBy(db, siteId, w.leadId)];
    case "conversions":
      return w.items.flatMap((x) => [insertConversion(db, siteId, w.leadId, x.value, x.ts), markConverted(db, siteId, w.leadId, x.value, x.ts)]);
  }
}

/** Dev only: what a request cost in D1 (X-EdgeScore-D1), for the benchmarks. */
export function d1Stats(s: IngestOutcome["stats"]): string {
  return `rt=${s.roundTrips}; read=${s.rowsRead}; written=${s.rowsWritten}; attempts=${s.attempts}; d1ms=${s.d1Ms.toFixed(2)}; size=${s.dbBytes}; group=${s.groupSize}`;
}

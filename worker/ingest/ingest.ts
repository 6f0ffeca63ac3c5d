// The ingest pipeline shared by /v1/collect (browser) and /v1/admin/events
// (server signals): resolve the lead, score it under every model, write it all
// in one D1 batch. Two round trips in the common case (read, write); a third
// only to read history after a merge or a model change.
//
// Concurrency: the write batch starts with a guard that fails the whole batch
// when another request changed the lead (its version) or stored one of these
// events since our read. We then re-read and recompute. So the stored score is
// always the engine applied to exactly the stored events, in arrival order, as
// a full recompute would give: optimistic concurrency, at one D1 transaction
// per request, with no locks held across round trips.
import type { Site } from "../sites/sites";
import { randomToken } from "../lib/crypto";
import { ApiError } from "../http/errors";
import { batchTraits, normalizeEvents, sessionTouches, type EventSource, type StoredEvent } from "./normalize";
import { allocationStatements, holdingPromos, promoSql, toAllocate, type HeldCode, type Requester } from "../promos/promos";
import { mergeTraits, normalizeEmail, STRENGTH, storedTraits, type TraitSet } from "./identity";
import { leadCache, looksNew, modelsCache, modelsSignature, newVisitorSnapshot, type Snapshot } from "./lead-cache";
import { catalogFromEvents, catalogSql } from "../recommend/catalog";
import { coViews } from "../recommend/coviews";
import { acceptClaim, resolveLead } from "./resolve";
import type { Traits, WireEvent } from "./schema";
import { needsHistory, rowToScoreEvent, scoreModels, siteModels, toScoreEvent, type ModelOutcome } from "./score-models";
import { CONFLICT_MARK, guard, reads, scoreWrite, toScoreRow, writes, type GuardSpec, type EventRow, type ScoreWrite, type LeadRow, type ModelRow, type ScoreRow } from "./store";

/** What ingest needs of a site: URL and catalog rules, never its secrets. */
export type IngestSite = Pick<Site, "id" | "origins" | "catalogHosts" | "keepParams">;

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
  stats: { roundTrips: number; rowsRead: number; rowsWritten: number; attempts: number; d1Ms: number; dbBytes: number };
}

const MAX_ATTEMPTS = 40;

export async function ingest(db: D1Database, input: IngestInput): Promise<IngestOutcome> {
  const { events: normalized, repeated } = normalizeEvents(input.events, input.session, input.now, input.source, input.site.keepParams);
  const traitsIn = batchTraits(normalized, input.traits);
  const email = normalizeEmail(traitsIn.email) ?? input.email;
  const stats = { roundTrips: 0, rowsRead: 0, rowsWritten: 0, attempts: 0, d1Ms: 0, dbBytes: 0 };

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    stats.attempts = attempt;
    try {
      return await attemptIngest(db, input, normalized, repeated, traitsIn, email, stats, attempt);
    } catch (err) {
      // Whatever this isolate remembered of the visitor is not to be trusted now.
      if (input.visitor) leadCache.delete(input.site.id, input.visitor);
      if (!isConflict(err)) throw err;
      // Another request for this lead won the race: back off a little, with
      // jitter so a burst of retries does not collide again in lockstep.
      await sleep(Math.random() * Math.min(50, 2 * attempt));
    }
  }
  throw new ApiError(503, "busy", "Too many concurrent writes for this lead; retry shortly.", undefined, { "Retry-After": "1" });
}

function isConflict(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.includes(CONFLICT_MARK) || msg.includes("UNIQUE constraint failed");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readSnapshot(
  db: D1Database,
  siteId: string,
  visitor: string | null,
  email: string | null,
  ids: string[],
  viewedSessions: string[],
  stats: IngestOutcome["stats"],
): Promise<Snapshot> {
  const none = db.prepare("SELECT NULL WHERE 0");
  const rt1 = await db.batch([
    visitor ? reads.leadByVisitor(db, siteId, visitor) : none,
    email ? reads.leadByEmail(db, siteId, email) : none,
    reads.models(db, siteId),
    reads.scores(db, siteId, visitor, email),
    reads.existingEvents(db, siteId, ids),
    promoSql.heldByVisitorOrEmail(db, siteId, visitor, email),
    viewedSessions.length ? catalogSql.sessionProducts(db, siteId, viewedSessions) : none,
  ]);
  count(stats, rt1);
  return {
    byVisitor: (rt1[0]!.results[0] as LeadRow | undefined) ?? null,
    byEmail: (rt1[1]!.results[0] as LeadRow | undefined) ?? null,
    models: rt1[2]!.results as unknown as ModelRow[],
    states: rt1[3]!.results as unknown as ScoreRow[],
    existing: new Set((rt1[4]!.results as { id: string }[]).map((r) => r.id)),
    held: rt1[5]!.results as unknown as HeldCode[],
    sessionProducts: new Map((rt1[6]!.results as { id: string; products: string | null }[]).map((r) => [r.id, r.products ? (JSON.parse(r.products) as string[]) : []])),
  };
}

async function attemptIngest(
  db: D1Database,
  input: IngestInput,
  normalized: StoredEvent[],
  repeated: number,
  traitsIn: Traits,
  email: string | null,
  stats: IngestOutcome["stats"],
  attempt: number,
): Promise<IngestOutcome> {
  const { site, visitor, now } = input;
  const ids = normalized.map((e) => e.id);
  const viewedSessions = [...new Set(normalized.filter((e) => e.type === "product_view" && e.sessionId).map((e) => e.sessionId!))];

  // RT1: everything the decision needs, in one batch; skipped when this
  // isolate holds the visitor's state from its previous request (the guard
  // verifies it in RT2). Claims of an email always read, they may merge leads.
  // A first beacon (a new visitor id this isolate has not seen) reads nothing
  // either: there is nothing to read yet. Both guesses are checked by the guard.
  const skipRead = !!visitor && !email && attempt === 1;
  const cached = skipRead ? leadCache.get(site.id, visitor) : null;
  const siteModelRows = skipRead && !cached && looksNew(visitor, now) ? modelsCache.get(site.id) : null;
  const snap =
    cached && viewedSessions.every((s) => cached.sessionProducts.has(s))
      ? cached
      : siteModelRows
        ? newVisitorSnapshot(siteModelRows, viewedSessions)
        : await readSnapshot(db, site.id, visitor, email, ids, viewedSessions, stats);
  modelsCache.set(site.id, snap.models);
  const { byVisitor, byEmail, states, existing, held, sessionProducts } = snap;
  const models = siteModels(site.id, snap.models);

  const fresh = normalized.filter((e) => !existing.has(e.id));
  const duplicates = repeated + (normalized.length - fresh.length);
  // A server call speaks for the email; a browser only when its signature proved it.
  const verified = input.source === "server" || (!!email && input.verifiedEmail === email);
  const strength = input.source === "server" ? STRENGTH.server : verified ? STRENGTH.signed : STRENGTH.browser;
  const res = input.acceptClaim ? acceptClaim(byVisitor, byEmail) : await resolveLead(site.id, visitor, email, verified, byVisitor, byEmail);
  const target = res.target;
  // Only the target's own codes: RT1 also read those of the email's holder.
  const ownCodes = held.filter((h) => h.lead_id === res.targetId);
  const merged = mergeTraits(res.mergeFrom ? storedTraits(res.mergeFrom) : null, storedTraits(target), traitsIn, strength);
  const traitSources = Object.keys(merged.sources).length ? JSON.stringify(merged.sources) : null;

  // A request whose events are all duplicates and that sets nothing new
  // writes nothing: a resend must change nothing.
  if (fresh.length === 0 && !res.mapVisitor && !res.mergeFrom && !res.evict && !changesLead(target, merged, traitSources, res)) {
    return { leadId: res.targetId, accepted: 0, duplicates, outcomes: [], alertIds: [], codes: ownCodes, stats };
  }

  // RT1b (rare): history for a merge or a stale model state.
  let history: EventRow[] | null = null;
  const leadHasEvents = (target?.event_count ?? 0) > 0 || (res.mergeFrom?.event_count ?? 0) > 0;
  if (res.mergeFrom || needsHistory(models, states, res.targetId, leadHasEvents)) {
    const h = await db.batch([reads.history(db, res.targetId, res.mergeFrom?.id ?? null)]);
    count(stats, h);
    history = h[0]!.results as unknown as EventRow[];
  }

  const traits = merged.traits;
  const outcomes = scoreModels(
    models,
    states,
    res.targetId,
    history ? history.map(rowToScoreEvent) : null,
    fresh.map(toScoreEvent),
    traits,
    now,
  );

  // RT2: one batch, one transaction.
  // Seen-times come from the events (server imports may be in the past).
  const seenFrom = Math.min(...fresh.map((e) => e.ts), target?.first_seen ?? now);
  const seenTo = Math.max(...fresh.map((e) => e.ts), target?.last_seen ?? 0);
  const leadWrite = {
    id: res.targetId,
    siteId: site.id,
    email: res.email,
    identity: res.identity,
    claimedEmail: res.claimedEmail,
    traitSources,
    name: str(traits.name) ?? target?.name ?? null,
    phone: str(traits.phone) ?? target?.phone ?? null,
    traits: JSON.stringify(traits),
    country: input.country,
    seenFrom,
    seenTo,
    newEvents: fresh.length + (res.mergeFrom?.event_count ?? 0),
  };
  const expected = [{ id: res.targetId, version: target?.version ?? null }];
  if (res.mergeFrom) expected.push({ id: res.mergeFrom.id, version: res.mergeFrom.version });
  if (res.evict) expected.push({ id: res.evict.id, version: res.evict.version });

  const g: GuardSpec = { siteId: site.id, expected, visitor: visitor ? { id: visitor, lead: byVisitor?.id ?? null } : null, modelsSignature: modelsSignature(snap.models) };
  const ownEvents = target?.event_count ?? 0;
  // First statement: the events, carrying the guard (or the guard alone).
  const stmts: D1PreparedStatement[] = [
    fresh.length ? writes.insertEvents(db, site.id, res.targetId, visitor, fresh, ownEvents + (res.mergeFrom?.event_count ?? 0), now, g) : guard(db, g),
  ];
  // The claim gives up the email before the target takes it (one email, one lead).
  if (res.evict) stmts.push(writes.evictClaim(db, res.evict));
  stmts.push(target ? writes.updateLead(db, leadWrite, target) : writes.insertLead(db, leadWrite));
  if (res.mergeFrom) stmts.push(...writes.mergeLead(db, res.mergeFrom.id, res.targetId, ownEvents));
  if (res.mapVisitor && visitor) stmts.push(writes.mapVisitor(db, site.id, visitor, res.targetId, now));
  const catalog = catalogChanges(fresh, sessionProducts, site);
  for (const s of sessionTouches(fresh))
    stmts.push(writes.touchSession(db, site.id, res.targetId, visitor, s, input.country, catalog.recent.get(s.id) ?? null));
  // A score row that would not change is not rewritten (most page views match no rule).
  const scoreWrites = outcomes.map((o) => scoreWrite(res.targetId, o.sm.name, o.sm.version, o.result, o.state));
  const changed = scoreWrites.filter((w) => !unchanged(w, states));
  if (changed.length) stmts.push(writes.upsertScores(db, site.id, now, changed));
  const alertIds: string[] = [];
  for (const o of outcomes) {
    for (const f of o.fired) {
      const id = "al_" + randomToken(12);
      alertIds.push(id);
      stmts.push(
        writes.insertAlert(db, {
          id,
          siteId: site.id,
          leadId: res.targetId,
          model: o.sm.name,
          triggerId: f.triggerId,
          crossing: f.crossing,
          webhook: f.webhook,
          payload: JSON.stringify(alertPayload(id, site.id, f.triggerId, leadWrite, o, fresh, now)),
          now,
        }),
      );
    }
  }
  if (catalog.products.length) stmts.push(catalogSql.upsert(db, site.id, now, catalog.products));
  if (catalog.products.some((p) => !p.url && p.pageUrl)) stmts.push(catalogSql.fillUrls(db, site.id, catalog.products));
  if (catalog.pairs.length) stmts.push(catalogSql.coViews(db, site.id, catalog.pairs));

  // Promo codes: allocate for eligible promos the lead holds none of, then read
  // back what it holds (the answer's hints), in the same batch.
  const allocations = toAllocate(
    outcomes.map((o) => ({ model: o.sm.name, promos: holdingPromos(o.sm.model.promos, o.result.promos) })),
    ownCodes,
    res.targetId,
  );
  const who: Requester = input.source === "server" ? { kind: "server" } : { kind: "browser", client: input.client ?? null };
  stmts.push(...allocationStatements(db, site.id, allocations, res.targetId, now, who));
  const readsCodes = allocations.length > 0 || !!res.mergeFrom;
  if (readsCodes) stmts.push(promoSql.heldBy(db, site.id, res.targetId));

  const rt2 = await db.batch(stmts);
  count(stats, rt2);
  const codes = readsCodes ? (rt2[rt2.length - 1]!.results as unknown as HeldCode[]) : ownCodes;
  if (visitor) {
    const version = (target?.version ?? 0) + 1;
    const lead: LeadRow = {
      id: res.targetId,
      site_id: site.id,
      email: leadWrite.email,
      name: leadWrite.name,
      phone: leadWrite.phone,
      traits: leadWrite.traits,
      country: leadWrite.country ?? target?.country ?? null,
      first_seen: Math.min(leadWrite.seenFrom, target?.first_seen ?? leadWrite.seenFrom),
      last_seen: Math.max(leadWrite.seenTo, target?.last_seen ?? 0),
      event_count: ownEvents + leadWrite.newEvents,
      version,
      identity: leadWrite.identity,
      claimed_email: leadWrite.claimedEmail,
      trait_sources: leadWrite.traitSources,
    };
    leadCache.set(site.id, visitor, {
      byVisitor: lead,
      byEmail: null,
      models: snap.models,
      states: scoreWrites.map(toScoreRow),
      existing: new Set(),
      held: codes,
      sessionProducts: new Map([...sessionProducts, ...catalog.recent]),
    });
  }
  return { leadId: res.targetId, accepted: fresh.length, duplicates, outcomes, alertIds, codes, stats };
}

/** Products learned from product views, their co-views and each session's recent products. */
function catalogChanges(fresh: StoredEvent[], before: Map<string, string[]>, site: IngestSite) {
  const { products, viewsBySession } = catalogFromEvents(fresh, { origins: site.origins, catalogHosts: site.catalogHosts });
  const { pairs, recent } = coViews([...viewsBySession].map(([session, viewed]) => ({ session, before: before.get(session) ?? [], viewed })));
  return { products, pairs, recent };
}

function unchanged(w: ScoreWrite, states: ScoreRow[]): boolean {
  const row = states.find((s) => s.lead_id === w.lead && s.model === w.model);
  return (
    !!row &&
    row.model_version === w.version &&
    row.state === w.state &&
    row.score === w.score &&
    row.tier === w.tier &&
    row.code === w.code &&
    row.fit === w.fit &&
    row.interest === w.interest &&
    row.readiness === w.readiness
  );
}

/** Dev only: what a request cost in D1 (X-EdgeScore-D1), for the benchmarks. */
export function d1Stats(s: IngestOutcome["stats"]): string {
  return `rt=${s.roundTrips}; read=${s.rowsRead}; written=${s.rowsWritten}; attempts=${s.attempts}; d1ms=${s.d1Ms.toFixed(2)}; size=${s.dbBytes}`;
}

function count(stats: IngestOutcome["stats"], results: D1Result[]) {
  stats.roundTrips++;
  for (const r of results) {
    stats.rowsRead += r.meta.rows_read ?? 0;
    stats.rowsWritten += r.meta.rows_written ?? 0;
    stats.d1Ms += r.meta.duration ?? 0;
    stats.dbBytes = Math.max(stats.dbBytes, r.meta.size_after ?? 0);
  }
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : null);

/** Whether the lead row would change (a resend of an identify must write nothing). */
function changesLead(target: LeadRow | null, merged: TraitSet, traitSources: string | null, res: { email: string | null; identity: string | null; claimedEmail: string | null }): boolean {
  if (!target) return true;
  if ((target.email ?? null) !== res.email || (target.identity ?? null) !== res.identity || (target.claimed_email ?? null) !== res.claimedEmail) return true;
  if ((target.trait_sources ?? null) !== traitSources) return true;
  const current = storedTraits(target).traits;
  return Object.entries(merged.traits).some(([k, v]) => current[k] !== v);
}

/** SPEC §7 payload; built now so the delivery needs no further reads. */
function alertPayload(
  id: string,
  siteId: string,
  trigger: string,
  lead: { id: string; email: string | null; identity: string | null; name: string | null; phone: string | null },
  o: ModelOutcome,
  fresh: StoredEvent[],
  now: number,
) {
  return {
    id,
    site: siteId,
    model: o.sm.name,
    trigger,
    lead: {
      id: lead.id,
      email: lead.email,
      identity: lead.identity,
      name: lead.name,
      phone: lead.phone,
      score: o.result.score,
      tier: o.result.tier,
      code: o.result.code,
    },
    events: fresh.slice(-10).map((e) => ({ type: e.type, name: e.name, url: e.url, ts: e.ts })),
    ts: now,
  };
}

// The ingest planner: pure. From what the read round trip returned (the
// snapshot), the request's normalized events and the time, it decides which
// lead the events belong to, scores it under every model, and lists the writes
// of the one transaction that follows — as data (Write), not SQL: the executor
// (ingest.ts) turns them into statements. It also returns the outcomes for the
// answer and the state this isolate may remember for the visitor's next beacon,
// which is exactly the planned rows (nothing is recomputed after the write).
//
// No I/O and no clock: the same inputs give the same plan (ids of new alerts
// come from the `newId` the caller passes), so it is unit-tested without D1.
import type { HeldCode, Requester, Allocation } from "../promos/promos";
import { holdingPromos, toAllocate } from "../promos/promos";
import { catalogFromEvents, type ProductWrite } from "../recommend/catalog";
import { coViews, type CoView } from "../recommend/coviews";
import type { LeadState, ScoreResult } from "../scoring/engine";
import type { GuardSpec } from "../store/leads/guard";
import type { LeadRow } from "../store/leads/ingest";
import type { EventRow } from "../store/events/ingest";
import { scoreRowOf, type ScoreRow } from "../store/scores/ingest";
import type { AlertWrite } from "../store/alerts-outbox";
import { channelOf, DEFAULT_VEHICLE_TRAITS, type ChannelSpec } from "../scoring/channels";
import { mergeTraits, STRENGTH, storedTraits, type TraitSet } from "./identity";
import { modelsSignature, remember, type Snapshot } from "./lead-cache";
import { sessionTouches, type EventSource, type SessionTouch, type StoredEvent } from "./normalize";
import { firstTouchColumns } from "./first-touch";
import { conversionsFrom, type ConversionRules, type ConversionWrite } from "./conversions";
import { flushOf, parseLive, planSessions, type SessionPlan } from "./live-session";
import { acceptClaim, resolveLead, type Resolution } from "./resolve";
import type { Traits } from "./schema";
import { needsHistory, rowToScoreEvent, scoreModels, siteModels, toScoreEvent, type ModelOutcome } from "./score-models";

/** What ingest needs of a site: URL and catalog rules, never its secrets. */
export interface IngestSite {
  id: string;
  origins: string[];
  catalogHosts: string[];
  keepParams: string[];
  /** Events that record a conversion (issue 15, ingest/conversions.ts). */
  conversionEvents?: ConversionRules | undefined;
}

/** A request, normalized once (normalize.ts) before any attempt. */
export interface PlanRequest {
  site: IngestSite;
  source: EventSource;
  visitor: string | null;
  /** The email the batch is about (traits, identify props, or a server call's `email`). */
  email: string | null;
  /** Browser calls: the email a signed identify proved. */
  verifiedEmail: string | null;
  /** Browser calls: the connecting client's salted hash (promo caps). */
  client: string | null;
  /** The owner accepts a claim (resolve.ts acceptClaim). */
  acceptClaim: boolean;
  country: string | null;
  events: StoredEvent[];
  /** Events repeated inside the batch (same id), counted as duplicates. */
  repeated: number;
  traits: Traits;
  now: number;
}

/** One write of the plan; the executor maps each to its store statement(s), in order. */
export type Write =
  | { op: "events"; leadId: string; visitor: string | null; events: StoredEvent[]; after: number }
  | { op: "guard" }
  | { op: "evictClaim"; lead: LeadRow }
  | { op: "insertLead"; lead: LeadRow }
  | { op: "updateLead"; lead: LeadRow; before: LeadRow }
  | { op: "merge"; from: string; into: string; offset: number }
  | { op: "mapVisitor"; visitor: string; leadId: string }
  | { op: "session"; leadId: string; visitor: string | null; touch: SessionTouch; country: string | null; products: string[] | null }
  | { op: "scores"; rows: ScoreRow[] }
  | { op: "alert"; alert: AlertWrite }
  | { op: "products"; items: ProductWrite[] }
  | { op: "productUrls"; items: ProductWrite[] }
  | { op: "coViews"; pairs: CoView[] }
  | { op: "allocate"; allocation: Allocation; leadId: string; who: Requester }
  | { op: "readCodes"; leadId: string }
  | { op: "conversions"; leadId: string; items: ConversionWrite[] };

export interface Plan {
  leadId: string;
  accepted: number;
  duplicates: number;
  outcomes: ModelOutcome[];
  alertIds: string[];
  /** In order; the first carries the guard. Empty: nothing to write (a resend). */
  writes: Write[];
  guard: GuardSpec;
  /** The ids of the events written (the executor checks them when a batch fails). */
  eventIds: string[];
  /** The codes the lead holds before the write; when `writes` ends with readCodes, the batch's last result replaces them. */
  codes: HeldCode[];
  /** What the visitor's next beacon may start from, once the write succeeded (codes added by the executor). */
  next: Omit<Snapshot, "held"> | null;
}

export type PlanStep =
  | { kind: "plan"; plan: Plan }
  /** The lead's history must be read first (a merge, or a state from an older model version). */
  | { kind: "history"; target: string; merged: string | null };

export async function planIngest(req: PlanRequest, snap: Snapshot, history: EventRow[] | null, newId: () => string): Promise<PlanStep> {
  const { site, visitor, now } = req;
  const { byVisitor, byEmail, states, existing, held, sessionProducts } = snap;
  const models = siteModels(site.id, snap.models);

  const fresh = req.events.filter((e) => !existing.has(e.id));
  const duplicates = req.repeated + (req.events.length - fresh.length);
  // A server call speaks for the email; a browser only when its signature proved it.
  const verified = req.source === "server" || (!!req.email && req.verifiedEmail === req.email);
  const strength = req.source === "server" ? STRENGTH.server : verified ? STRENGTH.signed : STRENGTH.browser;
  const res = req.acceptClaim ? acceptClaim(byVisitor, byEmail) : await resolveLead(site.id, visitor, req.email, verified, byVisitor, byEmail);
  const target = res.target;
  // Only the target's own codes: the read also returned those of the email's holder.
  const ownCodes = held.filter((h) => h.lead_id === res.targetId);
  const merged = mergeTraits(res.mergeFrom ? storedTraits(res.mergeFrom) : null, storedTraits(target), req.traits, strength);
  const guardSpec: GuardSpec = {
    siteId: site.id,
    expected: [target, res.mergeFrom, res.evict].flatMap((l, i) => (i === 0 ? [{ id: res.targetId, version: target?.version ?? null }] : l ? [{ id: l.id, version: l.version }] : [])),
    visitor: visitor ? { id: visitor, lead: byVisitor?.id ?? null } : null,
    modelsSignature: modelsSignature(snap.models),
  };

  const ownEvents = target?.event_count ?? 0;
  const mergedEvents = res.mergeFrom?.event_count ?? 0;
  const catalog = catalogChanges(fresh, sessionProducts, site);
  const sessions = planSessions(sessionTouches(fresh), parseLive(target?.live_session), (id) => catalog.recent.has(id));
  const lead = plannedLead(req, res, merged, fresh, ownEvents + mergedEvents, sessions);
  // A request whose events are all duplicates and that sets nothing new writes
  // nothing: a resend must change nothing.
  if (fresh.length === 0 && !res.mapVisitor && !res.mergeFrom && !res.evict && target && !leadChanged(target, lead)) {
    return { kind: "plan", plan: { leadId: res.targetId, accepted: 0, duplicates, outcomes: [], alertIds: [], writes: [], guard: guardSpec, eventIds: [], codes: ownCodes, next: null } };
  }

  if (!history && (res.mergeFrom || needsHistory(models, states, res.targetId, ownEvents + mergedEvents > 0)))
    return { kind: "history", target: res.targetId, merged: res.mergeFrom?.id ?? null };

  const outcomes = scoreModels(models, states, res.targetId, history ? history.map(rowToScoreEvent) : null, fresh.map(toScoreEvent), merged.traits, now);

  // The one transaction. The first write carries the guard.
  const writes: Write[] = [fresh.length ? { op: "events", leadId: res.targetId, visitor, events: fresh, after: ownEvents + mergedEvents } : { op: "guard" }];
  // The claim gives up the email before the target takes it (one email, one lead).
  if (res.evict) writes.push({ op: "evictClaim", lead: res.evict });
  writes.push(target ? { op: "updateLead", lead, before: target } : { op: "insertLead", lead });
  // The merged lead's live session goes into its row before its sessions move.
  const mergedLive = parseLive(res.mergeFrom?.live_session);
  if (res.mergeFrom && mergedLive && mergedLive.events > 0)
    writes.push({ op: "session", leadId: res.mergeFrom.id, visitor, touch: flushOf(mergedLive), country: null, products: null });
  if (res.mergeFrom) writes.push({ op: "merge", from: res.mergeFrom.id, into: res.targetId, offset: ownEvents });
  if (res.mapVisitor && visitor) writes.push({ op: "mapVisitor", visitor, leadId: res.targetId });
  for (const touch of sessions.writes)
    writes.push({ op: "session", leadId: res.targetId, visitor, touch, country: req.country, products: catalog.recent.get(touch.id) ?? null });
  // A score row that would not change is not rewritten (most page views match no rule).
  const scoreRows = outcomes.map((o) => scoreRowOf(res.targetId, o.sm.name, o.sm.version, o.result, o.state));
  const changed = scoreRows.filter((w) => !unchanged(w, states));
  if (changed.length) writes.push({ op: "scores", rows: changed });
  const alertIds: string[] = [];
  for (const o of outcomes)
    for (const f of o.fired) {
      const id = newId();
      alertIds.push(id);
      const channel = channelOf(o.sm.model.triggers.find((t) => t.id === f.triggerId) ?? {});
      const payload = { ...alertPayload(id, site.id, f.triggerId, lead, o, fresh, now), ...alertDetail(channel, lead, o) };
      const webhook = channel && "url" in channel ? channel.url : f.webhook;
      writes.push({ op: "alert", alert: { id, siteId: site.id, leadId: res.targetId, model: o.sm.name, triggerId: f.triggerId, crossing: f.crossing, webhook, channel: channel ? JSON.stringify(channel) : null, payload: JSON.stringify(payload), now } });
    }
  const conversions = conversionsFrom(fresh, site.conversionEvents);
  if (conversions.length) writes.push({ op: "conversions", leadId: res.targetId, items: conversions });
  if (catalog.products.length) writes.push({ op: "products", items: catalog.products });
  if (catalog.products.some((p) => !p.url && p.pageUrl)) writes.push({ op: "productUrls", items: catalog.products });
  if (catalog.pairs.length) writes.push({ op: "coViews", pairs: catalog.pairs });

  // Promo codes: allocate for eligible promos the lead holds none of, then read
  // back what it holds (the answer's hints), in the same batch.
  const allocations = toAllocate(outcomes.map((o) => ({ model: o.sm.name, promos: holdingPromos(o.sm.model.promos, o.result.promos) })), ownCodes, res.targetId);
  const who: Requester = req.source === "server" ? { kind: "server" } : { kind: "browser", client: req.client };
  for (const allocation of allocations) writes.push({ op: "allocate", allocation, leadId: res.targetId, who });
  if (allocations.length > 0 || res.mergeFrom) writes.push({ op: "readCodes", leadId: res.targetId });

  // A new lead's sessions are new: none holds products yet, so a product view
  // in them later needs no read to know that.
  const started = target ? [] : sessions.writes.map((t): [string, string[]] => [t.id, []]);
  const next = visitor
    ? { byVisitor: lead, byEmail: null, models: snap.models, states: scoreRows, existing: remember(existing, fresh.map((e) => e.id)), sessionProducts: new Map([...started, ...sessionProducts, ...catalog.recent]) }
    : null;
  return {
    kind: "plan",
    plan: { leadId: res.targetId, accepted: fresh.length, duplicates, outcomes, alertIds, writes, guard: guardSpec, eventIds: fresh.map((e) => e.id), codes: ownCodes, next },
  };
}

/** The target lead as it will be after the write (absolute values: the guard makes them safe). */
function plannedLead(req: PlanRequest, res: Resolution, merged: TraitSet, fresh: StoredEvent[], eventsBefore: number, sessions: SessionPlan): LeadRow {
  const t = res.target;
  // Seen-times come from the events (server imports may be in the past).
  const firstSeen = Math.min(...fresh.map((e) => e.ts), t?.first_seen ?? req.now, res.mergeFrom?.first_seen ?? Infinity);
  const lastSeen = Math.max(...fresh.map((e) => e.ts), t?.last_seen ?? 0, res.mergeFrom?.last_seen ?? 0);
  return {
    id: res.targetId,
    site_id: req.site.id,
    email: res.email,
    name: str(merged.traits.name) ?? t?.name ?? null,
    phone: str(merged.traits.phone) ?? t?.phone ?? null,
    traits: JSON.stringify(merged.traits),
    country: req.country ?? t?.country ?? null,
    first_seen: firstSeen,
    last_seen: lastSeen,
    event_count: eventsBefore + fresh.length,
    version: (t?.version ?? 0) + 1,
    identity: res.identity,
    claimed_email: res.claimedEmail,
    trait_sources: Object.keys(merged.sources).length ? JSON.stringify(merged.sources) : null,
    ...firstTouchColumns([res.target, res.mergeFrom], fresh, req.site.origins),
    live_session: sessions.live ? JSON.stringify(sessions.live) : null,
  };
}

// Not the country: it rides along with other writes, never a reason to write on its own.
const LEAD_FIELDS = ["email", "name", "phone", "traits", "first_seen", "last_seen", "event_count", "identity", "claimed_email", "trait_sources"] as const;

function leadChanged(before: LeadRow, after: LeadRow): boolean {
  return LEAD_FIELDS.some((k) => before[k] !== after[k]);
}

function unchanged(w: ScoreRow, states: ScoreRow[]): boolean {
  const row = states.find((s) => s.lead_id === w.lead_id && s.model === w.model);
  return (
    !!row &&
    row.model_version === w.model_version &&
    row.state === w.state &&
    row.score === w.score &&
    row.tier === w.tier &&
    row.code === w.code &&
    row.fit === w.fit &&
    row.interest === w.interest &&
    row.readiness === w.readiness
  );
}

/** Products learned from product views, their co-views and each session's recent products. */
function catalogChanges(fresh: StoredEvent[], before: Map<string, string[]>, site: IngestSite) {
  const { products, viewsBySession } = catalogFromEvents(fresh, { origins: site.origins, catalogHosts: site.catalogHosts });
  const { pairs, recent } = coViews([...viewsBySession].map(([session, viewed]) => ({ session, before: before.get(session) ?? [], viewed })));
  return { products, pairs, recent };
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : null);

/**
 * What the channels of issue 14 show beside the SPEC §7 payload (the signed webhook's body leaves
 * it out): the rules that scored most (why), and for an email trigger the vehicle of interest
 * from the traits it names (ADF). Only those traits, not the lead's others.
 */
function alertDetail(channel: ChannelSpec | null, lead: LeadRow, o: ModelOutcome) {
  const why = Object.entries(o.result.rules)
    .filter(([, r]) => r.points > 0)
    .sort((a, b) => b[1].points - a[1].points || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([rule, r]) => ({ rule, points: r.points, hits: r.hits }));
  if (channel?.channel !== "email") return { why };
  let traits: Record<string, unknown> = {};
  try {
    traits = JSON.parse(lead.traits) as Record<string, unknown>;
  } catch {
    // A row written by hand; the vehicle stays empty.
  }
  const names = channel.vehicle ?? DEFAULT_VEHICLE_TRAITS;
  // A model year is often a number trait.
  const text = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? String(v) : str(v));
  const vehicle = { year: text(traits[names.year]), make: text(traits[names.make]), model: text(traits[names.model]) };
  return { why, vehicle };
}

/** SPEC §7 payload; built now so the delivery needs no further reads. */
function alertPayload(id: string, siteId: string, trigger: string, lead: LeadRow, o: ModelOutcome, fresh: StoredEvent[], now: number) {
  return {
    id,
    site: siteId,
    model: o.sm.name,
    trigger,
    lead: { id: lead.id, email: lead.email, identity: lead.identity, name: lead.name, phone: lead.phone, score: o.result.score, tier: o.result.tier, code: o.result.code },
    events: fresh.slice(-10).map((e) => ({ type: e.type, name: e.name, url: e.url, ts: e.ts })),
    ts: now,
  };
}

// The import planner: pure. From a chunk of valid lines and what the read
// returned (the leads their keys reach, the site's models, those leads' score
// states, which of their event ids exist), it decides each line's lead, what
// changes, the scores under every model, and the chunk's writes as rows (the
// executor, import.ts, turns them into one D1 batch). A line that cannot be
// applied (its keys reach two different leads) is an error of that line only.
import type { Issue } from "../http/errors";
import { mergeTraits, STRENGTH, storedTraits } from "../ingest/identity";
import { firstTouchColumns } from "../ingest/first-touch";
import { modelsSignature } from "../ingest/lead-cache";
import type { IngestSite } from "../ingest/plan";
import type { StoredEvent } from "../ingest/normalize";
import { needsHistory, rowToScoreEvent, scoreModels, siteModels, toScoreEvent } from "../ingest/score-models";
import type { EventRow } from "../store/events/ingest";
import type { ImportConversion, ImportEventWrite, ImportLeadRow, ImportLeadWrite } from "../store/import";
import type { GuardSpec } from "../store/leads/guard";
import { scoreRowOf, type ModelRow, type ScoreRow } from "../store/scores/ingest";
import type { ImportLine } from "./line";

/** Conversions may be dated in the past, not in the future beyond clock skew (as POST /v1/admin/conversions). */
const MAX_FUTURE_MS = 10 * 60_000;

/** A valid line, ready to plan: its events normalized with their ids, the id its lead gets if new. */
export interface PreparedLine {
  line: number;
  /** Every line this lead's entry gathers (lines of one lead in one chunk are merged). */
  lines: number[];
  data: ImportLine;
  events: StoredEvent[];
  newId: string;
}

export interface ChunkSnapshot {
  /** Leads reached by the chunk's keys; `visitor` set on rows found through a visitor. */
  leads: (ImportLeadRow & { visitor: string | null })[];
  models: ModelRow[];
  states: ScoreRow[];
  existing: Set<string>;
  fenced: boolean;
}

export interface LineError {
  line: number;
  path: string;
  message: string;
}

export interface Counts {
  leads: number;
  created: number;
  updated: number;
  events: number;
  conversions: number;
}

export interface ChunkPlan {
  inserts: ImportLeadWrite[];
  updates: ImportLeadWrite[];
  events: ImportEventWrite[];
  visitors: { visitor: string; leadId: string }[];
  conversions: ImportConversion[];
  scores: ScoreRow[];
  guard: GuardSpec;
  counts: Counts;
  errors: LineError[];
  /** Lines whose lead another line of this chunk already writes (reached by other keys): for the next write. */
  deferred: PreparedLine[];
}

export type ChunkStep = { kind: "plan"; plan: ChunkPlan } | { kind: "history"; leadIds: string[] };

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : null);
const lineError = (line: number, issues: Issue[]): LineError[] => issues.map((i) => ({ line, ...i }));

type Resolved = { ok: true; target: ImportLeadRow | null } | { ok: false; issues: Issue[] };

function resolve(d: ImportLine, snap: ChunkSnapshot): Resolved {
  const email = d.email?.toLowerCase();
  const { external_id: ext, visitor } = d;
  const byEmail = email ? snap.leads.find((l) => l.visitor === null && l.email === email) : undefined;
  const byExternal = ext ? snap.leads.find((l) => l.visitor === null && l.external_id === ext) : undefined;
  const byVisitor = visitor ? snap.leads.find((l) => l.visitor === visitor) : undefined;
  const found = [byExternal, byEmail, byVisitor].filter((l): l is NonNullable<typeof l> => !!l);
  const target = found[0] ?? null;
  if (found.some((l) => l.id !== target!.id))
    return { ok: false, issues: [{ path: "email", message: "the email, external_id and visitor belong to different leads; merge them first" }] };
  if (target && d.external_id && target.external_id && target.external_id !== d.external_id)
    return { ok: false, issues: [{ path: "external_id", message: "the lead of this email or visitor has another external_id" }] };
  return { ok: true, target };
}

/**
 * Plans a chunk. `histories`: the stored events of leads whose score state is
 * from an older model version (asked for by a `history` step), else null.
 */
export function planChunk(site: IngestSite, lines: PreparedLine[], snap: ChunkSnapshot, histories: Map<string, EventRow[]> | null, now: number): ChunkStep {
  const models = siteModels(site.id, snap.models);
  const plan: ChunkPlan = {
    inserts: [],
    updates: [],
    events: [],
    visitors: [],
    conversions: [],
    scores: [],
    guard: { siteId: site.id, expected: [], visitor: null, modelsSignature: modelsSignature(snap.models) },
    counts: { leads: 0, created: 0, updated: 0, events: 0, conversions: 0 },
    errors: [],
    deferred: [],
  };
  const planned = new Set<string>();
  const seenEvents = new Set<string>();
  const wanted: string[] = [];
  for (const p of lines) {
    const d = p.data;
    const r = resolve(d, snap);
    if (!r.ok) {
      plan.errors.push(...lineError(p.line, r.issues));
      continue;
    }
    const converts = d.converted === true || (d.converted === undefined && d.convertedAt !== undefined);
    if (converts && d.convertedAt !== undefined && d.convertedAt > now + MAX_FUTURE_MS) {
      plan.errors.push({ line: p.line, path: "convertedAt", message: "must not be more than 10 minutes in the future" });
      continue;
    }
    const t = r.target;
    const id = t?.id ?? p.newId;
    if (planned.has(id)) {
      plan.deferred.push(p);
      continue;
    }
    planned.add(id);
    // History order: the engine counts rule limits in arrival order, and an export lists events in any order.
    const fresh = p.events.filter((e) => !snap.existing.has(e.id) && !seenEvents.has(e.id)).sort((a, b) => a.ts - b.ts);
    for (const e of fresh) seenEvents.add(e.id);
    const email = d.email?.toLowerCase() ?? t?.email ?? null;
    const merged = mergeTraits(null, storedTraits(t), d.traits ?? {}, STRENGTH.server);
    const traits = JSON.stringify(merged.traits);
    const sources = Object.keys(merged.sources).length ? JSON.stringify(merged.sources) : null;
    const before = t?.event_count ?? 0;
    const lead: ImportLeadWrite = {
      id,
      site_id: site.id,
      email,
      name: str(merged.traits.name) ?? t?.name ?? null,
      phone: str(merged.traits.phone) ?? t?.phone ?? null,
      traits,
      country: t?.country ?? null,
      first_seen: Math.min(...fresh.map((e) => e.ts), t?.first_seen ?? (fresh.length ? Infinity : now)),
      last_seen: Math.max(...fresh.map((e) => e.ts), t?.last_seen ?? (fresh.length ? 0 : now)),
      event_count: before + fresh.length,
      version: (t?.version ?? 0) + 1,
      // The import speaks for the site, as a server call: an email it gives is verified.
      identity: d.email ? "verified" : (t?.identity ?? null),
      claimed_email: t?.claimed_email && t.claimed_email !== email ? t.claimed_email : null,
      trait_sources: sources,
      external_id: d.external_id ?? t?.external_id ?? null,
      ...firstTouchColumns([t], fresh, site.origins),
      // Sessions are the browser's: an import neither writes nor reads the live one (kept as it is).
      live_session: t?.live_session ?? null,
    };
    const mapVisitor = !!d.visitor && !snap.leads.some((l) => l.visitor === d.visitor);
    const convert = converts && !t?.converted_at;
    const changed = !t || fresh.length > 0 || mapVisitor || convert || LEAD_FIELDS.some((k) => lead[k] !== t[k]);
    plan.counts.leads++;
    if (!changed) continue;

    if (t && !histories && needsHistory(models, snap.states, id, before > 0)) {
      wanted.push(id);
      continue;
    }
    plan.guard.expected.push({ id, version: t?.version ?? null });
    (t ? plan.updates : plan.inserts).push(lead);
    if (t) plan.counts.updated++;
    else plan.counts.created++;
    fresh.forEach((e, k) => plan.events.push({ ...e, leadId: id, n: before + k + 1 }));
    plan.counts.events += fresh.length;
    if (mapVisitor) plan.visitors.push({ visitor: d.visitor!, leadId: id });
    if (convert) {
      plan.conversions.push({ leadId: id, value: d.value ?? null, ts: d.convertedAt ?? now });
      plan.counts.conversions++;
    }
    const history = histories?.get(id);
    // Imports never fire alerts (history is not news); the crossings stay counted in the state.
    for (const o of scoreModels(models, snap.states, id, history ? history.map(rowToScoreEvent) : null, fresh.map(toScoreEvent), merged.traits, now))
      plan.scores.push(scoreRowOf(id, o.sm.name, o.sm.version, o.result, o.state));
  }
  if (wanted.length) return { kind: "history", leadIds: wanted };
  return { kind: "plan", plan };
}

const LEAD_FIELDS = ["email", "name", "phone", "traits", "first_seen", "last_seen", "event_count", "identity", "claimed_email", "trait_sources", "external_id"] as const;

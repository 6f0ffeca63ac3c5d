// The EdgeScore data model. Events are the source of truth; every other table is
// either configuration (sites, models), identity (leads, visitors, sessions) or
// state derived from events that can be rebuilt (lead_scores, co_views).
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const sites = sqliteTable("sites", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  publicKey: text("public_key").notNull().unique(),
  // SHA-256 of the secret key, hex. The key itself is shown once and never stored.
  secretHash: text("secret_hash").notNull(),
  // Needed in clear to sign webhooks (HMAC); only returned at creation and rotation.
  webhookSecret: text("webhook_secret").notNull(),
  // After a webhook-secret rotation the old secret also signs until this time
  // (Stripe-style grace), so receivers switch without losing alerts.
  webhookSecretPrev: text("webhook_secret_prev"),
  webhookSecretPrevUntil: integer("webhook_secret_prev_until"),
  // Signs identify calls from the site's own backend (HMAC-SHA256 of the email):
  // a signed identify is verified identity, an unsigned one only a claim.
  identitySecret: text("identity_secret"),
  // Hosts (besides the origins) that product urls and images learned from
  // beacons may point at, e.g. a CDN: ["cdn.shop.example"].
  catalogHosts: text("catalog_hosts", { mode: "json" }).$type<string[]>().notNull().default([]),
  // Query parameters kept in stored URLs besides utm_*, gclid, fbclid, msclkid
  // and ref (the snippet's data-keep-params, applied by the worker too).
  keepParams: text("keep_params", { mode: "json" }).$type<string[]>().notNull().default([]),
  origins: text("origins", { mode: "json" }).$type<string[]>().notNull(),
  rateVisitorPerMin: integer("rate_visitor_per_min").notNull().default(120),
  rateSitePerMin: integer("rate_site_per_min").notNull().default(60000),
  createdAt: integer("created_at").notNull(),
  // The directory (this table lives in the first database): the shard holding
  // the site's data (0 = binding DB, n = DB_n). New sites go to the least loaded.
  shard: integer("shard").notNull().default(0),
  // A move to another shard in progress (POST /v1/admin/sites/:id/move): the
  // target, the phase ("copying", "switching", "cleaning") and the resumable
  // copy position (JSON).
  moveTo: integer("move_to"),
  moveState: text("move_state"),
  moveCursor: text("move_cursor"),
  // Raw events older than this many days are deleted by the cron (scores keep
  // what decay and limits need in lead_scores.state); a model change rescores
  // from the events retained.
  retentionDays: integer("retention_days").notNull().default(400),
  // The retention walk over the site's leads in progress (JSON keyset position,
  // worker/retention/retention.ts), null between walks; the walk runs at most
  // once a day, counted from the end of the last one.
  retentionCursor: text("retention_cursor"),
  retentionDoneAt: integer("retention_done_at"),
  // Issue 15: events that record a conversion when they arrive, by name, each
  // with the prop holding its value: {"purchase": {"valueProp": "value"}}.
  conversionEvents: text("conversion_events", { mode: "json" }).$type<Record<string, { valueProp?: string }>>().notNull().default({}),
});

export const models = sqliteTable(
  "models",
  {
    siteId: text("site_id").notNull(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    // Creation order; the lowest is the site's primary model (hints).
    position: integer("position").notNull(),
    document: text("document", { mode: "json" }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    // Rescoring of existing leads after a PUT, done in chunks by the cron.
    rescoreCursor: text("rescore_cursor"),
    rescoreDone: integer("rescore_done").notNull().default(0),
    rescoreTotal: integer("rescore_total").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.name] })],
);

export const modelVersions = sqliteTable(
  "model_versions",
  {
    siteId: text("site_id").notNull(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    document: text("document", { mode: "json" }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.name, t.version] })],
);

export const leads = sqliteTable(
  "leads",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id").notNull(),
    email: text("email"),
    name: text("name"),
    phone: text("phone"),
    traits: text("traits", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    country: text("country"),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    // Also the last event's `n`: the next event of this lead is event_count + 1.
    eventCount: integer("event_count").notNull().default(0),
    // Optimistic concurrency: every write batch for a lead checks and bumps it,
    // so two requests for one lead can never both apply their view of the state.
    version: integer("version").notNull().default(1),
    convertedAt: integer("converted_at"),
    conversionValue: real("conversion_value"),
    // How `email` was established: null (anonymous), "claimed" (a browser's
    // unverified identify of an email no lead held), "verified" (signed identify,
    // or a server-side call with the secret key).
    identity: text("identity"),
    // An email this lead's browser claimed that another lead holds: never merged
    // automatically; shown in the dashboard with a merge action.
    claimedEmail: text("claimed_email"),
    // Strength of each trait's source, for traits set by a signed identify (2) or
    // the server (3); traits absent here came from a browser (1). A weaker source
    // never overwrites a stronger one.
    traitSources: text("trait_sources", { mode: "json" }).$type<Record<string, number>>(),
    // First touch (issue 13, attribution): from the lead's first page view or session start,
    // set only while empty (a browser adds evidence, never overwrites it). Referrer as a host
    // (external only), landing as a path.
    firstTouchAt: integer("first_touch_at"),
    firstReferrer: text("first_referrer"),
    firstUtmSource: text("first_utm_source"),
    firstUtmMedium: text("first_utm_medium"),
    firstUtmCampaign: text("first_utm_campaign"),
    firstLanding: text("first_landing"),
    // The lead's id in the site's CRM, set by a bulk import (issue 13): imports
    // address a lead by it as by its email.
    externalId: text("external_id"),
    // What the lead's current session gained since its sessions row was last
    // written (ingest/live-session.ts): a beacon in the same session updates only
    // this row, not the session's too. Readers of sessions add it (store/leads/live.ts).
    liveSession: text("live_session", { mode: "json" }).$type<{ id: string; started: number; landing: boolean; lastSeen: number; events: number; pages: string[] }>(),
  },
  // No index on last_seen: every request moves it, and each index costs a D1
  // row write. Site-wide scans use the (site_id, email) index's prefix.
  (t) => [
    uniqueIndex("leads_site_email").on(t.siteId, t.email),
    index("leads_site_claim").on(t.siteId, t.claimedEmail).where(sql`claimed_email IS NOT NULL`),
    uniqueIndex("leads_site_external").on(t.siteId, t.externalId).where(sql`external_id IS NOT NULL`),
  ],
);

// A browser's visitor id, pointing at the lead it belongs to (several visitors
// merge into one lead when they identify with the same email).
export const visitors = sqliteTable(
  "visitors",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    leadId: text("lead_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("visitors_lead").on(t.leadId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    leadId: text("lead_id").notNull(),
    visitorId: text("visitor_id").notNull(),
    startedAt: integer("started_at").notNull(),
    lastSeen: integer("last_seen").notNull(),
    referrer: text("referrer"),
    landing: text("landing"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmTerm: text("utm_term"),
    utmContent: text("utm_content"),
    country: text("country"),
    events: integer("events").notNull().default(0),
    // The last products viewed in this session (ids, JSON array, at most 10):
    // a new product view is counted as co-viewed with each of them, once.
    products: text("products", { mode: "json" }).$type<string[]>(),
    // Distinct page paths of this session (JSON array, at most 20): evidence a
    // promo may require before it gives out a code.
    pages: text("pages", { mode: "json" }).$type<string[]>(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("sessions_lead").on(t.leadId)],
);

// WITHOUT ROWID (set in the migration SQL; drizzle cannot express it): the
// primary key is the table, so an event costs D1 two row writes (the row and
// the lead index) instead of three.
export const events = sqliteTable(
  "events",
  {
    siteId: text("site_id").notNull(),
    // The client's event id: a resent event is recognised by it and ignored.
    id: text("id").notNull(),
    leadId: text("lead_id").notNull(),
    // Arrival order within the lead (1, 2, …): rule limits count matches in this
    // order. Assigned under the lead's version guard, so it has no gaps or ties.
    n: integer("n").notNull(),
    visitorId: text("visitor_id"),
    sessionId: text("session_id"),
    type: text("type").notNull(),
    name: text("name"),
    ts: integer("ts").notNull(),
    url: text("url"),
    path: text("path"),
    ref: text("ref"),
    title: text("title"),
    props: text("props", { mode: "json" }).$type<Record<string, unknown>>(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("events_lead_n").on(t.leadId, t.n)],
);

// One row per lead and model: the engine's incremental state plus the figures
// derived from it, so lists can rank without replaying events.
export const leadScores = sqliteTable(
  "lead_scores",
  {
    leadId: text("lead_id").notNull(),
    model: text("model").notNull(),
    siteId: text("site_id").notNull(),
    modelVersion: integer("model_version").notNull(),
    score: real("score").notNull(),
    fit: real("fit").notNull(),
    interest: real("interest").notNull(),
    tier: text("tier").notNull(),
    code: integer("code").notNull(),
    readiness: integer("readiness").notNull(),
    state: text("state", { mode: "json" }).notNull(),
    scoredAt: integer("scored_at").notNull(),
  },
  // No index on the score (lead_scores_rank, dropped by issue 12): the lead list
  // sorts the site's leads joined by primary key, no query searched it, and
  // every score change paid a D1 row write for it.
  (t) => [
    primaryKey({ columns: [t.leadId, t.model] }),
  ],
);

// Alert outbox: written in the same batch as the score change that fired it.
export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id").notNull(),
    leadId: text("lead_id").notNull(),
    model: text("model").notNull(),
    triggerId: text("trigger_id").notNull(),
    // The n-th firing of this trigger for this lead: unique, so one crossing is one alert.
    crossing: integer("crossing").notNull(),
    webhook: text("webhook"),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at"),
    claimedUntil: integer("claimed_until"),
    payload: text("payload", { mode: "json" }).notNull(),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
    // The trigger's channel (issue 14) as JSON, e.g. {"channel":"email","to":[…],"format":"adf"};
    // null: the signed webhook.
    channel: text("channel"),
  },
  (t) => [
    uniqueIndex("alerts_crossing").on(t.leadId, t.model, t.triggerId, t.crossing),
    index("alerts_due").on(t.status, t.nextAttemptAt),
    index("alerts_site").on(t.siteId, t.createdAt),
  ],
);

export const promoCodes = sqliteTable(
  "promo_codes",
  {
    siteId: text("site_id").notNull(),
    model: text("model").notNull(),
    promoId: text("promo_id").notNull(),
    code: text("code").notNull(),
    leadId: text("lead_id"),
    assignedAt: integer("assigned_at"),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.model, t.promoId, t.code] }),
    // A lead holds at most one code per promo, whatever the concurrency.
    uniqueIndex("promo_codes_lead")
      .on(t.siteId, t.model, t.promoId, t.leadId)
      .where(sql`lead_id IS NOT NULL`),
    // "Which codes does this lead hold": read on every request, written only on allocation.
    index("promo_codes_holder").on(t.leadId).where(sql`lead_id IS NOT NULL`),
  ],
);

export const products = sqliteTable(
  "products",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    name: text("name"),
    category: text("category"),
    price: real("price"),
    url: text("url"),
    image: text("image"),
    views: integer("views").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
    // 1 when the merchant imported it (PUT /v1/admin/products): beacons may add
    // products and fill what is missing, never override imported fields.
    imported: integer("imported").notNull().default(0),
  },
  // No index on views: every product view would rewrite it (a billed row write);
  // "popular" scans the site's catalog by primary-key prefix instead.
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

// Item-to-item co-views (both directions), counted once per session and pair.
export const coViews = sqliteTable(
  "co_views",
  {
    siteId: text("site_id").notNull(),
    a: text("a").notNull(),
    b: text("b").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.a, t.b] })],
);

export const conversions = sqliteTable(
  "conversions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    siteId: text("site_id").notNull(),
    leadId: text("lead_id").notNull(),
    value: real("value"),
    ts: integer("ts").notNull(),
  },
  (t) => [index("conversions_lead").on(t.leadId), index("conversions_site_ts").on(t.siteId, t.ts)],
);

// Dashboard sign-ins: the cookie holds a random session id; only its SHA-256 is
// stored, with the session's own CSRF token and an expiry. Sign-out deletes
// the row; "sign out everywhere" and a secret-key rotation delete the site's rows.
export const dashboardSessions = sqliteTable(
  "dashboard_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    siteId: text("site_id").notNull(),
    csrf: text("csrf").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("dashboard_sessions_site").on(t.siteId)],
);

// One random salt per UTC day: a connecting client (IP address) is known only as
// SHA-256(salt, site, ip) inside that day. The salt is deleted after two days, so
// no stored value can be tied back to an address (Plausible's approach).
export const dailySalts = sqliteTable("daily_salts", {
  day: integer("day").primaryKey(),
  salt: text("salt").notNull(),
});

// Promo codes given per client (salted daily hash, never the IP) per promo and
// day: caps what one client rotating visitor ids can take. Rows older than two
// days are deleted by the cron.
export const promoGrants = sqliteTable(
  "promo_grants",
  {
    siteId: text("site_id").notNull(),
    model: text("model").notNull(),
    promoId: text("promo_id").notNull(),
    client: text("client").notNull(),
    day: integer("day").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.model, t.promoId, t.client, t.day] })],
);

// A site that no longer lives in this shard (it moved away, or is switching):
// triggers on every site table (migration 0011) abort any write of its rows here,
// whoever makes it, so nothing lands in a shard that is no longer the site's;
// guarded batches then retry on the site's current shard, other writers answer
// 503 site_moving. `cleaning` (1 once the mover empties this shard) lets deletes through.
export const siteFences = sqliteTable("site_fences", {
  siteId: text("site_id").primaryKey(),
  fencedAt: integer("fenced_at").notNull(),
  cleaning: integer("cleaning").notNull().default(0),
});

// The daily digest's claim (issue 14), in the directory: one row per site, model and local day
// ("2026-12-01"); of several cron runs only the one whose conditional upsert returns the row sends.
export const digestClaims = sqliteTable(
  "digest_claims",
  {
    siteId: text("site_id").notNull(),
    model: text("model").notNull(),
    day: text("day").notNull(),
    claimedUntil: integer("claimed_until"),
    sentAt: integer("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.model, t.day] })],
);
